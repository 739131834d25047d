// The one cost rule in the browser, with the real Claude CLI (whose result
// reports the session's running total, continued on resume) against the fake
// Anthropic API: three similar chat turns each show their own cost — never a
// growing running total — and a model without a price shows no dollars in the
// chat, just as the Usage panel says "no price".
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConversationDto, TaskDto, TaskUsageDto, TranscriptPageDto } from '@bottega/protocol';
import { directive, scriptedBrain } from '@bottega/testkit';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, setUpAdmin, startBrowserWorld, waitFor, DESKTOP } from './world';

const PASSWORD = 'admin-password-1';
const MODEL = 'claude-sonnet-4-5';
let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;
let conversation: ConversationDto;

const say = `Answer briefly. ${directive.say('Same short answer.')}`;

async function resultCosts(): Promise<(number | null)[]> {
  const page = await expectStatus(api<TranscriptPageDto>('GET', `/api/conversations/${conversation.id}/messages?limit=200`), 200);
  return page.messages.flatMap((m) => (m.type === 'result' ? [m.costUsd] : []));
}

async function runningTotals(): Promise<(number | null | undefined)[]> {
  const page = await expectStatus(api<TranscriptPageDto>('GET', `/api/conversations/${conversation.id}/messages?limit=200`), 200);
  return page.messages.flatMap((m) => (m.type === 'result' ? [m.runningCostUsd] : []));
}

beforeAll(async () => {
  w = await startBrowserWorld({ brain: scriptedBrain });
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, { project: 'App', task: { title: 'Cost check' } }));
  // The model starts without a price.
  await api('DELETE', '/api/admin/prices', { provider: 'anthropic', model: MODEL });
  conversation = (
    await expectStatus(
      api<{ conversation: ConversationDto }>('POST', `/api/tasks/${task.id}/conversations`, {
        provider: 'anthropic',
        model: MODEL,
        message: say,
      }),
      201,
    )
  ).conversation;
  for (let turn = 2; turn <= 3; turn++) {
    await waitFor('the previous turn', async () => ((await resultCosts()).length === turn - 1 ? true : null), 60_000);
    await waitFor(
      'the follow-up to be accepted',
      async () => ((await api('POST', `/api/conversations/${conversation.id}/messages`, { message: say })).status === 202 ? true : null),
      30_000,
    );
  }
  await waitFor('the third turn', async () => ((await resultCosts()).length === 3 ? true : null), 60_000);
});
afterAll(async () => w?.close());

const notes = (p: Page) => p.getByTestId('transcript').locator('[data-kind="result"]');

it('shows no dollars in the chat for a model the Usage panel cannot price', async () => {
  expect(await resultCosts()).toEqual([null, null, null]);
  await page.goto(`/projects/${projectId}/tasks/${task.id}/chat/${conversation.id}`);
  await expect.poll(() => notes(page).count(), { timeout: 30_000 }).toBe(3);
  for (const text of await notes(page).allTextContents()) expect(text).not.toContain('$');

  const usage = (await expectStatus(api<{ usage: TaskUsageDto }>('GET', `/api/tasks/${task.id}/usage`), 200)).usage;
  expect(usage.chats.costUsd).toBeNull();
  await page.goto(`/projects/${projectId}/tasks/${task.id}`);
  await page
    .getByRole('table', { name: 'Token usage' })
    .getByRole('row', { name: /Manual chats/ })
    .getByText('no price')
    .waitFor();
});

it('shows each turn’s own cost once the model is priced, adding up to the Usage panel’s figure', async () => {
  const price = { provider: 'anthropic', model: MODEL, inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 };
  await expectStatus(api('PUT', '/api/admin/prices', price), 200);
  const costs = (await resultCosts()) as number[];
  expect(costs.every((c) => typeof c === 'number' && c > 0)).toBe(true);
  const [first = 0, second = 0, third = 0] = costs;
  // A running total would make the third turn cost at least the first two together.
  expect(third).toBeLessThan(first + second);
  expect(second).toBeLessThan(first * 2);
  // The CLI did report a running total: each turn's share adds up to it.
  const running = await runningTotals();
  expect(running[2]).toBeCloseTo(first + second + third, 10);
  const usage = (await expectStatus(api<{ usage: TaskUsageDto }>('GET', `/api/tasks/${task.id}/usage`), 200)).usage;
  expect(usage.chats.costUsd).toBeCloseTo(first + second + third, 10);

  await page.goto(`/projects/${projectId}/tasks/${task.id}/chat/${conversation.id}`);
  await expect.poll(() => notes(page).count(), { timeout: 30_000 }).toBe(3);
  await expect(notes(page).allTextContents()).resolves.toEqual(costs.map((c) => expect.stringContaining(`$${c.toFixed(4)}`)));
  await w.screenshot(page, 'chat-turn-costs-desktop');
});
