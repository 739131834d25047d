// The chat screen in a real browser against the built server, the real Claude
// CLI and the fake Anthropic API driven by the scripted brain: a turn with
// thinking and a tool call, a follow-up that arrives live, the AskUserQuestion
// wizard, a follow-up refused while a turn runs, Stop, the context meter, the
// phone layout, and the redirect for a missing conversation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConversationDto, TaskDto } from '@bottega/protocol';
import { directive, scriptedBrain } from '@bottega/testkit';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, logIn, PHONE, setUpAdmin, startBrowserWorld } from './world';

const PASSWORD = 'admin-password-1';
let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

const chatPath = (conversationId: number) => `/projects/${projectId}/tasks/${task.id}/chat/${conversationId}`;

async function startChat(message: string): Promise<ConversationDto> {
  const body = await expectStatus(
    api<{ conversation: ConversationDto }>('POST', `/api/tasks/${task.id}/conversations`, {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      message,
    }),
    201,
  );
  return body.conversation;
}

const idle = (p: Page) => p.getByTestId('idle').waitFor({ timeout: 60_000 });

beforeAll(async () => {
  w = await startBrowserWorld({ brain: scriptedBrain });
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, { project: 'App', task: { title: 'Chat here' } }));
});
afterAll(async () => w?.close());

it('shows a turn with thinking, a collapsible tool call with its result, and the context meter; follow-ups arrive live', async () => {
  const conv = await startChat(
    `Check the greeting. ${directive.think('weighing which command to run')} ${directive.bash('echo hello-from-the-tool')} ${directive.say('The tool said hello.')}`,
  );
  await page.goto(chatPath(conv.id));
  const transcript = page.getByTestId('transcript');
  await transcript.locator('[data-kind="assistant"]').getByText('The tool said hello.').waitFor({ timeout: 60_000 });
  await idle(page);
  // The automatic title (the fake's side reply) replaces the placeholder once the first exchange is done.
  await page.getByRole('heading', { level: 1, name: 'Scripted reply' }).waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByText('anthropic · claude-sonnet-4-5').count()).toBe(1);
  await expect(page.getByRole('link', { name: /Chat here/ }).getAttribute('href')).resolves.toBe(`/projects/${projectId}/tasks/${task.id}`);

  // The tool call: collapsed with its name and command; expanding shows the output.
  const tool = transcript.locator('[data-kind="tool"]').filter({ hasText: 'Bash' });
  await expect(tool.textContent()).resolves.toContain('echo hello-from-the-tool');
  await expect.poll(() => tool.getByTestId('tool-output').count()).toBe(0);
  await tool.getByRole('button').first().click();
  await expect(tool.getByTestId('tool-output').textContent()).resolves.toContain('hello-from-the-tool');
  await tool.getByRole('button').first().click();
  await expect.poll(() => tool.getByTestId('tool-output').count()).toBe(0);

  // Thinking is collapsed until asked for.
  const thinking = transcript.locator('[data-kind="thinking"]');
  await expect.poll(() => thinking.getByText('weighing which command to run').count()).toBe(0);
  await thinking.getByRole('button').click();
  await thinking.getByText('weighing which command to run').waitFor();

  await transcript.locator('[data-kind="result"][data-status="success"]').first().waitFor();
  const meter = page.getByRole('meter', { name: 'Context window used' });
  await meter.waitFor();
  expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await w.screenshot(page, 'chat-desktop');

  // A follow-up typed into the box: Shift+Enter is a newline, Enter sends, the reply arrives without a reload.
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(directive.say('Second answer, live.'));
  await box.press('Shift+Enter');
  await expect(box.inputValue()).resolves.toContain('\n');
  await box.press('Enter');
  await transcript.locator('[data-kind="assistant"]').getByText('Second answer, live.').waitFor({ timeout: 60_000 });
  await expect(box.inputValue()).resolves.toBe('');
  await idle(page);
  await expect.poll(() => transcript.locator('[data-kind="result"]').count()).toBe(2);
});

it('answers an AskUserQuestion through the wizard', async () => {
  const conv = await startChat(`${directive.ask('Which colour should the button be?', ['Blue', 'Green'])}`);
  await page.goto(chatPath(conv.id));
  const wizard = page.getByTestId('question-wizard');
  await wizard.waitFor({ timeout: 60_000 });
  await wizard.getByText('Which colour should the button be?').waitFor();
  await w.screenshot(page, 'chat-question-desktop');
  await wizard.getByRole('radio', { name: /Green/ }).check();
  await wizard.getByRole('button', { name: 'Submit answers' }).click();
  await wizard.waitFor({ state: 'detached' });
  await idle(page);
  const answers = page.getByTestId('transcript').locator('[data-kind="assistant"]');
  await expect(answers.last().textContent()).resolves.toContain('Green');
  await expect.poll(() => page.getByTestId('question-wizard').count()).toBe(0);
});

it('refuses a follow-up while a turn runs, and Stop ends the turn', async () => {
  const conv = await startChat(directive.bash(`echo begin; sleep 41.${task.id}; echo end`));
  await page.goto(chatPath(conv.id));
  await page.getByTestId('streaming').waitFor({ timeout: 60_000 });
  const tool = page.getByTestId('transcript').locator('[data-kind="tool"]').filter({ hasText: 'Bash' });
  await tool.getByText('running').waitFor({ timeout: 60_000 });

  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('are you done?');
  await box.press('Enter');
  await page.getByTestId('run-in-progress').waitFor();
  await expect(box.inputValue()).resolves.toBe('are you done?');

  const stoppedAt = Date.now();
  await page.getByRole('button', { name: 'Stop' }).click();
  await idle(page);
  expect(Date.now() - stoppedAt).toBeLessThan(20_000);
  const live = await api<{ streaming: boolean }>('GET', `/api/conversations/${conv.id}/live`);
  expect(live.body.streaming).toBe(false);
  // The box works again once the turn is over.
  await box.fill(directive.say('Back after the stop.'));
  await box.press('Enter');
  await page.getByTestId('transcript').locator('[data-kind="assistant"]').getByText('Back after the stop.').waitFor({ timeout: 60_000 });
});

it('fits a phone, and a missing conversation leads back to its task', async () => {
  const conv = (await api<{ conversations: ConversationDto[] }>('GET', `/api/tasks/${task.id}/conversations`)).body.conversations.at(-1);
  if (!conv) throw new Error('no conversation');
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(chatPath(conv.id));
  await phone.getByTestId('transcript').locator('[data-kind="assistant"]').getByText('The tool said hello.').waitFor();
  const overflow = await phone.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await phone.getByRole('textbox', { name: 'Message' }).waitFor();
  await w.screenshot(phone, 'chat-phone');

  await phone.goto(chatPath(987_654));
  await phone.waitForURL((url) => url.pathname === `/projects/${projectId}/tasks/${task.id}`);
});
