// The task page's input files panel in a real browser against the built server:
// the empty state says what input files are for; a file uploaded with the picker
// and another dropped on the panel are listed with their size, download with
// their bytes, and go away when deleted; an over-long name is refused inline.
// And a file in the worktree's tmp/ (where chat attachments go) is never part
// of the task's Changes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskDto } from '@bottega/protocol';
import { type ApiClient, arrangeTask, type BrowserWorld, logIn, PHONE, setUpAdmin, startBrowserWorld, DESKTOP } from './world';

const PASSWORD = 'admin-password-1';

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let projectId: number;
let task: TaskDto;

const taskPath = () => `/projects/${projectId}/tasks/${task.id}`;

beforeAll(async () => {
  w = await startBrowserWorld();
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  ({ projectId, task } = await arrangeTask(w, api, {
    project: 'Greeter',
    task: { title: 'Match the mock-up', description: 'Make the page look like the attached mock-up.' },
    repoFiles: { 'README.md': '# app\n', 'index.html': '<h1>Hi</h1>\n' },
  }));
});
afterAll(async () => w?.close());

/** Drops a file on the panel as a browser would (a DataTransfer carrying a File). */
async function dropFile(p: Page, name: string, text: string): Promise<void> {
  const dataTransfer = await p.evaluateHandle(
    `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/plain' })); return dt; })()`,
  );
  const panel = p.getByTestId('input-files-panel');
  await panel.dispatchEvent('dragover', { dataTransfer });
  await panel.dispatchEvent('drop', { dataTransfer });
}

it('uploads, lists, downloads and deletes the task’s input files', async () => {
  await page.goto(taskPath());
  const panel = page.getByRole('region', { name: 'Input files' });
  await panel.getByText('No input files yet').waitFor();
  await panel.getByText(/Every agent working on this task is told where they are/).waitFor();

  const spec = 'The header is navy; the button says "Go".\n';
  await panel
    .getByLabel('Choose files to upload')
    .setInputFiles({ name: 'spec notes.md', mimeType: 'text/markdown', buffer: Buffer.from(spec) });
  const list = panel.getByRole('list', { name: 'Input files' });
  await list.getByRole('link', { name: 'spec notes.md' }).waitFor();
  await expect(list.getByRole('listitem').first().textContent()).resolves.toContain(`${Buffer.byteLength(spec)} B`);

  await dropFile(page, 'data.csv', 'a,b\n1,2\n');
  await list.getByRole('link', { name: 'data.csv' }).waitFor();
  await expect(list.getByRole('link').allTextContents()).resolves.toEqual(['data.csv', 'spec notes.md']);
  // The agents read them from the archive: the server has both.
  const listed = await api<{ files: { name: string }[] }>('GET', `/api/tasks/${task.id}/files`);
  expect(listed.body.files.map((f) => f.name)).toEqual(['data.csv', 'spec notes.md']);
  await w.screenshot(page, 'task-input-files-desktop');

  const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('link', { name: 'spec notes.md' }).click()]);
  expect(download.suggestedFilename()).toBe('spec notes.md');
  await expect(readFile((await download.path()) ?? '', 'utf8')).resolves.toBe(spec);

  // A refused upload says why, in the panel.
  await panel
    .getByLabel('Choose files to upload')
    .setInputFiles({ name: `${'x'.repeat(240)}.txt`, mimeType: 'text/plain', buffer: Buffer.from('x') });
  await panel
    .getByRole('alert')
    .getByText(/limited to 200 bytes/)
    .waitFor();

  await list.getByRole('button', { name: 'Delete data.csv' }).click();
  await list.getByRole('button', { name: 'Confirm deleting data.csv' }).click();
  await expect.poll(() => list.getByRole('link').allTextContents()).toEqual(['spec notes.md']);
  await list.getByRole('button', { name: 'Delete spec notes.md' }).click();
  await list.getByRole('button', { name: 'Confirm deleting spec notes.md' }).click();
  await panel.getByText('No input files yet').waitFor();
  expect((await api<{ files: unknown[] }>('GET', `/api/tasks/${task.id}/files`)).body.files).toEqual([]);
});

it('leaves a file in the worktree’s tmp/ out of the Changes', async () => {
  await page.goto(taskPath());
  // A chat attachment lands in tmp/ (the route the chat composer uses).
  const status = await page.evaluate(async (id) => {
    const form = new FormData();
    form.append('file', new File(['a screenshot'], 'mock-up.png', { type: 'image/png' }));
    return (await fetch(`/api/tasks/${id}/tmp-files`, { method: 'POST', body: form })).status;
  }, task.id);
  expect(status).toBe(201);
  const wt = task.worktreePath ?? '';
  await writeFile(join(wt, 'tmp', 'agent-scratch.txt'), 'scratch\n');
  await writeFile(join(wt, 'index.html'), '<h1 class="navy">Hi</h1>\n');

  const diff = page.getByTestId('diff-panel');
  const files = diff.getByRole('list', { name: 'Changed files' });
  // Refresh reads the worktree again; on a loaded machine one answer may still predate the writes.
  for (let attempt = 1; ; attempt++) {
    await diff.getByRole('button', { name: 'Refresh' }).click();
    const shown = await files
      .getByText('index.html')
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    if (attempt === 4) throw new Error('the Changes panel never listed index.html');
  }
  await expect(files.getByRole('listitem').allTextContents()).resolves.toEqual([expect.stringMatching(/^index\.html.*modified/)]);
  await expect(diff.textContent()).resolves.not.toContain('tmp/');
});

it('fits a phone screen', async () => {
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.goto(taskPath());
  const panel = phone.getByRole('region', { name: 'Input files' });
  await panel.getByLabel('Choose files to upload').setInputFiles({
    name: 'a-rather-long-file-name-for-a-phone-screen-mock-up-v2-final.png',
    mimeType: 'image/png',
    buffer: Buffer.from('png'),
  });
  await panel.getByRole('link', { name: /a-rather-long-file-name/ }).waitFor();
  const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await w.screenshot(phone, 'task-input-files-phone');
});
