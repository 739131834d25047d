// The task screen in a real browser against the built server, the real Claude
// CLI and the fake Anthropic API driven by the role brain: editing the task
// document (saved, rendered, scripts inert), a planning run going Running →
// Completed live with its conversation link, the busy notice when another
// run is asked for meanwhile, the connect-provider modal for a user whose
// provider is gone, the branch diff after a commit in the worktree, the
// phone layout, and the redirects for a missing task and a missing project.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AgentRunDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, type Brain } from '@bottega/testkit';
import { runGit } from '../../apps/server/src/forge/git';
import { TEST_GIT_IDENTITY } from '../../apps/server/src/testing/git';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, logIn, PHONE, setUpAdmin, startBrowserWorld } from './world';

const PASSWORD = 'admin-password-1';
/** Extra wait before each model response, so a run stays "running" long enough to act on it. */
let responseDelayMs = 0;
const roleBrain = createRoleBrain();
const slowableBrain: Brain = (request) => {
  const reply = roleBrain(request);
  return { ...reply, delayMs: reply.delayMs + responseDelayMs };
};

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;
let repo: string;

const taskPath = () => `/projects/${projectId}/tasks/${task.id}`;
const agent = (p: Page, type: string) => p.getByTestId(`agent-${type}`);
/** Opens "Run an agent", where the per-role Run buttons are. */
const openRunMenu = (p: Page) => p.getByTestId('run-an-agent').locator('summary').click();

beforeAll(async () => {
  w = await startBrowserWorld({ brain: slowableBrain });
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ repo, projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: { title: 'Add a French greeting', description: 'Add greetFr(name) next to greet.' },
    repoFiles: { 'README.md': '# app\n', 'greet.js': 'export const greet = (n) => `Hello, ${n}`;\n' },
  }));
});
afterAll(async () => w?.close());

it('edits and saves the document; it renders as markdown after a reload and its scripts stay inert', async () => {
  await page.goto(taskPath());
  await page.getByRole('heading', { level: 1, name: 'Add a French greeting' }).waitFor();
  await expect(page.getByRole('link', { name: '← Greeter' }).getAttribute('href')).resolves.toBe(`/projects/${projectId}`);
  const doc = page.getByTestId('task-document');
  await doc.getByText('Add greetFr(name) next to greet.').waitFor();
  for (const type of ['planification', 'implementation', 'review', 'refinement', 'pr']) {
    await expect(agent(page, type).getAttribute('data-state')).resolves.toBe('idle');
  }
  await expect.poll(() => agent(page, 'yolo').count()).toBe(0);

  await page.getByRole('button', { name: 'Edit' }).click();
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(
    '# French greeting\n\nAdd **greetFr(name)** next to greet.\n\n<script>window.__pwned = 1</script>\n<img src="x" onerror="window.__pwned = 2">\n',
  );
  await page.getByRole('button', { name: 'Save' }).click();
  await doc.getByRole('heading', { name: 'French greeting' }).waitFor();
  await page.reload();
  await doc.getByRole('heading', { name: 'French greeting' }).waitFor();
  await expect(doc.locator('strong').textContent()).resolves.toBe('greetFr(name)');
  await expect.poll(() => doc.locator('script').count()).toBe(0);
  await expect.poll(() => doc.locator('img[onerror]').count()).toBe(0);
  await expect(page.evaluate<unknown>('window.__pwned')).resolves.toBeUndefined();
  const saved = (await api<{ content: string }>('GET', `/api/tasks/${task.id}/document`)).body.content;
  expect(saved).toContain('Add **greetFr(name)** next to greet.');

  // Cancel leaves the saved document as it was.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.locator('.cm-content').click();
  await page.keyboard.insertText('unsaved words');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await doc.getByRole('heading', { name: 'French greeting' }).waitFor();
  await expect(doc.textContent()).resolves.not.toContain('unsaved words');
});

it('runs planning: Running, a busy notice for another run meanwhile, then Completed with its conversation in the history', async () => {
  // Slow enough that the planner is still at work when the second run is asked for, even on a loaded machine.
  responseDelayMs = 4000;
  await page.goto(taskPath());
  await openRunMenu(page);
  await page.getByRole('button', { name: 'Planning: Run' }).click();
  await page.getByRole('button', { name: 'Planning: Running' }).waitFor();
  await expect(agent(page, 'planification').getAttribute('data-state')).resolves.toBe('running');

  await page.getByRole('button', { name: 'Implementation: Run' }).click();
  await expect(page.getByTestId('busy-notice').textContent()).resolves.toContain('already running on this task');
  await w.screenshot(page, 'task-busy-desktop');
  responseDelayMs = 0;

  await page.getByRole('button', { name: 'Planning: Completed' }).waitFor({ timeout: 120_000 });
  const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).body.runs;
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
  const run = runs[0];
  if (!run?.conversationId) throw new Error('the run has no conversation');
  // The plan the agent wrote shows without a reload, and the run is in the history.
  await page.getByTestId('task-document').getByText('Original Request').first().waitFor();
  const history = page.getByRole('list', { name: 'Agent runs' });
  await expect.poll(() => history.getByRole('listitem').count()).toBe(1);
  await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor();
  await w.screenshot(page, 'task-desktop');

  await history.getByRole('link', { name: `Conversation of planning run #${run.id}` }).click();
  await page.waitForURL(`**/projects/${projectId}/tasks/${task.id}/chat/${run.conversationId}`);
  await page.getByTestId('transcript').waitFor();
  expect(new URL(page.url()).pathname).toBe(`/projects/${projectId}/tasks/${task.id}/chat/${run.conversationId}`);
});

it('shows the branch diff after a commit in the worktree', async () => {
  await page.goto(taskPath());
  const panel = page.getByTestId('diff-panel');
  await panel.getByText('No changes yet').waitFor();
  const wt = task.worktreePath ?? '';
  await writeFile(join(wt, 'greet.js'), 'export const greet = (n) => `Hello, ${n}`;\nexport const greetFr = (n) => `Bonjour, ${n}`;\n');
  await runGit(['add', '-A'], { cwd: wt });
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', 'greetFr'], { cwd: wt });
  await writeFile(join(wt, 'NOTES.md'), 'uncommitted notes\n');

  await panel.getByRole('button', { name: 'Refresh' }).click();
  const files = panel.getByRole('list', { name: 'Changed files' });
  await files.getByText('greet.js').waitFor();
  await expect(files.getByRole('listitem').allTextContents()).resolves.toEqual([
    expect.stringMatching(/^NOTES\.md.*added.*\+1.*−0/),
    expect.stringMatching(/^greet\.js.*modified.*\+1.*−0/),
  ]);
  const rendered = panel.getByTestId('diff-file').filter({ hasText: 'greet.js' });
  await rendered.getByText('export const greetFr = (n) => `Bonjour, ${n}`;').waitFor();
  await expect.poll(() => page.getByRole('button', { name: 'Merge & clean up' }).count()).toBe(0);
  await page.evaluate('window.scrollTo(0, 0)');
  await w.screenshot(page, 'task-diff-desktop');
});

it('fits a phone screen', async () => {
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(taskPath());
  await openRunMenu(phone);
  await phone.getByRole('button', { name: 'Planning: Completed' }).waitFor();
  await phone.getByTestId('diff-file').first().waitFor();
  const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await w.screenshot(phone, 'task-phone');
});

it('opens the connect-provider modal when the user has no provider left', async () => {
  const made = await expectStatus(
    api<{ user: { id: number } }>('POST', '/api/admin/users', { username: 'bea', password: 'bea-password-1' }),
    201,
  );
  await expectStatus(api('POST', `/api/projects/${projectId}/members`, { userId: made.user.id }), 201);
  const bea = await w.apiAs('bea', 'bea-password-1');
  await expectStatus(bea('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url }), 200);
  const other = await w.newPage();
  await logIn(other, 'bea', 'bea-password-1');
  await other.goto(taskPath());
  await openRunMenu(other);
  await other.getByRole('button', { name: 'Review: Run' }).waitFor();
  // Disconnected elsewhere (another tab, another device) while this page is open.
  await expectStatus(bea('DELETE', '/api/providers/anthropic'), 200);
  await other.getByRole('button', { name: 'Review: Run' }).click();
  const dialog = other.getByRole('dialog', { name: 'Connect a provider first' });
  await dialog.waitFor();
  await dialog.getByRole('link', { name: 'Connect a provider' }).click();
  await other.waitForURL('**/settings/providers');
  const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).body.runs;
  expect(runs.map((r) => r.agentType)).toEqual(['planification']);
});

it('sends a missing task back to the board and a missing project to the dashboard', async () => {
  await page.goto(`/projects/${projectId}/tasks/99999`);
  await page.waitForURL((url) => url.pathname === `/projects/${projectId}`);
  await page.goto(`/projects/99999/tasks/${task.id}`);
  await page.waitForURL((url) => url.pathname === '/');
});

it('merges the pull request and cleans up after a confirmation', async () => {
  await w.gh.createRepo('acme', 'greeter', { fromDir: repo });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: repo });
  const branch = task.branchName ?? '';
  await runGit(['push', '--quiet', w.gh.repoPath('acme', 'greeter'), `refs/heads/${branch}:refs/heads/${branch}`], { cwd: repo });
  const pr = await w.gh.createPullRequest('acme', 'greeter', { head: branch, title: 'Add a French greeting' });
  await expectStatus(api('PATCH', `/api/tasks/${task.id}`, { status: 'in_review' }), 200);
  await page.goto(taskPath());
  await page.getByRole('button', { name: 'Merge & clean up' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge and clean up?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect.poll(() => dialog.count()).toBe(0);
  expect(w.gh.pr('acme', 'greeter', pr.number).state).toBe('OPEN');

  await page.getByRole('button', { name: 'Merge & clean up' }).click();
  await dialog.getByRole('button', { name: 'Merge & clean up' }).click();
  await page.getByLabel('Task status').getByText('Completed').waitFor();
  await expect.poll(() => page.getByRole('button', { name: 'Merge & clean up' }).count()).toBe(0);
  expect(w.gh.pr('acme', 'greeter', pr.number).state).toBe('MERGED');
  await page.getByTestId('diff-panel').getByText('No worktree to compare').waitFor();
  await page.getByRole('region', { name: 'What next' }).getByText('Merged.').waitFor();
  await openRunMenu(page);
  await expect(page.getByRole('button', { name: 'Planning: Completed' }).isDisabled()).resolves.toBe(true);
});
