// Usage and titles in a real browser against the built server, the real
// Claude CLI and the fake Anthropic API: after a run, the task page shows its
// tokens in the run history and the Usage panel, the dashboard card the
// project's total; a chat gets its automatic title, and the user renames it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { isLiveRunStatus, type AgentRunDto, type ConversationDto, type TaskDto } from '@bottega/protocol';
import { createRoleBrain, directive } from '@bottega/testkit';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, setUpAdmin, startBrowserWorld, waitFor } from './world';

const PASSWORD = 'admin-password-1';
let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

beforeAll(async () => {
  w = await startBrowserWorld({ brain: createRoleBrain() });
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, { project: 'Metered', task: { title: 'Count the tokens' } }));
});
afterAll(async () => w?.close());

it('shows a finished run’s tokens on the task page and the project total on the dashboard', async () => {
  const run = (
    await expectStatus(api<{ run: AgentRunDto }>('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'planification' }), 201)
  ).run;
  const done = await waitFor(
    'the planning run',
    async () => {
      const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).body.runs;
      const r = runs.find((x) => x.id === run.id);
      return r && !isLiveRunStatus(r.status) ? r : null;
    },
    60_000,
  );
  expect(done.usage.inputTokens).toBeGreaterThan(0);
  await page.goto(`/projects/${projectId}/tasks/${task.id}`);
  const line = page.getByTestId(`run-${run.id}-usage`);
  await line.waitFor();
  await expect(line.textContent()).resolves.toMatch(/^[\d.]+k? tokens · (\$[\d.]+|no price)$/);
  const table = page.getByRole('table', { name: 'Token usage' });
  await table.getByText(/\(1 run\)/).waitFor();
  await expect.poll(() => table.getByRole('row').filter({ hasText: 'Task total' }).count()).toBe(1);
  await w.screenshot(page, 'task-usage-desktop');

  await page.goto('/');
  const card = page.getByTestId(`project-usage-${projectId}`);
  await card.waitFor();
  await expect(card.textContent()).resolves.toContain('tokens');
});

it('shows the automatic chat title, live, and lets the user rename it', async () => {
  const conv = (
    await expectStatus(
      api<{ conversation: ConversationDto }>('POST', `/api/tasks/${task.id}/conversations`, {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        message: directive.say('Hello there.'),
      }),
      201,
    )
  ).conversation;
  await page.goto(`/projects/${projectId}/tasks/${task.id}/chat/${conv.id}`);
  const titled = await waitFor(
    'the automatic title',
    async () => (await api<{ conversation: ConversationDto }>('GET', `/api/conversations/${conv.id}`)).body.conversation.title,
    60_000,
  );
  await page.getByRole('heading', { level: 1, name: titled }).waitFor();
  await page.getByRole('button', { name: 'Rename conversation' }).click();
  await page.getByLabel('Conversation title').fill('Greeting chat');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { level: 1, name: 'Greeting chat' }).waitFor();
  await expect(
    api<{ conversation: ConversationDto }>('GET', `/api/conversations/${conv.id}`).then((r) => r.body.conversation.title),
  ).resolves.toBe('Greeting chat');
});
