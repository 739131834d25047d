// A conversation's transcript reads like a conversation, in a real browser
// against the built server, the real Claude CLI and the fake Anthropic API
// (the role brain for agent runs, its directive fallback for chats): an agent
// run opens on its folded instructions and one quiet session line under a
// human title; a turn stopped by a person, or cut short by a restart, shows
// its marker, also after a reload; an image sent with a message shows as a
// thumbnail. Desktop and phone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AgentRunDto, ConversationDto, TaskDto } from '@bottega/protocol';
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

const PASSWORD = 'admin-password-1';
/** A real 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

const chatPath = (conversationId: number) => `/projects/${projectId}/tasks/${task.id}/chat/${conversationId}`;
const transcript = (p: Page) => p.getByTestId('transcript');
const idle = (p: Page) => p.getByTestId('idle').waitFor({ timeout: 60_000 });

async function startChat(message: string, images?: { mediaType: string; data: string }[]): Promise<ConversationDto> {
  const body = await expectStatus(
    api<{ conversation: ConversationDto }>('POST', `/api/tasks/${task.id}/conversations`, {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      message,
      ...(images ? { images } : {}),
    }),
    201,
  );
  return body.conversation;
}

/** Opens a chat whose turn runs a slow command, and waits until the command is running. */
async function openSlowTurn(p: Page, seconds: number): Promise<ConversationDto> {
  const conv = await startChat(`Count slowly. ${directive.bash(`echo begin; sleep ${seconds}.${task.id}; echo end`)}`);
  await p.goto(chatPath(conv.id));
  await p.getByTestId('streaming').waitFor({ timeout: 60_000 });
  await transcript(p).locator('[data-kind="tool"]').filter({ hasText: 'Bash' }).getByText('running').waitFor({ timeout: 60_000 });
  return conv;
}

beforeAll(async () => {
  w = await startBrowserWorld({ brain: createRoleBrain() });
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: { title: 'Add a French greeting', description: 'Add greetFr(name) next to greet.' },
    repoFiles: { 'README.md': '# app\n', 'greet.js': 'export const greet = (n) => `Hello, ${n}`;\n' },
  }));
});
afterAll(async () => w?.close());

it('opens an agent run on its folded instructions and one quiet session line, under the role name', async () => {
  await expectStatus(api('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'planification' }), 201);
  const run = await waitFor(
    'the planning run',
    async () => {
      const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).body.runs;
      const done = runs.find((r) => r.agentType === 'planification' && r.status === 'completed');
      return done ?? null;
    },
    120_000,
  );
  if (!run.conversationId) throw new Error('the run has no conversation');
  await page.goto(chatPath(run.conversationId));
  await page.getByRole('heading', { level: 1, name: 'Planning run' }).waitFor({ timeout: 30_000 });

  // The whole role prompt is one closed disclosure, not a giant bubble.
  const log = transcript(page);
  await log.locator('[data-kind="assistant"], [data-kind="tool"]').first().waitFor({ timeout: 30_000 });
  await log.evaluate((el) => (el as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  const toggle = log.getByRole('button', { name: /^Instructions/ });
  await toggle.waitFor();
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
  await expect.poll(() => log.locator('[data-kind="user"]').count()).toBe(0);
  const session = log.locator('[data-kind="session"]');
  await expect.poll(() => session.count()).toBe(1);
  await expect(session.textContent()).resolves.toMatch(/^Claude Code .+ · claude-/);
  await expect.poll(() => log.getByText(/permission mode|bypassPermissions/).count()).toBe(0);
  await w.screenshot(page, 'transcript-instructions-closed-desktop');

  await toggle.click();
  await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
  const instructions = log.getByRole('region', { name: 'Instructions' });
  await instructions
    .getByText(/Add a French greeting/)
    .first()
    .waitFor();
  await w.screenshot(page, 'transcript-instructions-open-desktop');
  await toggle.click();
  await expect.poll(() => log.getByRole('region', { name: 'Instructions' }).count()).toBe(0);

  // The task page's run history uses the same name.
  await page.goto(`/projects/${projectId}/tasks/${task.id}`);
  await page.getByRole('list', { name: 'Conversations' }).getByText('Planning run').first().waitFor();
});

it('a stopped turn shows its marker, and still does after a reload', async () => {
  const conv = await openSlowTurn(page, 41);
  await page.getByRole('button', { name: 'Stop' }).click();
  await idle(page);
  const marker = transcript(page).getByRole('note', { name: 'Turn stopped' });
  await marker.waitFor({ timeout: 30_000 });
  await expect(marker.textContent()).resolves.toBe('Turn stopped by admin');
  await w.screenshot(page, 'transcript-stopped-desktop');

  await page.reload();
  await transcript(page).getByRole('note', { name: 'Turn stopped' }).waitFor();
  const stored = (await api<{ messages: { type: string; subtype?: string }[] }>('GET', `/api/conversations/${conv.id}/messages?tail=true`))
    .body.messages;
  expect(stored.filter((m) => m.type === 'system' && m.subtype === 'stopped')).toHaveLength(1);

  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(chatPath(conv.id));
  await transcript(phone).getByRole('note', { name: 'Turn stopped' }).waitFor();
  const overflow = await phone.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await w.screenshot(phone, 'transcript-stopped-phone');
  await phone.close();
});

it('shows an image sent with a message as a thumbnail', async () => {
  const conv = await startChat(`What is in the picture? ${directive.say('A single dot.')}`, [{ mediaType: 'image/png', data: PNG_1X1 }]);
  await page.goto(chatPath(conv.id));
  const thumb = transcript(page).getByRole('img', { name: 'Image 1 sent with this message' });
  await thumb.waitFor({ timeout: 60_000 });
  await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
  await transcript(page).locator('[data-kind="assistant"]').getByText('A single dot.').waitFor({ timeout: 60_000 });
  await idle(page);
  await w.screenshot(page, 'transcript-image-desktop');

  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(chatPath(conv.id));
  await transcript(phone).getByRole('img', { name: 'Image 1 sent with this message' }).waitFor();
  await w.screenshot(phone, 'transcript-image-phone');
  await phone.close();
});

it('a turn cut short by a restart shows it was interrupted', async () => {
  const conv = await openSlowTurn(page, 43);
  await w.restartServer('SIGTERM');
  await page.goto(chatPath(conv.id));
  const marker = transcript(page).getByRole('note', { name: 'Turn interrupted' });
  await marker.waitFor({ timeout: 60_000 });
  await expect(marker.textContent()).resolves.toContain('The server stopped during this turn.');
  await w.screenshot(page, 'transcript-interrupted-desktop');
});
