// Getting around in a real browser: the `?` overlay lists the shortcuts, `/`
// and Ctrl+K open search, a task of another project is found by its title and
// Enter opens it, `c` on a board opens New task, `g i` goes to the inbox. On a
// phone the top bar shows every destination without overflowing. Desktop
// (1440×900) and phone screenshots.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TaskDto } from '@bottega/protocol';
import { initRepo } from '../../apps/server/src/testing/git';
import { type ApiClient, type BrowserWorld, expectStatus, logIn, PHONE, setUpAdmin, startBrowserWorld, DESKTOP } from './world';

const PASSWORD = 'admin-password-1';

let w: BrowserWorld;
let api: ApiClient;
let page: Page;
let alpha: number;
let beta: number;
let report: TaskDto;

async function project(name: string): Promise<number> {
  const repo = await initRepo(join(w.home, 'repos', name.toLowerCase()));
  return (await expectStatus(api<{ project: { id: number } }>('POST', '/api/projects', { name, repoPath: repo }), 201)).project.id;
}

async function task(projectId: number, title: string): Promise<TaskDto> {
  return (await expectStatus(api<{ task: TaskDto }>('POST', `/api/projects/${projectId}/tasks`, { title }), 201)).task;
}

beforeAll(async () => {
  w = await startBrowserWorld();
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, 'admin', PASSWORD);
  api = await w.apiAs('admin', PASSWORD);
  // A connected provider: no first-login gate over the screens.
  await expectStatus(api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url }), 200);
  alpha = await project('Alpha');
  beta = await project('Beta');
  await task(alpha, 'Polish the landing page');
  await task(alpha, 'Fix the login redirect');
  report = await task(beta, 'Quarterly report export');
  await task(beta, 'Archive old invoices');
});
afterAll(async () => w?.close());

it('lists the shortcuts on ?, searches on / across projects and opens the task found with Enter', async () => {
  await page.goto(`/projects/${alpha}`);
  await page.getByRole('heading', { name: 'Alpha' }).waitFor();
  await page.getByText('Polish the landing page').waitFor();
  await w.screenshot(page, 'shell-board-desktop');

  await page.keyboard.press('?');
  const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await overlay.waitFor();
  for (const group of ['General', 'Go to', 'Tasks']) await overlay.getByRole('region', { name: group }).waitFor();
  await overlay.getByText('New task in the current project').waitFor();
  await w.screenshot(page, 'shortcuts-overlay-desktop');
  await page.keyboard.press('Escape');
  await overlay.waitFor({ state: 'detached' });

  await page.keyboard.press('/');
  const search = page.getByRole('dialog', { name: 'Search' });
  const field = search.getByRole('combobox', { name: 'Search tasks, projects and screens' });
  await field.waitFor();
  // The field opens empty (the / did not type into it) on the most recent tasks of every project.
  await expect(field.inputValue()).resolves.toBe('');
  await search.getByRole('option', { name: /Archive old invoices/ }).waitFor();
  // Arrow keys move the highlight.
  const options = search.getByRole('option');
  await expect.poll(() => options.first().getAttribute('aria-selected')).toBe('true');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => options.nth(1).getAttribute('aria-selected')).toBe('true');
  await expect(options.first().getAttribute('aria-selected')).resolves.toBe('false');
  await field.pressSequentially('quarterly rep');
  const hit = search.getByRole('option', { name: /Quarterly report export/ });
  await hit.waitFor();
  await expect(hit.textContent()).resolves.toContain('Beta');
  // The recent tasks give way to what the server found, the first one highlighted.
  await expect.poll(() => search.getByRole('option', { name: /Polish the landing page/ }).count()).toBe(0);
  await expect.poll(() => hit.getAttribute('aria-selected')).toBe('true');
  await w.screenshot(page, 'search-desktop');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/projects/${beta}/tasks/${report.id}`);
  await page.getByRole('heading', { name: 'Quarterly report export' }).waitFor();
  await search.waitFor({ state: 'detached' });

  // Ctrl+K opens it too, and lists projects and screens.
  await page.keyboard.press('Control+k');
  await field.waitFor();
  await field.fill('alph');
  await search.getByRole('option', { name: 'Alpha Board' }).waitFor();
  await field.fill('inbo');
  const inbox = search.getByRole('option', { name: 'Inbox' });
  await expect.poll(() => search.getByRole('option').count()).toBe(1);
  await expect.poll(() => inbox.getAttribute('aria-selected')).toBe('true');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/inbox');
  await search.waitFor({ state: 'detached' });
});

it('opens New task with c on a board and goes to the inbox with g then i', async () => {
  await page.goto(`/projects/${alpha}`);
  await page.getByText('Fix the login redirect').waitFor();
  await page.keyboard.press('c');
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByLabel('Title').waitFor();
  // Typing in the dialog's fields is typing, not shortcuts.
  await dialog.getByLabel('Title').pressSequentially('g i c');
  await expect(dialog.getByLabel('Title').inputValue()).resolves.toBe('g i c');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect(new URL(page.url()).search).toBe('');

  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await page.waitForURL('**/inbox');
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.keyboard.press('g');
  await page.keyboard.press('a');
  await page.waitForURL('**/admin');
});

it('shows every destination in the top bar on a phone, without overflowing', async () => {
  const phone = await w.newPage(PHONE);
  await logIn(phone, 'admin', PASSWORD);
  await phone.getByRole('link', { name: /Alpha/ }).first().waitFor();
  const nav = phone.getByRole('navigation', { name: 'Main' });
  for (const name of ['Projects', 'Inbox', 'Settings', 'Admin']) {
    const box = await nav.getByRole('link', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.x, name).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(PHONE.width);
  }
  for (const control of [phone.getByRole('button', { name: 'Search' }), phone.getByRole('button', { name: 'Account: admin' })]) {
    const box = await control.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  }
  await expect(phone.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(PHONE.width);
  await w.screenshot(phone, 'shell-phone');

  await phone.getByRole('button', { name: 'Search' }).click();
  const search = phone.getByRole('dialog', { name: 'Search' });
  await search.getByRole('combobox', { name: 'Search tasks, projects and screens' }).fill('#' + String(report.id));
  await expect.poll(() => search.getByRole('option').count()).toBe(1);
  await search.getByRole('option', { name: /Quarterly report export/ }).waitFor();
  await w.screenshot(phone, 'search-phone');
  await search.getByRole('button', { name: 'Cancel' }).click();
  await search.waitFor({ state: 'detached' });

  await phone.getByRole('button', { name: 'Account: admin' }).click();
  await phone.getByRole('menuitem', { name: 'Keyboard shortcuts' }).waitFor();
  await w.screenshot(phone, 'user-menu-phone');
  await phone.getByRole('menuitem', { name: 'Keyboard shortcuts' }).click();
  await phone.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await phone.close();
});
