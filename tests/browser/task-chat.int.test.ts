// Manual chats from the task page and the live board card, in a real browser
// against the built server, the real Claude CLI and the fake Anthropic API
// driven by the scripted brain: New chat opens a compact composer limited to
// the connected providers, `/` offers the task's commands, a file attaches to
// the worktree, Start chat opens the new conversation and the model answers;
// the task page lists the chat to reopen it; the board's card then shows its
// creator and the usage so far, and a running planner's card fills in live
// (role, iteration, a question waiting). Screenshots at desktop and phone widths.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskDto } from '@bottega/protocol';
import { createRoleBrain, directive } from '@bottega/testkit';
import {
  type ApiClient,
  arrangeTask,
  type BrowserWorld,
  expectStatus,
  logIn,
  PHONE,
  setUpAdmin,
  startBrowserWorld,
  waitFor,
  DESKTOP,
} from './world';
import { optionsOf } from './pick';

const PASSWORD = 'admin-password-1';
let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

const taskPath = () => `/projects/${projectId}/tasks/${task.id}`;

beforeAll(async () => {
  // The role brain plays the planner (asking the user to confirm the testing strategy); chats fall back to directives.
  w = await startBrowserWorld({ brain: createRoleBrain({ confirmTestingStrategy: true }) });
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, { project: 'App', task: { title: 'Ask about the greeting' } }));
  const commands = join(task.worktreePath ?? '', '.claude', 'commands');
  await mkdir(commands, { recursive: true });
  await writeFile(
    join(commands, 'greet.md'),
    `---\ndescription: Greet the team\n---\nGreet $1. ${directive.say('Hello $1, from a chat started on the task page.')}\n`,
  );
});
afterAll(async () => w?.close());

it('starts a manual chat from the task page and gets an answer', async () => {
  await page.goto(taskPath());
  const conversations = page.getByRole('region', { name: 'Conversations' });
  await conversations.getByText('No conversations yet').waitFor();
  await conversations.getByRole('button', { name: 'New chat' }).click();

  const panel = page.getByRole('group', { name: 'New chat' });
  // Only the connected provider is offered.
  await expect(optionsOf(panel, 'Provider')).resolves.toEqual(['Claude Code (Anthropic)']);
  await panel.getByRole('combobox', { name: 'Model' }).fill('claude-sonnet-4-5');

  // The task's slash commands, as in any chat box.
  const box = panel.getByRole('textbox', { name: 'Message' });
  await box.fill('/gr');
  const menu = page.getByRole('listbox', { name: 'Slash commands' });
  await menu.getByRole('option', { name: /greet/ }).waitFor();
  await box.press('Enter');
  await expect(box.inputValue()).resolves.toBe('/greet ');
  await box.pressSequentially('everyone');

  // A file attached before the chat starts lands in the worktree's tmp/.
  await panel
    .getByTestId('attach-file-input')
    .setInputFiles({ name: 'context.txt', mimeType: 'text/plain', buffer: Buffer.from('some context') });
  await panel.getByTestId('attached-files').getByText('context.txt → tmp/').waitFor();
  expect(await readFile(join(task.worktreePath ?? '', 'tmp', 'context.txt'), 'utf8')).toBe('some context');
  await w.screenshot(page, 'task-new-chat-desktop');

  await panel.getByRole('button', { name: 'Start chat' }).click();
  await page.waitForURL(new RegExp(`${taskPath()}/chat/\\d+$`));
  await page
    .getByTestId('transcript')
    .locator('[data-kind="assistant"]')
    .getByText('Hello everyone, from a chat started on the task page.')
    .waitFor({ timeout: 60_000 });
  await page.getByTestId('idle').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByText('anthropic · claude-sonnet-4-5').count()).toBe(1);
  const chatUrl = page.url();

  // Back on the task page the chat is listed and reopens.
  await page.goto(taskPath());
  const entry = conversations.getByRole('listitem').filter({ hasText: 'chat' });
  await expect.poll(() => entry.count()).toBe(1);
  await entry.getByRole('link').click();
  await page.waitForURL(chatUrl);
  await page
    .getByTestId('transcript')
    .locator('[data-kind="assistant"]')
    .getByText('Hello everyone, from a chat started on the task page.')
    .waitFor({ timeout: 30_000 });
});

it('shows the task on the board with its creator and the usage so far', async () => {
  await page.goto(`/projects/${projectId}`);
  const card = page
    .locator('[data-column="in_progress"], [data-column="pending"]')
    .getByRole('article', { name: 'Ask about the greeting' });
  await card.waitFor();
  await card.getByText('by admin').waitFor();
  await expect(card.getByTestId('card-usage').textContent()).resolves.toMatch(/tokens/);
});

it('shows a running planner on its card live: role with spinner, iteration of the cap, a question waiting', async () => {
  const created = (
    await expectStatus(api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, { title: 'Plan the search' }), 201)
  ).task;
  await waitFor('the worktree', async () => {
    const t = (await api<{ task: TaskDto }>('GET', `/api/tasks/${created.id}`)).body.task;
    return t.workspaceStatus === 'ready' ? t : null;
  });
  await page.goto(`/projects/${projectId}`);
  const pending = page.locator('[data-column="pending"]');
  await pending.getByRole('article', { name: 'Plan the search' }).waitFor();
  await expectStatus(api('POST', `/api/tasks/${created.id}/agent-runs`, { agentType: 'planification' }), 201);

  // Events alone move the card and fill it in: no reload.
  const card = page.locator('[data-column="in_progress"]').getByRole('article', { name: 'Plan the search' });
  await card.getByTestId('running-role').getByText('Planning…').waitFor({ timeout: 30_000 });
  await card.getByText('Iteration 1 of 25').waitFor();
  await card.getByRole('list', { name: 'Needs you' }).getByText('Question waiting').waitFor({ timeout: 60_000 });
  await card.getByText('by admin').waitFor();
  await expect.poll(() => page.locator('[data-column="in_progress"] h2').textContent()).toContain('1');
  await w.screenshot(page, 'board-cards-desktop');
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(`/projects/${projectId}`);
  await phone.locator('[data-column="in_progress"]').scrollIntoViewIfNeeded();
  await phone.getByText('Question waiting').waitFor();
  await w.screenshot(phone, 'board-cards-phone');
});

it('fits the New chat composer on a phone', async () => {
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(taskPath());
  await phone.getByRole('button', { name: 'New chat' }).click();
  const panel = phone.getByRole('group', { name: 'New chat' });
  await panel.getByRole('button', { name: 'Start chat' }).waitFor();
  await panel.scrollIntoViewIfNeeded();
  const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
  expect(width).toBeLessThanOrEqual(PHONE.width);
  await w.screenshot(phone, 'task-new-chat-phone');
});
