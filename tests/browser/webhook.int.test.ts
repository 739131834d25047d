// The GitHub re-trigger as people see it: the admin page tells the exact
// webhook URL, the events and whether the secret is configured; a reviewer's
// mention on the pull request starts a PR run that the task page lists as
// started by a GitHub comment, linking to it.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TaskDto } from '@bottega/protocol';
import { gitRemoteUrl, taskRequest } from '@bottega/testkit';
import { runGit } from '../../apps/server/src/forge/git';
import { initRepo, TEST_GIT_IDENTITY } from '../../apps/server/src/testing/git';
import { useGitHub } from '../../apps/server/src/testing/github-env';
import { setUpAdmin, startBrowserWorld, type ApiClient, type BrowserWorld } from './world';

const SECRET = 'browser-webhook-secret-0123456789';
let w: BrowserWorld;
let api: ApiClient;

beforeAll(async () => {
  w = await startBrowserWorld({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
});
afterAll(async () => w?.close());

it('shows the webhook setup to the admin and the comment that started a run on the task', async () => {
  const page = await w.newPage();
  await setUpAdmin(page);
  api = await w.apiAs('admin', 'admin-password-1');
  expect((await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url })).status).toBe(200);

  await page.goto('/admin');
  const setup = page.getByTestId('webhook-setup');
  await setup.waitFor();
  expect(await setup.getByTestId('webhook-url').innerText()).toBe(`${w.url}/api/webhooks/github`);
  expect(await setup.getByTestId('webhook-secret').innerText()).toContain('Configured');
  expect(await setup.innerText()).toContain('Issue comments, Pull request reviews, Pull requests');
  await w.screenshot(page, 'admin-webhook-desktop');

  // A project on the local GitHub, a task whose branch has an open PR.
  const repo = await initRepo(join(w.home, 'repos', 'hello'), {
    files: { 'package.json': '{ "name": "hello", "private": true, "scripts": { "test": "node -e 0" } }\n' },
  });
  await w.gh.createRepo('acme', 'hello', { fromDir: repo });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'hello')], { cwd: repo });
  const project = (await api<{ project: { id: number } }>('POST', '/api/projects', { name: 'Hello', repoPath: repo })).body.project;
  let task = (
    await api<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, {
      title: 'Say hello',
      description: taskRequest({ summary: 'Say hello.' }),
    })
  ).body.task;
  for (let i = 0; i < 400 && task.workspaceStatus !== 'ready'; i++) {
    await new Promise((r) => setTimeout(r, 25));
    task = (await api<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`)).body.task;
  }
  await runGit([...TEST_GIT_IDENTITY, 'commit', '--allow-empty', '-m', 'Work'], { cwd: task.worktreePath ?? '' });
  const restoreEnv = useGitHub(w.gh);
  try {
    await runGit(['push', 'origin', task.branchName ?? ''], { cwd: task.worktreePath ?? '' });
  } finally {
    restoreEnv();
  }
  const pr = await w.gh.createPullRequest('acme', 'hello', { head: task.branchName ?? '', title: 'Say hello' });
  w.gh.addCollaborator('acme', 'hello', 'ada', 'write');
  w.gh.onPush(async (push) => {
    if (push.after && push.ref !== 'refs/heads/main')
      await w.gh.setChecks('acme', 'hello', push.after, [{ name: 'test', status: 'completed', conclusion: 'success' }]);
  });

  const payload = await w.gh.payloads.issueComment('acme', 'hello', pr.number, { user: 'ada', body: '@bottega please tidy up' });
  const delivery = await w.gh.deliverWebhook(`${w.url}/api/webhooks/github`, 'issue_comment', payload, SECRET);
  expect(delivery.body).toMatchObject({ status: 'triggered', taskId: task.id });

  await page.goto(`/projects/${project.id}/tasks/${task.id}`);
  const link = page.getByRole('link', { name: /GitHub comment that started run/ });
  await link.waitFor();
  expect(await link.getAttribute('href')).toBe((payload.comment as { html_url: string }).html_url);
  await w.screenshot(page, 'task-webhook-run-desktop');
});
