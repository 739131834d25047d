// The whole product through the browser, as a first user meets it: set up the
// administrator → connect Claude (API key + the fake's base URL) → create a
// project from a real repository → create a task → run planning and watch the
// chat stream → the plan lands in the document → run implementation → the
// loop goes on by itself (review, refinement, pull request with CI) while the
// open board moves the card on its own → PR link → Merge & clean up → the card
// is in Completed. Midway the server is killed and restarted: the open pages
// reconnect and keep receiving the task's events. The task page leads with its
// next action: Start planning, Approve plan, the PR banner with CI, Merge.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gitRemoteUrl, taskRequest } from '@bottega/testkit';
import { runGit } from '../../apps/server/src/forge/git';
import { initRepo } from '../../apps/server/src/testing/git';
import { setUpAdmin, startBrowserWorld, type BrowserWorld } from './world';

const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\nconsole.log('all tests passed');\n",
};
const GREET_FR =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n';
const REQUEST = taskRequest({ summary: 'Add a French greeting, greetFr(name), next to greet.', files: { 'greet.js': GREET_FR } });
const TITLE = 'French greeting';

let w: BrowserWorld;
let repo: string;
beforeAll(async () => {
  w = await startBrowserWorld();
  repo = await initRepo(join(w.home, 'repos', 'greeter'), { files: REPO });
  await w.gh.createRepo('acme', 'greeter', { fromDir: repo });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: repo });
  // CI: every pushed branch gets a check that is pending for a moment, then passes.
  w.gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main') return;
    const sha = push.after;
    await w.gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(
      () =>
        void w.gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined),
      1500,
    );
  });
});
afterAll(async () => w?.close());

const column = (page: Page, label: string) =>
  page.locator('section[data-column]', { has: page.locator('h2, h3', { hasText: label }) }).first();
const agent = (page: Page, role: string) => page.getByTestId(`agent-${role}`);

it('takes a task from first login to a merged pull request in the browser', async () => {
  const page = await w.newPage();
  await setUpAdmin(page);

  // The first-login gate: nothing can start before a provider is connected.
  const gate = page.getByTestId('provider-gate');
  await gate.waitFor();
  await gate.getByRole('textbox', { name: 'API key' }).fill('test-key');
  await gate.getByLabel('Base URL (optional)').fill(w.fake.url);
  await gate.getByRole('button', { name: 'Connect Claude' }).click();
  await gate.waitFor({ state: 'detached' });

  // A project from a real repository.
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByLabel('Use an existing checkout (path)').check();
  await page.getByLabel('Name').fill('Greeter');
  await page.getByLabel('Repository path').fill(repo);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.waitForURL(/\/projects\/\d+$/);
  const boardUrl = page.url();

  // A task: the description becomes the task document.
  await page.getByRole('button', { name: 'New task' }).click();
  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Description').fill(REQUEST);
  await page.getByRole('button', { name: 'Create task' }).click();
  await column(page, 'Pending').getByRole('article', { name: TITLE }).waitFor();

  // A second tab keeps the board open for the rest of the journey, never reloaded.
  const board = await page.context().newPage();
  await board.goto(boardUrl);
  await column(board, 'Pending').getByRole('article', { name: TITLE }).waitFor();

  await column(page, 'Pending').getByRole('article', { name: TITLE }).click();
  await page.waitForURL(/\/tasks\/\d+$/);
  const taskUrl = page.url();
  const nextStep = page.getByRole('region', { name: 'What next' });
  await nextStep.getByRole('button', { name: 'Start planning' }).waitFor({ timeout: 60_000 });

  // The server dies and comes back: both tabs reconnect and resubscribe.
  await w.restartServer('SIGKILL');
  for (const p of [page, board]) {
    await p
      .locator('[data-connection="open"]')
      .waitFor({ timeout: 30_000 })
      .catch(async (e) => {
        // Say what the page shows instead (an error boundary, a login screen…).
        throw new Error(`${String(e)}; the page shows: ${(await p.locator('body').innerText()).slice(0, 500)}`);
      });
  }

  // Planning, watched live in its chat.
  await nextStep.getByRole('button', { name: 'Start planning' }).click();
  await nextStep.getByRole('link', { name: 'Watch its conversation' }).click();
  await page.waitForURL(/\/chat\/\d+$/);
  const transcript = page.getByTestId('transcript');
  await transcript.waitFor();
  await expect.poll(async () => (await transcript.innerText()).length, { timeout: 60_000 }).toBeGreaterThan(200);
  await w.screenshot(page, 'journey-chat-planning-desktop');
  await page.goto(taskUrl);
  await expect.poll(() => agent(page, 'planification').getAttribute('data-state'), { timeout: 120_000 }).toBe('completed');

  // The plan is in the document, and the card moved on the untouched board.
  await expect.poll(() => page.getByTestId('task-document').innerText(), { timeout: 30_000 }).toContain('Original Request');
  await column(board, 'In Progress').getByRole('article', { name: TITLE }).waitFor({ timeout: 30_000 });
  await w.screenshot(page, 'journey-plan-desktop');

  // Approve the plan: implementation starts, and the loop carries on alone.
  await nextStep.getByRole('button', { name: 'Approve plan' }).click();
  await expect.poll(() => agent(page, 'implementation').getAttribute('data-state'), { timeout: 60_000 }).toMatch(/running|completed/);
  const prLink = page.getByRole('link', { name: 'Pull request', exact: true });
  await prLink.waitFor({ timeout: 200_000 });
  expect(await prLink.getAttribute('href')).toMatch(/\/acme\/greeter\/pull\/\d+$/);
  // The PR agent finishes once CI is green; the task is then in review.
  for (const role of ['review', 'refinement', 'pr'])
    await expect.poll(() => agent(page, role).getAttribute('data-state'), { timeout: 120_000 }).toBe('completed');
  await column(board, 'In Review').getByRole('article', { name: TITLE }).waitFor({ timeout: 60_000 });
  // The banner: the pull request is open, CI passed (read from GitHub when the PR agent ended).
  await nextStep.getByText('Pull request open and ready to merge.').waitFor({ timeout: 30_000 });
  await nextStep.getByText('CI passed').waitFor();
  await w.screenshot(page, 'journey-pr-desktop');
  await w.screenshot(board, 'journey-board-in-review-desktop');

  // Merge & clean up: the card lands in Completed by itself.
  await nextStep.getByRole('button', { name: 'Merge & clean up' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Merge & clean up' }).click();
  await column(board, 'Completed').getByRole('article', { name: TITLE }).waitFor({ timeout: 60_000 });
  await nextStep.getByText('Merged.').waitFor();
  expect(w.gh.prs('acme', 'greeter').map((pr) => pr.state)).toEqual(['MERGED']);
  expect(await runGit(['show', 'main:greet.js'], { cwd: w.gh.repoPath('acme', 'greeter') })).toBe(GREET_FR);
  await w.screenshot(board, 'journey-board-completed-desktop');
});
