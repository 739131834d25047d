// The task page leads through the pipeline, in a real browser against the
// built server, the real Claude CLI and the fake Anthropic API's role brain:
// Start planning → Revise plan (the note reaches the planning agent's prompt)
// → Approve plan → implementation, review, refinement and the PR agent run by
// themselves → on a repository without a GitHub remote the PR agent stops and
// the banner says why; a review that blocks shows the blocked banner, whose
// Unblock starts implementation again. Desktop and phone screenshots.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AgentRunDto, TaskDetailResponse, TaskDto } from '@bottega/protocol';
import { taskRequest } from '@bottega/testkit';
import {
  type ApiClient,
  arrangeTask,
  type BrowserWorld,
  expectStatus,
  logIn,
  PHONE,
  SCREENS_DIR,
  setUpAdmin,
  startBrowserWorld,
  waitFor,
} from './world';

const PASSWORD = 'admin-password-1';
const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\n",
};
const GREET_FR =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n';
const NOTE = 'Also name greet.test.js among the files to check (note 7731).';

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

const taskPath = (id: number) => `/projects/${projectId}/tasks/${id}`;
const nextStep = (p: Page) => p.getByRole('region', { name: 'What next' });
const stage = (p: Page, name: string) => p.getByRole('list', { name: 'Pipeline' }).locator(`[data-stage="${name}"]`);
const runsOf = async (id: number) => (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${id}/agent-runs`)).body.runs;

beforeAll(async () => {
  w = await startBrowserWorld();
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: {
      title: 'French greeting',
      description: taskRequest({ summary: 'Add greetFr(name) next to greet.', files: { 'greet.js': GREET_FR } }),
    },
    repoFiles: REPO,
  }));
});
afterAll(async () => w?.close());

it('plans, revises the plan with a note, approves it, and says why the PR agent stopped on a repository without a remote', async () => {
  await page.goto(taskPath(task.id));
  await expect(stage(page, 'plan').getAttribute('data-state')).resolves.toBe('current');
  await nextStep(page).getByText('Start with a plan.').waitFor();
  await nextStep(page).getByRole('button', { name: 'Start planning' }).click();

  const approve = nextStep(page).getByRole('button', { name: 'Approve plan' });
  await approve.waitFor({ timeout: 120_000 });
  await expect(stage(page, 'approve').getAttribute('data-state')).resolves.toBe('current');
  await expect(stage(page, 'plan').getAttribute('data-state')).resolves.toBe('done');
  await w.screenshot(page, 'pipeline-approve-desktop');

  // Revise: planning runs again, and the note is in the prompt the model receives.
  const before = w.fake.modelRequests().length;
  await nextStep(page).getByRole('button', { name: 'Revise plan…' }).click();
  await nextStep(page).getByLabel('What should change in the plan?').fill(NOTE);
  await nextStep(page).getByRole('button', { name: 'Revise plan', exact: true }).click();
  await expect
    .poll(
      () =>
        w.fake
          .modelRequests()
          .slice(before)
          .some((r) => JSON.stringify(r.body).includes('note 7731')),
      { timeout: 60_000 },
    )
    .toBe(true);
  await expect
    .poll(async () => (await runsOf(task.id)).filter((r) => r.agentType === 'planification' && r.status === 'completed').length, {
      timeout: 120_000,
    })
    .toBe(2);

  // Approve: implementation starts, and the loop carries on alone up to the PR agent.
  await approve.click();
  const banner = nextStep(page);
  await banner.getByText('The pull request agent stopped without a pull request.').waitFor({ timeout: 150_000 });
  await expect(banner.innerText()).resolves.toContain('no GitHub remote');
  await banner.getByRole('button', { name: 'Run the pull request agent again' }).waitFor();
  await expect(stage(page, 'pr').getAttribute('data-state')).resolves.toBe('attention');
  for (const s of ['plan', 'approve', 'implement', 'review']) await expect(stage(page, s).getAttribute('data-state')).resolves.toBe('done');
  const { task: t, maxIterations } = (await api<TaskDetailResponse>('GET', `/api/tasks/${task.id}`)).body;
  expect(t.prStopReason).toContain('no GitHub remote');
  expect(t.status).toBe('in_progress');
  // Review carries the loop's iteration against the cap, in the board card's words.
  await expect.poll(() => stage(page, 'review').innerText()).toContain(`Iteration ${t.workflowRunCount} of ${maxIterations}`);
  await w.screenshot(page, 'pipeline-pr-stopped-desktop');

  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(taskPath(task.id));
  await nextStep(phone).getByText('The pull request agent stopped without a pull request.').waitFor();
  await expect(phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).resolves.toBeLessThanOrEqual(0);
  // Every stage of the strip is inside the screen (it wraps instead of clipping).
  const box = await phone.getByRole('list', { name: 'Pipeline' }).boundingBox();
  for (const s of ['plan', 'merge']) {
    const b = await stage(phone, s).boundingBox();
    expect(b && box && b.x >= box.x && b.x + b.width <= PHONE.width).toBe(true);
  }
  await w.screenshot(phone, 'pipeline-pr-stopped-phone');
  // The first screen as the phone shows it: the strip and the banner without scrolling.
  await phone.screenshot({ path: join(SCREENS_DIR, 'pipeline-pr-stopped-phone-first-screen.png') });
  await phone.close();
});

it('shows a blocked review with its reason, and Unblock starts implementation again', async () => {
  const created = (
    await expectStatus(
      api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, {
        title: 'Production key',
        description: taskRequest({
          summary: 'Wire the production key.',
          files: { 'key.js': 'export const key = null;\n' },
          blocked: 'needs the production key',
        }),
      }),
      201,
    )
  ).task;
  await waitFor('the worktree', async () => {
    const t = (await api<{ task: TaskDto }>('GET', `/api/tasks/${created.id}`)).body.task;
    return t.workspaceStatus === 'ready' ? t : null;
  });
  await page.goto(taskPath(created.id));
  await nextStep(page).getByRole('button', { name: 'Start planning' }).click();
  await nextStep(page).getByRole('button', { name: 'Approve plan' }).click({ timeout: 120_000 });
  const banner = nextStep(page);
  await banner.getByText('Blocked: the agents need you.').waitFor({ timeout: 240_000 });
  await expect(banner.innerText()).resolves.toContain('needs the production key');
  await expect(stage(page, 'review').getAttribute('data-state')).resolves.toBe('attention');
  await w.screenshot(page, 'pipeline-blocked-desktop');

  const implementations = (await runsOf(created.id)).filter((r) => r.agentType === 'implementation').length;
  await banner.getByRole('button', { name: 'Unblock' }).click();
  await expect
    .poll(async () => (await runsOf(created.id)).filter((r) => r.agentType === 'implementation').length, { timeout: 30_000 })
    .toBe(implementations + 1);
});
