// Every screen, in one world, at desktop (1440×900) and phone (390×844) size:
// first run and login, the provider gate, the dashboard empty and with a
// project, the New project and New task dialogs, a board with cards in every
// column (one planner running with a question waiting, one plan to approve),
// the task page with a plan to approve and with a question waiting (its
// banner linking the question's conversation), a chat, the inbox empty and
// with items, the search palette with results, the keyboard shortcuts and the
// account menu, every settings section, the admin page, and
// a task whose pipeline ran to the pull request agent, and the pull-request
// stage (a task whose CI failed then passed with two review threads, a task
// blocked on CI with its log, the board's PR markers, the project's pull request
// settings, seeded in the database the way the server records them), a task whose run is queued
// (its place and Cancel), the inbox's runs waiting to start, a chat message waiting for a slot, and Admin → Capacity. Each screen must pass
// axe with no serious or critical violation and, on the phone, fit the screen's
// width; each is saved as test-artifacts/screens/screen-<name>-<size>.png.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConversationDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, directive, taskRequest, type Brain } from '@bottega/testkit';
import { openDatabase } from '../../apps/server/src/db/open';
import { inTransaction } from '../../apps/server/src/db/transaction';
import { serverDatabase } from '../../apps/server/src/testing/database';
import { a11yViolations, noHorizontalOverflow } from './a11y';
import {
  type ApiClient,
  arrangeTask,
  type BrowserWorld,
  DESKTOP,
  expectStatus,
  logIn,
  PHONE,
  setUpAdmin,
  startBrowserWorld,
  waitFor,
} from './world';

const PASSWORD = 'admin-password-1';
const ASKING = 'Confirm the test command';
const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\n",
};
const GREET_FR =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n';

// The planner of the task titled ASKING asks the user to confirm the testing
// strategy (and so stays running with a question waiting); every other task's
// agents run straight through.
const plain = createRoleBrain();
const asking = createRoleBrain({ confirmTestingStrategy: true });
const brain: Brain = (request) => (JSON.stringify([request.system, request.messages[0]]).includes(ASKING) ? asking : plain)(request);

type Size = 'desktop' | 'phone';
const SIZES: Size[] = ['desktop', 'phone'];

let w: BrowserWorld;
let api: ApiClient;
const pages = {} as Record<Size, Page>;
let projectId: number;
let planned: TaskDto;
let questioned: TaskDto;
let reviewing: TaskDto;
let chatted: ConversationDto;

const taskPath = (t: TaskDto) => `/projects/${projectId}/tasks/${t.id}`;
const nextStep = (p: Page) => p.getByRole('region', { name: 'What next' });
const runsOf = async (t: TaskDto) =>
  (await api<{ runs: { agentType: string; status: string }[] }>('GET', `/api/tasks/${t.id}/agent-runs`)).body.runs;

async function newTask(title: string, description: string): Promise<TaskDto> {
  const created = (await expectStatus(api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, { title, description }), 201))
    .task;
  return waitFor(`the worktree of ${title}`, async () => {
    const t = (await api<{ task: TaskDto }>('GET', `/api/tasks/${created.id}`)).body.task;
    return t.workspaceStatus === 'ready' ? t : null;
  });
}

/** Nothing is still loading, and no transition is half-way. */
async function settle(p: Page) {
  await expect.poll(() => p.locator('[data-state="loading"], [aria-busy="true"]').count(), { timeout: 20_000 }).toBe(0);
  // Finite animations only: spinners and live dots turn forever.
  await p.evaluate(
    'Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))).then(() => true)',
  );
}

/** Every screen's axe violations and phone overflow, asserted all together at the end. */
const problems: string[] = [];
const visited: string[] = [];

/**
 * Brings each size's page to the screen with `reach`, saves its screenshot,
 * and notes every serious or critical axe violation and any sideways overflow on the phone.
 */
async function screen(name: string, reach: (p: Page, size: Size) => Promise<void>) {
  for (const size of SIZES) {
    const p = pages[size];
    await reach(p, size);
    await settle(p);
    await w.screenshot(p, `screen-${name}-${size}`);
    for (const v of await a11yViolations(p)) problems.push(`${name} (${size}): ${v}`);
    if (size === 'phone') await noHorizontalOverflow(p, `${name} (phone)`).catch((e: Error) => problems.push(e.message));
  }
  visited.push(name);
}

beforeAll(async () => {
  w = await startBrowserWorld({ brain });
  pages.desktop = await w.newPage(DESKTOP);
  pages.phone = await w.newPage(PHONE);
});
afterAll(async () => w?.close());

it('first run: the administrator setup form', async () => {
  await screen('setup', async (p) => {
    await p.goto('/');
    await p.getByRole('heading', { name: 'Create the administrator' }).waitFor();
  });
  await setUpAdmin(pages.desktop, 'admin', PASSWORD);
});

it('login', async () => {
  await screen('login', async (p) => {
    await p.goto('/');
    if (p === pages.desktop) {
      await p.getByRole('button', { name: 'Account: admin' }).click();
      await p.getByRole('menuitem', { name: 'Log out' }).click();
    }
    await p.getByRole('heading', { name: 'Log in' }).waitFor();
  });
  for (const size of SIZES) await logIn(pages[size], 'admin', PASSWORD);
  // After the log out above, which ends every session of the user.
  api = await w.apiAs('admin', PASSWORD);
});

it('the provider gate of a new user', async () => {
  await screen('provider-gate', async (p) => {
    await p.goto('/');
    await p.getByTestId('provider-gate').waitFor();
  });
  await expectStatus(api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url }), 200);
});

it('the dashboard without projects, the New project dialog, and the empty inbox', async () => {
  await screen('dashboard-empty', async (p) => {
    await p.goto('/');
    await p.getByText('No projects yet').waitFor();
  });
  await screen('new-project', async (p) => {
    await p.getByRole('button', { name: 'New project' }).first().click();
    await p.getByRole('dialog', { name: 'New project' }).waitFor();
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
  await screen('inbox-empty', async (p) => {
    await p.goto('/inbox');
    await p.getByText('Nothing needs you').waitFor();
  });
});

it('the dashboard and the board with tasks in every column, a plan to approve and a planner waiting for an answer', async () => {
  ({ projectId, task: planned } = await arrangeTask(w, api, {
    project: 'Greeter',
    repoFiles: REPO,
    task: {
      title: 'French greeting',
      description: taskRequest({ summary: 'Add greetFr(name) next to greet.', files: { 'greet.js': GREET_FR } }),
    },
  }));
  questioned = await newTask(ASKING, 'Make sure the tests run the way the team expects.');
  reviewing = await newTask('Polish the README', 'A friendlier introduction.');
  const done = await newTask('Set up the repository', 'The first commit.');
  await newTask('Spanish greeting', 'Add greetEs(name) too.');
  await expectStatus(api('PATCH', `/api/tasks/${reviewing.id}`, { status: 'in_review' }), 200);
  await expectStatus(api('PATCH', `/api/tasks/${done.id}`, { status: 'completed' }), 200);
  await expectStatus(api('POST', `/api/tasks/${planned.id}/agent-runs`, { agentType: 'planification' }), 201);
  await expectStatus(api('POST', `/api/tasks/${questioned.id}/agent-runs`, { agentType: 'planification' }), 201);

  const inProgress = (p: Page) => p.locator('[data-column="in_progress"]');
  await screen('board', async (p) => {
    await p.goto(`/projects/${projectId}`);
    const column = inProgress(p);
    await column
      .getByRole('article', { name: ASKING })
      .getByRole('list', { name: 'Needs you' })
      .getByText('Question waiting')
      .waitFor({ timeout: 120_000 });
    await column
      .getByRole('article', { name: 'French greeting' })
      .getByRole('list', { name: 'Needs you' })
      .getByText('Plan to approve')
      .waitFor({ timeout: 120_000 });
  });
  await screen('dashboard', async (p) => {
    await p.goto('/');
    await p.getByRole('article', { name: 'Greeter' }).waitFor();
  });
  await screen('new-task', async (p) => {
    await p.goto(`/projects/${projectId}`);
    await p.getByRole('button', { name: 'New task' }).click();
    await p.getByRole('dialog', { name: 'New task' }).waitFor();
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
});

it('the task page with a plan to approve and with a question waiting, and the inbox listing both', async () => {
  await screen('task-plan', async (p) => {
    await p.goto(taskPath(planned));
    await nextStep(p).getByRole('button', { name: 'Approve plan' }).waitFor();
  });
  const conversations = (await api<{ conversations: ConversationDto[] }>('GET', `/api/tasks/${questioned.id}/conversations`)).body
    .conversations;
  expect(conversations.map((c) => c.questionWaiting)).toEqual([true]);
  await screen('task-question', async (p) => {
    await p.goto(taskPath(questioned));
    await nextStep(p).getByText('The planning agent has a question for you.').waitFor();
    const answer = nextStep(p).getByRole('link', { name: 'Answer the question' });
    expect(await answer.getAttribute('href')).toBe(`${taskPath(questioned)}/chat/${conversations[0]?.id}`);
    expect(await nextStep(p).getByText('is working').count()).toBe(0);
  });
  await screen('chat-question', async (p) => {
    await p.goto(`${taskPath(questioned)}/chat/${conversations[0]?.id}`);
    await p.getByTestId('question-wizard').waitFor({ timeout: 60_000 });
    // The provider's capabilities arrive on their own: wait for them rather than check the button mid-change.
    await expect.poll(() => p.getByRole('button', { name: 'Add image' }).isEnabled()).toBe(true);
  });
  await screen('inbox', async (p) => {
    await p.goto('/inbox');
    await p.getByRole('link', { name: 'Review plan: French greeting' }).waitFor();
  });
  // The plan is approved: implementation, review and the PR agent run while the other screens are visited.
  await pages.desktop.goto(taskPath(planned));
  await nextStep(pages.desktop).getByRole('button', { name: 'Approve plan' }).click();
  await expect.poll(async () => (await runsOf(planned)).some((r) => r.agentType === 'implementation'), { timeout: 30_000 }).toBe(true);
});

it('the overlays: the search palette with results, the keyboard shortcuts, the account menu', async () => {
  await screen('search', async (p) => {
    await p.goto('/');
    await p.getByRole('article', { name: 'Greeter' }).waitFor();
    await p.keyboard.press('/');
    const palette = p.getByRole('dialog', { name: 'Search' });
    await palette.getByRole('combobox').fill('French');
    await palette.getByRole('option', { name: /French greeting/ }).waitFor();
    // The server's answer replaced the recent tasks shown while typing.
    await palette.getByRole('option', { name: new RegExp(ASKING) }).waitFor({ state: 'detached' });
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
  await screen('shortcuts', async (p) => {
    await p.getByRole('dialog', { name: 'Search' }).waitFor({ state: 'detached' });
    await p.keyboard.press('?');
    await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
  await screen('account-menu', async (p) => {
    await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    await p.getByRole('button', { name: 'Account: admin' }).click();
    await p.getByRole('menu').getByRole('menuitem', { name: 'Log out' }).waitFor();
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
});

it('a chat conversation', async () => {
  const conversation = (chatted = (
    await expectStatus(
      api<{ conversation: ConversationDto }>('POST', `/api/tasks/${reviewing.id}/conversations`, {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        message: `What does the README say? ${directive.bash('cat README.md || true')} ${directive.say('It is short; a friendlier first paragraph would help.')}`,
      }),
      201,
    )
  ).conversation);
  await screen('chat', async (p) => {
    await p.goto(`${taskPath(reviewing)}/chat/${conversation.id}`);
    await p.getByTestId('transcript').getByText('a friendlier first paragraph would help').first().waitFor({ timeout: 60_000 });
    await p.getByTestId('idle').waitFor({ timeout: 60_000 });
  });
});

it('every settings section', async () => {
  for (const section of ['providers', 'models', 'prompts', 'api-key', 'profile']) {
    await screen(`settings-${section}`, async (p) => {
      await p.goto(`/settings/${section}`);
      await p.getByRole('heading', { level: 2 }).first().waitFor();
      await p.locator('[data-state="loading"]').waitFor({ state: 'detached' });
    });
  }
  await screen('settings-prompt-editor', async (p) => {
    await p.goto('/settings/prompts/implementation');
    await p.locator('.cm-content').waitFor();
  });
});

it('the admin page: users, memberships, instance settings, the cluster, model prices', async () => {
  await expectStatus(api('POST', '/api/admin/users', { username: 'bob', password: 'bob-password-1' }), 201);
  await screen('admin', async (p) => {
    await p.goto('/admin');
    await p.locator('tr[data-user="bob"]').waitFor();
    await p.getByRole('list', { name: 'Members' }).waitFor();
    await p.getByTestId('sandbox-panel').waitFor();
  });
  // One node (this server, `bottega start`): the panel lists it live and explains several nodes.
  await screen('admin-cluster', async (p) => {
    await p.goto('/admin#cluster');
    const panel = p.getByTestId('cluster-panel');
    await panel.getByText('API + worker').waitFor();
    await panel.getByTestId('cluster-one-node').waitFor();
    await panel.getByText('Live', { exact: true }).waitFor();
  });
});

it('the task page after the pipeline ran up to the pull request agent', async () => {
  // Implementation, review and the PR agent ran while the other screens were visited; on a slow machine they may still run.
  const stopped = await waitFor(
    'the pull request agent to stop',
    async () => {
      const t = (await api<{ task: TaskDto }>('GET', `/api/tasks/${planned.id}`)).body.task;
      return t.prStopReason || t.workflowBlocked ? t : null;
    },
    200_000,
  ).catch(async (e: Error) => {
    const runs = (await runsOf(planned)).map((r) => `${r.agentType}:${r.status}`);
    throw new Error(`${e.message}; runs so far: ${runs.join(', ')}`);
  });
  expect(stopped.prStopReason, `blocked instead: ${stopped.blockReason}`).toContain('no GitHub remote');
  await screen('task-pr-stopped', async (p) => {
    await p.goto(taskPath(planned));
    await nextStep(p).getByText('The pull request agent stopped without a pull request.').waitFor();
  });
});

/** Statements in SQLite's `?` style, run in order; the seed reads nothing back. */
interface Seeder {
  prepare(text: string): { run(...params: unknown[]): void };
}

/** Writes what the server records of a pull request straight into the world's database (either dialect), in one transaction. */
async function seedPullRequestStage(write: (db: Seeder) => void) {
  const statements: { text: string; params: unknown[] }[] = [];
  write({ prepare: (text) => ({ run: (...params) => void statements.push({ text, params }) }) });
  const opened = openDatabase(serverDatabase(w.home));
  try {
    await inTransaction(opened.db, async (trx) => {
      for (const { text, params } of statements) {
        const parts = text.split('?');
        await sql(Object.assign(parts, { raw: parts }), ...params).execute(trx);
      }
    });
  } finally {
    await opened.close();
  }
}

it("the pull request stage: CI rounds, review threads, a block on CI with its log, the board's markers, the project's settings", async () => {
  const fixing = await newTask('Fix the greeting test', 'The greeting test fails on CI.');
  const stuck = await newTask('Move the tests to node:test', 'Use the built-in runner.');
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const failingLog = [
    '> greeter@ test',
    '> node greet.test.js',
    'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
    '+ actual - expected',
    "+ 'Hello, Ada!'",
    "- 'Hello, Ada'",
    '    at file:///home/runner/work/greeter/greeter/greet.test.js:3:8',
    '##[error]Process completed with exit code 1.',
  ].join('\n');
  await seedPullRequestStage((db) => {
    const task = db.prepare(
      `UPDATE tasks SET status = ?, planification_complete = 1, workflow_complete = 1, pr_agent_complete = ?, pr_url = ?,
         pr_ci_state = ?, pr_mergeable = ?, pr_conflict_files = ?, pr_ci_rounds = ?, pr_threads_total = ?, pr_threads_open = ?,
         workflow_blocked = ?, block_reason = ?, block_detail = ? WHERE id = ?`,
    );
    const round = db.prepare(
      `INSERT INTO pr_ci_rounds (task_id, round, head_sha, state, failing_checks, log_excerpt, details_url, agent_run_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    );
    const thread = db.prepare(
      `INSERT INTO pr_review_threads (task_id, thread_id, path, line, author, body, url, resolved, reply_count, last_reply_author,
         last_reply_body, position, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // The runs that led there: planning, one implementation and review, the pull request agent.
    const runs = db.prepare(
      `INSERT INTO agent_runs (task_id, agent_type, status, provider, model, trigger, started_at, ended_at, created_at)
       VALUES (?, ?, 'completed', 'anthropic', 'claude-sonnet-4-5', ?, ?, ?, ?)`,
    );
    for (const t of [fixing, stuck]) {
      ['planification', 'implementation', 'review', 'pr'].forEach((role, i) =>
        runs.run(t.id, role, i === 0 ? 'manual' : 'chain', minutesAgo(60 - i * 10), minutesAgo(55 - i * 10), minutesAgo(60 - i * 10)),
      );
      db.prepare('UPDATE tasks SET workflow_run_count = 4 WHERE id = ?').run(t.id);
    }
    const pr = 'https://github.com/acme/greeter/pull/12';
    task.run('in_review', 1, pr, 'success', 'MERGEABLE', null, 2, 2, 1, 0, null, null, fixing.id);
    const run = `${pr.replace('/pull/12', '')}/actions/runs`;
    round.run(
      fixing.id,
      1,
      'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0',
      'failure',
      '["test"]',
      failingLog,
      `${run}/41/job/1`,
      minutesAgo(14),
      minutesAgo(12),
    );
    round.run(fixing.id, 2, 'b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1', 'success', '[]', null, `${run}/42`, minutesAgo(6), minutesAgo(4));
    thread.run(
      fixing.id,
      'PRRT_kwDOA1',
      'greet.js',
      2,
      'maria',
      'The trailing "!" changes every greeting. Keep greet as it was and add the exclamation only where the README asks for it.',
      `${pr}#discussion_r101`,
      1,
      1,
      'bottega-agent',
      'Reverted the "!" in greet and kept the test as it was; the README example now shows the plain greeting.',
      0,
      minutesAgo(5),
    );
    thread.run(
      fixing.id,
      'PRRT_kwDOA2',
      'greet.test.js',
      3,
      'maria',
      'Could this test cover an empty name too?',
      `${pr}#discussion_r102`,
      0,
      0,
      null,
      null,
      1,
      minutesAgo(3),
    );

    const stuckPr = 'https://github.com/acme/greeter/pull/13';
    task.run(
      'in_progress',
      0,
      stuckPr,
      'failure',
      'CONFLICTING',
      '["greet.js","package.json"]',
      3,
      0,
      0,
      1,
      'CI is still failing after 3 rounds (the limit is 3): job `test` failed.',
      failingLog,
      stuck.id,
    );
    for (const n of [1, 2, 3])
      round.run(
        stuck.id,
        n,
        `c${n}d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e`,
        'failure',
        '["test"]',
        failingLog,
        `${run}/5${n}/job/1`,
        minutesAgo(40 - n * 10),
        minutesAgo(38 - n * 10),
      );
  });

  const panel = (p: Page) => p.getByRole('region', { name: 'Pull request' });
  await screen('task-pull-request', async (p) => {
    await p.goto(taskPath(fixing));
    await panel(p).getByText('1 of 2 threads resolved').waitFor();
    await panel(p).getByText('2 of 3 rounds').waitFor();
    await panel(p).getByText('Mergeable: no conflicts with the default branch.').waitFor();
    await panel(p).getByRole('button', { name: 'Log excerpt of round 1' }).click();
    await panel(p).getByRole('region', { name: 'Log excerpt of round 1' }).getByText('Process completed with exit code 1.').waitFor();
    const threads = panel(p).getByRole('list', { name: 'Review threads' });
    await threads.getByRole('listitem', { name: 'greet.js:2, resolved' }).getByText('Last reply by bottega-agent:').waitFor();
    await threads.getByRole('listitem', { name: 'greet.test.js:3, open' }).getByText('No replies yet').waitFor();
  });
  await screen('task-blocked-ci', async (p) => {
    await p.goto(taskPath(stuck));
    await nextStep(p)
      .getByText(/CI is still failing after 3 rounds/)
      .waitFor();
    await nextStep(p).getByRole('region', { name: 'Block details' }).getByText('Process completed with exit code 1.').waitFor();
    await nextStep(p).getByRole('button', { name: 'Unblock', exact: true }).waitFor();
    await nextStep(p).getByRole('button', { name: 'Unblock with the implementation agent' }).waitFor();
    await nextStep(p).getByRole('button', { name: 'Copy the details' }).waitFor();
    await panel(p).getByRole('list', { name: 'Conflicting files' }).getByText('package.json').waitFor();
  });
  await screen('board-pull-requests', async (p) => {
    await p.goto(`/projects/${projectId}`);
    const card = p.getByRole('article', { name: 'Move the tests to node:test' });
    await card.getByTestId('card-conflicts').waitFor();
    // On the phone the columns scroll sideways: bring the card with the markers into view.
    await card.scrollIntoViewIfNeeded();
    expect(await card.getByTestId('card-ci-round').textContent()).toBe('CI round 3');
    const fixed = p.getByRole('article', { name: 'Fix the greeting test' });
    expect(await fixed.getByTestId('card-threads').textContent()).toContain('1 of 2 threads open');
    expect(await fixed.getByTestId('card-ci-round').textContent()).toBe('CI round 2');
  });
  await screen('project-pr-settings', async (p, size) => {
    await p.goto('/');
    await p.getByRole('button', { name: 'Edit Greeter' }).click();
    const dialog = p.getByRole('dialog', { name: 'Edit project' });
    const form = dialog.getByRole('form', { name: 'Pull request settings' });
    await form.getByRole('radio', { name: /Rebase onto the default branch/ }).waitFor();
    if (size === 'desktop') {
      await form.getByRole('radio', { name: /Merge the default branch in/ }).check();
      await form.getByRole('checkbox', { name: /Use the instance default/ }).click();
      await form.getByRole('spinbutton', { name: 'Rounds for this project' }).fill('5');
      await form.getByRole('button', { name: 'Save pull request settings' }).click();
      await form.getByText('Saved.').waitFor();
    } else {
      expect(await form.getByRole('radio', { name: /Merge the default branch in/ }).isChecked()).toBe(true);
      expect(await form.getByRole('spinbutton', { name: 'Rounds for this project' }).inputValue()).toBe('5');
    }
  });
  for (const size of SIZES) await pages[size].keyboard.press('Escape');
  const saved = (
    await api<{ prSettings: { updateStrategy: string; maxCiRounds: number | null } }>('GET', `/api/projects/${projectId}/pr-settings`)
  ).body.prSettings;
  expect(saved).toMatchObject({ updateStrategy: 'merge', maxCiRounds: 5, effectiveMaxCiRounds: 5 });
});

it('a queued run: its task page with Cancel, its board card and inbox row, a chat message waiting, and Admin → Capacity', async () => {
  // A planner that asks a question holds one of the administrator's run slots; with one slot per user, the next run waits.
  const hold = await newTask(`${ASKING} for the search page`, 'Hold a run slot while the other task waits.');
  await expectStatus(api('POST', `/api/tasks/${hold.id}/agent-runs`, { agentType: 'planification' }), 201);
  await waitFor('the holding planner to run', async () => ((await runsOf(hold)).some((r) => r.status === 'running') ? true : null), 60_000);
  const before = (await api<{ capacity: { perUserLimit: number } }>('GET', '/api/admin/capacity')).body.capacity.perUserLimit;
  await expectStatus(api('PUT', '/api/admin/capacity', { perUserLimit: 1 }), 200);
  const waiting = await newTask('Search by tag', 'Filter the task list by tag.');
  await expectStatus(api('POST', `/api/tasks/${waiting.id}/agent-runs`, { agentType: 'planification' }), 201);
  expect((await runsOf(waiting)).map((r) => r.status)).toEqual(['queued']);

  await screen('task-queued', async (p) => {
    await p.goto(taskPath(waiting));
    await nextStep(p).getByText('The planning agent is queued.').waitFor();
    expect(await nextStep(p).getByTestId('queue-place').textContent()).toMatch(/^(Next to start|Queued · \d+ in line) — /);
    await nextStep(p).getByRole('button', { name: 'Cancel run' }).waitFor();
    expect(await nextStep(p).locator('.animate-spin').count()).toBe(0);
  });
  await screen('admin-capacity', async (p) => {
    await p.goto('/admin');
    const panel = p.getByTestId('capacity-panel');
    await panel.getByRole('link', { name: 'Search by tag' }).waitFor();
    expect(await panel.getByLabel('Agents at once per user').inputValue()).toBe('1');
  });

  const p = pages.desktop;
  await p.goto(`/projects/${projectId}`);
  expect(await p.getByRole('article', { name: 'Search by tag' }).getByTestId('queued-run').textContent()).toMatch(
    /^(Next to start|Queued · \d+(st|nd|rd|th))$/,
  );
  await screen('inbox-waiting', async (q) => {
    await q.goto('/inbox');
    await q
      .getByRole('region', { name: /Waiting to start/ })
      .getByRole('button', { name: 'Cancel the planning run of Search by tag' })
      .waitFor();
  });
  // The dashboard counts the agents at work, not the one waiting (the two planners hold their slots with a question).
  await p.goto('/');
  await p.getByRole('article', { name: 'Greeter' }).getByRole('img', { name: '2 agents working' }).waitFor();

  // A follow-up in a chat waits for a slot too: the chat says so, and Cancel message takes it back.
  const chatPath = `${taskPath(reviewing)}/chat/${chatted.id}`;
  const cancelMessage = async (q: Page) => {
    await q.getByRole('button', { name: 'Cancel message' }).click();
    await q.getByTestId('idle').waitFor();
    expect(await q.getByTestId('turn-queue').count()).toBe(0);
  };
  await screen('chat-waiting', async (q, size) => {
    if (size === 'phone') await cancelMessage(pages.desktop);
    await q.goto(chatPath);
    await q.getByTestId('idle').waitFor();
    await q.getByLabel('Message').fill('And what does it say about the licence?');
    await q.getByRole('button', { name: 'Send' }).click();
    await q
      .getByTestId('turn-queue')
      .getByText(/^Waiting for a free agent slot/)
      .waitFor();
    await q.getByTestId('waiting').getByText('Waiting for a slot').waitFor();
  });
  await cancelMessage(pages.phone);

  // Cancelled from its task page: the run ends failed ("cancelled before it started"), and the banner offers to plan again.
  await p.goto(taskPath(waiting));
  await nextStep(p).getByRole('button', { name: 'Cancel run' }).click();
  await nextStep(p).getByText('The planning run was cancelled.').waitFor();
  expect((await runsOf(waiting)).map((r) => r.status)).toEqual(['failed']);
  await expectStatus(api('PUT', '/api/admin/capacity', { perUserLimit: before }), 200);
});

it('has no serious or critical accessibility violation, and nothing wider than a phone, on any screen', () => {
  expect(visited).toHaveLength(34);
  expect(problems).toEqual([]);
});
