// The app boots in a real browser: first-run setup, reload keeps the session,
// logout returns to login, and a revoked session falls back to login cleanly.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { logIn, PHONE, setUpAdmin, startBrowserWorld, type BrowserWorld } from './world';

let w: BrowserWorld;
beforeAll(async () => {
  w = await startBrowserWorld();
});
afterAll(async () => w?.close());

it('sets up the administrator, keeps the session across reloads, and logs out', async () => {
  const phone = await w.newPage(PHONE);
  await phone.goto('/');
  await phone.getByRole('heading', { name: 'Create the administrator' }).waitFor();
  await w.screenshot(phone, 'setup-phone');
  const page = await w.newPage();
  await page.goto('/');
  await page.getByRole('heading', { name: 'Create the administrator' }).waitFor();
  await w.screenshot(page, 'setup-desktop');
  await setUpAdmin(page);
  await page.reload();
  await expect(page.getByTestId('current-user').textContent()).resolves.toBe('admin');
  await page.getByRole('button', { name: 'Account: admin' }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await w.screenshot(page, 'login-desktop');
  await phone.reload();
  await phone.getByRole('heading', { name: 'Log in' }).waitFor();
  await w.screenshot(phone, 'login-phone');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').waitFor();
  await logIn(page, 'admin', 'admin-password-1');
});

it('returns an open page to login when its session is revoked elsewhere', async () => {
  const page = await w.newPage();
  await logIn(page, 'admin', 'admin-password-1');
  await page.locator('[data-connection="open"]').waitFor();
  // Logging out anywhere invalidates every credential of the user.
  const api = await w.apiAs('admin', 'admin-password-1');
  expect((await api('POST', '/api/auth/logout')).status).toBe(200);
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  expect(await page.getByTestId('current-user').count()).toBe(0);
});

it('lets a new user pass the first-login gate with any provider, here Codex', async () => {
  const admin = await w.apiAs('admin', 'admin-password-1');
  expect((await admin('POST', '/api/admin/users', { username: 'cora', password: 'cora-password-1', isAdmin: false })).status).toBe(201);
  const page = await w.newPage();
  await logIn(page, 'cora', 'cora-password-1');
  const gate = page.getByTestId('provider-gate');
  await gate.getByRole('tab', { name: 'Codex (OpenAI)' }).click();
  await gate.getByRole('textbox', { name: 'OpenAI API key' }).fill('sk-cora-test');
  await gate.getByRole('button', { name: /Connect/ }).click();
  await gate.waitFor({ state: 'detached' });
  const cora = await w.apiAs('cora', 'cora-password-1');
  const { body } = await cora<{ providers: { name: string; connected: boolean }[] }>('GET', '/api/providers');
  expect(body.providers.filter((p) => p.connected).map((p) => p.name)).toEqual(['openai']);
});
