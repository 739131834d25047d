// Chat conveniences in a real browser against the built server, the real
// Claude CLI and the fake Anthropic API: `/` offers the task's commands with
// their descriptions, a picked command is sent and the model receives its
// expansion; files attached by the picker or dropped on the chat land in the
// worktree's tmp/ or the task's input files; an image goes with the message.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ConversationDto, TaskDto } from '@bottega/protocol';
import { directive, scriptedBrain } from '@bottega/testkit';
import { type ApiClient, arrangeTask, type BrowserWorld, expectStatus, setUpAdmin, startBrowserWorld } from './world';
import { pickOption } from './pick';

const PASSWORD = 'admin-password-1';
/** A real 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;
let conv: ConversationDto;

const idle = (p: Page) => p.getByTestId('idle').waitFor({ timeout: 60_000 });
const worktree = () => task.worktreePath ?? '';
const inputFilesDir = () => join(w.home, 'data', 'projects', String(projectId), 'tasks', `task-${task.id}`, 'input_files');
const fileText = (path: string) => readFile(path, 'utf8').catch(() => null);

beforeAll(async () => {
  w = await startBrowserWorld({ brain: scriptedBrain });
  page = await w.newPage();
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, { project: 'App', task: { title: 'Conveniences' } }));
  const commands = join(worktree(), '.claude', 'commands');
  await mkdir(commands, { recursive: true });
  await writeFile(
    join(commands, 'fix-bug.md'),
    `---\ndescription: Fix a numbered bug\n---\nFix bug #$1 with priority $2. ${directive.say('Bug $1 is fixed.')}\n`,
  );
  await writeFile(join(commands, 'review.md'), `Review the branch. ${directive.say('Reviewed.')}\n`);
  conv = (
    await expectStatus(
      api<{ conversation: ConversationDto }>('POST', `/api/tasks/${task.id}/conversations`, {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        message: directive.say('Ready.'),
      }),
      201,
    )
  ).conversation;
  await page.goto(`/projects/${projectId}/tasks/${task.id}/chat/${conv.id}`);
  await page.getByTestId('transcript').locator('[data-kind="assistant"]').getByText('Ready.').waitFor({ timeout: 60_000 });
  await idle(page);
});
afterAll(async () => w?.close());

it('offers the commands on /, picks one with the keyboard, and the model receives the expansion', async () => {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('/');
  const menu = page.getByRole('listbox', { name: 'Slash commands' });
  await menu.waitFor();
  await expect(menu.getByRole('option').allTextContents()).resolves.toEqual([
    expect.stringContaining('/fix-bug'),
    expect.stringContaining('/review'),
  ]);
  await expect(menu.getByRole('option', { name: /fix-bug/ }).textContent()).resolves.toContain('Fix a numbered bug');
  await w.screenshot(page, 'chat-commands-desktop');

  // Down to /review, back up to /fix-bug, Enter picks it (and does not send).
  await box.press('ArrowDown');
  await expect(menu.getByRole('option', { selected: true }).textContent()).resolves.toContain('/review');
  await box.press('ArrowUp');
  await expect(menu.getByRole('option', { selected: true }).textContent()).resolves.toContain('/fix-bug');
  await box.press('Enter');
  await expect(box.inputValue()).resolves.toBe('/fix-bug ');
  await menu.waitFor({ state: 'detached' });

  await box.pressSequentially('42 urgent');
  const before = w.fake.modelRequests().length;
  await box.press('Enter');
  await page.getByTestId('transcript').locator('[data-kind="assistant"]').getByText('Bug 42 is fixed.').waitFor({ timeout: 60_000 });
  await idle(page);
  const sent = JSON.stringify(
    w.fake
      .modelRequests()
      .slice(before)
      .map((r) => r.body),
  );
  expect(sent).toContain('Fix bug #42 with priority urgent.');
});

it('attaches picked and dropped files to tmp/ or the input files, as chosen', async () => {
  await page
    .getByTestId('attach-file-input')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('picked notes') });
  await page.getByTestId('attached-files').getByText('notes.txt → tmp/').waitFor();
  expect(await fileText(join(worktree(), 'tmp', 'notes.txt'))).toBe('picked notes');

  await pickOption(page, 'Attach files to', "Task's input files");
  // Built in the page (the test's own types have no DOM): a drop carrying one file.
  const drop = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped spec'], 'spec.md', { type: 'text/markdown' }));
    return dt;
  })()`);
  await page.getByTestId('composer').dispatchEvent('drop', { dataTransfer: drop });
  await page.getByTestId('attached-files').getByText('spec.md → input files').waitFor();
  expect(await fileText(join(inputFilesDir(), 'spec.md'))).toBe('dropped spec');
  expect(await fileText(join(worktree(), 'tmp', 'spec.md'))).toBeNull();
});

it('sends an image with the message to a provider that supports images', async () => {
  const add = page.getByRole('button', { name: 'Add image' });
  await expect(add.isEnabled()).resolves.toBe(true);
  await page
    .getByTestId('attach-image-input')
    .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1X1, 'base64') });
  await page.getByRole('img', { name: 'dot.png' }).waitFor();
  const before = w.fake.modelRequests().length;
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(`What is this? ${directive.say('A single dot.')}`);
  await box.press('Enter');
  await page.getByTestId('transcript').locator('[data-kind="assistant"]').getByText('A single dot.').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByRole('img', { name: 'dot.png' }).count()).toBe(0);
  const sent = JSON.stringify(
    w.fake
      .modelRequests()
      .slice(before)
      .map((r) => r.body),
  );
  expect(sent).toContain(`"media_type":"image/png","data":"${PNG_1X1}"`);
});
