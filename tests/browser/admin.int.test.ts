// Admin in a real browser: users (create, rename, reset password, deactivate,
// admin rights, delete), project memberships, instance settings and the agent
// sandbox; a member added by the admin sees the project, and a non-admin gets
// "admins only".
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { initRepo } from '../../apps/server/src/testing/git';
import { DESKTOP, logIn, PHONE, setUpAdmin, startBrowserWorld, type ApiClient, type BrowserWorld } from './world';
import { pickOption } from './pick';

const ADMIN = { username: 'admin', password: 'admin-password-1' };

let w: BrowserWorld;
let page: Page;
let api: ApiClient;
let repos: string;
let projectId: number;

beforeAll(async () => {
  w = await startBrowserWorld();
  repos = join(w.home, 'repos');
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, ADMIN.username, ADMIN.password);
  api = await w.apiAs(ADMIN.username, ADMIN.password);
  // Connected up front so the first-login gate stays out of the admin's way.
  const connected = await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: w.fake.url });
  expect(connected.status).toBe(200);
  const repo = await initRepo(join(repos, 'atlas'));
  const created = await api<{ project: { id: number } }>('POST', '/api/projects', { name: 'Atlas Project', repoPath: repo });
  expect(created.status).toBe(201);
  projectId = created.body.project.id;
});
afterAll(async () => {
  await w?.close();
});

function row(p: Page, username: string) {
  return p.locator(`tr[data-user="${username}"]`);
}

async function createUser(p: Page, username: string, password: string) {
  await p.getByRole('button', { name: 'New user' }).click();
  const dialog = p.getByRole('dialog', { name: 'New user' });
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  return dialog;
}

describe('admin', () => {
  it('creates a user, adds them to a project, and that user sees it', async () => {
    await page.goto('/admin');
    await row(page, 'admin').waitFor();
    // One cannot delete or deactivate oneself.
    await expect(row(page, 'admin').getByRole('button', { name: 'Delete' }).isDisabled()).resolves.toBe(true);
    await expect(row(page, 'admin').getByRole('button', { name: 'Deactivate' }).isDisabled()).resolves.toBe(true);

    const dialog = await createUser(page, 'bob', 'bob-password-1');
    await dialog.waitFor({ state: 'detached' });
    await row(page, 'bob').waitFor();

    // The server's refusal is shown as it says it.
    const again = await createUser(page, 'bob', 'bob-password-2');
    await again.getByRole('alert').filter({ hasText: 'taken' }).waitFor();
    await again.getByRole('button', { name: 'Cancel' }).click();

    // Memberships: the project's only member cannot be removed.
    const members = page.getByRole('list', { name: 'Members' });
    await members.locator('[data-member="admin"]').waitFor();
    await expect(members.locator('[data-member="admin"]').getByRole('button', { name: 'Remove' }).isDisabled()).resolves.toBe(true);
    await pickOption(page, 'Add a user', 'bob');
    await page.getByRole('button', { name: 'Add member' }).click();
    await members.locator('[data-member="bob"]').waitFor();
    const listed = await api<{ members: { username: string }[] }>('GET', `/api/projects/${projectId}/members`);
    expect(listed.body.members.map((m) => m.username).sort()).toEqual(['admin', 'bob']);
    await w.screenshot(page, 'admin-desktop');

    const bob = await w.newPage(DESKTOP);
    await logIn(bob, 'bob', 'bob-password-1');
    await bob.getByText('Atlas Project').first().waitFor();
    await bob.goto(`/projects/${projectId}`);
    await bob.getByTestId('current-user').waitFor();
    expect(new URL(bob.url()).pathname).toBe(`/projects/${projectId}`);

    // A non-admin: no Admin link, and /admin says it is for admins only.
    await expect.poll(() => bob.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await bob.goto('/admin');
    await bob.getByTestId('admins-only').getByText('Admins only').waitFor();
    await expect.poll(() => bob.locator('tr[data-user]').count()).toBe(0);
    await w.screenshot(bob, 'admin-non-admin-desktop');

    // Removing bob takes the project away from him.
    await members.locator('[data-member="bob"]').getByRole('button', { name: 'Remove' }).click();
    await members.locator('[data-member="bob"]').waitFor({ state: 'detached' });
    const bobApi = await w.apiAs('bob', 'bob-password-1');
    const visible = await bobApi<{ projects: unknown[] }>('GET', '/api/projects');
    expect(visible.body.projects).toEqual([]);
  });

  it('renames, resets the password, deactivates, grants admin and deletes', async () => {
    await page.goto('/admin');
    await createUser(page, 'carol', 'carol-password-1');
    await row(page, 'carol').waitFor();

    await row(page, 'carol').getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('New username').fill('caroline');
    await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
    await row(page, 'caroline').waitFor();

    await row(page, 'caroline').getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('dialog').getByLabel('New password').fill('caroline-password-2');
    await page.getByRole('dialog').getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect(w.apiAs('caroline', 'carol-password-1')).rejects.toThrow();
    await w.apiAs('caroline', 'caroline-password-2');

    await row(page, 'caroline').getByRole('button', { name: 'Deactivate' }).click();
    await row(page, 'caroline').getByText('deactivated').waitFor();
    await expect(w.apiAs('caroline', 'caroline-password-2')).rejects.toThrow();
    await row(page, 'caroline').getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => row(page, 'caroline').getByText('deactivated').count()).toBe(0);

    await row(page, 'caroline').getByRole('button', { name: 'Make admin' }).click();
    await row(page, 'caroline').getByText('admin', { exact: true }).waitFor();
    const users = await api<{ users: { username: string; isAdmin: boolean; isActive: boolean }[] }>('GET', '/api/admin/users');
    expect(users.body.users.find((u) => u.username === 'caroline')).toMatchObject({ isAdmin: true, isActive: true });

    await row(page, 'caroline').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
    await row(page, 'caroline').waitFor({ state: 'detached' });
    const after = await api<{ users: { username: string }[] }>('GET', '/api/admin/users');
    expect(after.body.users.map((u) => u.username)).not.toContain('caroline');
  });

  it('changes the trigger handle, and refuses an invalid one', async () => {
    await page.goto('/admin');
    const handle = page.getByLabel('Trigger handle');
    await handle.fill('not a handle!');
    await page.locator('#instance').getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#instance').getByRole('alert').waitFor();
    await handle.fill('bottega-bot');
    await page.locator('#instance').getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#instance').getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const settings = await api<{ triggerHandle: string }>('GET', '/api/admin/settings');
    expect(settings.body.triggerHandle).toBe('bottega-bot');
  });

  it("shows that agents run confined, and saves a project's extra hosts", async () => {
    await page.goto('/admin');
    const panel = page.getByTestId('sandbox-panel');
    await panel.getByText('Agents run confined', { exact: true }).waitFor();
    const hosts = panel.getByLabel('Extra hosts, one per line');
    await hosts.fill('registry.npmjs.org\nnot a host!');
    await panel.getByRole('button', { name: 'Save hosts' }).click();
    await panel.getByRole('alert').waitFor();
    await hosts.fill('registry.npmjs.org\n*.pypi.org');
    await panel.getByRole('button', { name: 'Save hosts' }).click();
    await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await api<{ allowedHosts: { hosts: string[] } }>('GET', `/api/projects/${projectId}/allowed-hosts`);
    expect(saved.body.allowedHosts.hosts).toEqual(['*.pypi.org', 'registry.npmjs.org']);
    await w.screenshot(page, 'admin-sandbox-desktop');
  });

  it('is usable at phone width', async () => {
    const phone = await w.newPage(PHONE);
    await logIn(phone, ADMIN.username, ADMIN.password);
    await phone.goto('/admin');
    await row(phone, 'admin').waitFor();
    await phone.getByRole('list', { name: 'Members' }).waitFor();
    const overflow = (await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(0);
    await w.screenshot(phone, 'admin-phone');
    await w.screenshot(phone, 'admin-sandbox-phone');
  });
});
