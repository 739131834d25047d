// Cloning a repository by URL in a real browser, as a member who is not an
// administrator, at phone width: the dialog offers only the URL (a checkout
// path is an administrator's choice), refuses a URL git could misuse before
// sending it, and the new card follows the clone to a usable project; a
// failed clone explains itself on its card and is retried or deleted there.
// Screenshots: new-project-admin-desktop, new-project-member-phone,
// clone-failed-phone, clone-done-phone.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProjectDto, UserDto } from '@bottega/protocol';
import { gitRemoteUrl } from '@bottega/testkit';
import { initRepo } from '../../apps/server/src/testing/git';
import { DESKTOP, logIn, PHONE, setUpAdmin, startBrowserWorld, type ApiClient, type BrowserWorld } from './world';

const ADMIN_PASSWORD = 'admin-password-1';
const CAROL_PASSWORD = 'carol-password-123';

let w: BrowserWorld;
let admin: ApiClient;
let carol: ApiClient;

async function seedRepo(name: string): Promise<void> {
  const files: Record<string, string> = { 'README.md': `# ${name}\n` };
  for (let i = 0; i < 20; i++) files[`src/part-${i}.txt`] = `part ${i}\n`.repeat(40);
  await w.gh.createRepo('acme', name, { fromDir: await initRepo(join(w.home, 'seed', name), { files }) });
}

beforeAll(async () => {
  w = await startBrowserWorld();
  const page = await w.newPage();
  await setUpAdmin(page, 'admin', ADMIN_PASSWORD);
  admin = await w.apiAs('admin', ADMIN_PASSWORD);
  expect((await admin<{ user: UserDto }>('POST', '/api/admin/users', { username: 'carol', password: CAROL_PASSWORD })).status).toBe(201);
  carol = await w.apiAs('carol', CAROL_PASSWORD);
  // A connected provider keeps the first-login gate out of the way.
  for (const api of [admin, carol])
    expect((await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url })).status).toBe(200);
  await seedRepo('widgets');
});
afterAll(async () => w?.close());

const card = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

it('offers administrators both sources', async () => {
  const page = await w.newPage(DESKTOP);
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'New project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Clone a repository (URL)').waitFor();
  await dialog.getByLabel('Use an existing checkout (path)').check();
  await dialog.getByLabel('Repository path').waitFor();
  await dialog.getByLabel('Clone a repository (URL)').check();
  await dialog.getByLabel('Repository URL').fill(gitRemoteUrl('acme', 'widgets'));
  await w.screenshot(page, 'new-project-admin-desktop');
});

it('lets a member clone by URL and follows the clone to a usable project', async () => {
  const page = await w.newPage(PHONE);
  await logIn(page, 'carol', CAROL_PASSWORD);
  await page.getByRole('button', { name: 'New project' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New project' });
  await dialog.getByLabel('Repository URL').waitFor();
  await expect.poll(() => dialog.getByLabel('Use an existing checkout (path)').count()).toBe(0);
  await expect.poll(() => dialog.getByLabel('Repository path').count()).toBe(0);

  // Refused in the form, before anything is sent.
  await dialog.getByLabel('Repository URL').fill('ext::sh%20-c%20id');
  await dialog.getByText(/transport helpers/).waitFor();
  await expect(dialog.getByRole('button', { name: 'Clone repository' }).isDisabled()).resolves.toBe(true);

  await dialog.getByLabel('Repository URL').fill(gitRemoteUrl('acme', 'widgets'));
  await expect.poll(() => dialog.getByLabel('Name').inputValue()).toBe('widgets');
  await dialog.getByLabel('Name').fill('Widgets');
  await w.screenshot(page, 'new-project-member-phone');
  await dialog.getByRole('button', { name: 'Clone repository' }).click();
  await dialog.waitFor({ state: 'detached' });

  // The card turns into an ordinary project once the clone is done, without a reload.
  const widgets = card(page, 'Widgets');
  await widgets.locator('[data-status="pending"]').waitFor();
  await widgets.getByRole('link', { name: 'Widgets' }).click();
  await page.waitForURL((u) => /^\/projects\/\d+$/.test(u.pathname));
  await page.getByRole('button', { name: 'New task' }).waitFor();
  await page.goto('/');
  await card(page, 'Widgets').locator('[data-status="pending"]').waitFor();
  await w.screenshot(page, 'clone-done-phone');
  const listed = await carol<{ projects: ProjectDto[] }>('GET', '/api/projects');
  expect(listed.body.projects.map((p) => [p.name, p.role, p.clone])).toEqual([['Widgets', 'owner', null]]);
});

it('explains a failed clone on its card and retries or deletes it there', async () => {
  const page = await w.newPage(PHONE);
  await logIn(page, 'carol', CAROL_PASSWORD);
  for (const [name, repo] of [
    ['Gizmos', 'gizmos'],
    ['Ghost', 'ghost'],
  ] as const) {
    await page.getByRole('button', { name: 'New project' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Repository URL').fill(gitRemoteUrl('acme', repo));
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Clone repository' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
  const gizmos = card(page, 'Gizmos');
  await gizmos.getByText(/The clone failed/).waitFor();
  await gizmos.getByText(/repository not found/).waitFor();
  await card(page, 'Ghost')
    .getByText(/repository not found/)
    .waitFor();
  await w.screenshot(page, 'clone-failed-phone');

  // The repository appears; Retry clones it and the card becomes usable.
  await seedRepo('gizmos');
  await gizmos.getByRole('button', { name: 'Retry clone' }).click();
  await gizmos.locator('[data-status="pending"]').waitFor();

  await card(page, 'Ghost').getByRole('button', { name: 'Delete project' }).click();
  await expect.poll(() => card(page, 'Ghost').count()).toBe(0);
  const listed = await carol<{ projects: ProjectDto[] }>('GET', '/api/projects');
  expect(listed.body.projects.map((p) => p.name).sort()).toEqual(['Gizmos', 'Widgets']);
});
