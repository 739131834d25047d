// Settings in a real browser: the blocking first-login provider modal, the
// providers page, agent models, the prompt editor (unknown variable refused,
// override saved, reverted), the show-once API key, and the profile toggle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, logIn, PHONE, setUpAdmin, startBrowserWorld, type ApiClient, type BrowserWorld } from './world';
import { optionsOf, pickOption, screenshotOpenList } from './pick';

const ADMIN = { username: 'admin', password: 'admin-password-1' };

let w: BrowserWorld;
let page: Page;
let api: ApiClient;

beforeAll(async () => {
  w = await startBrowserWorld();
  page = await w.newPage(DESKTOP);
  await setUpAdmin(page, ADMIN.username, ADMIN.password);
  api = await w.apiAs(ADMIN.username, ADMIN.password);
});
afterAll(async () => w?.close());

async function connectThroughGate(p: Page, baseUrl: string) {
  const gate = p.getByTestId('provider-gate');
  await gate.waitFor();
  await gate.getByLabel('API key', { exact: true }).fill('test-key');
  await gate.getByLabel('Base URL (optional)').fill(baseUrl);
  await gate.getByRole('button', { name: 'Connect Claude' }).click();
  await gate.waitFor({ state: 'detached' });
}

describe('settings', () => {
  it('blocks a new user until Claude is connected, except on the providers page', async () => {
    const gate = page.getByTestId('provider-gate');
    await gate.waitFor();
    await w.screenshot(page, 'provider-gate-desktop');
    // Blocking: there is nothing to close it with, and Escape leaves it open.
    await expect.poll(() => gate.getByRole('button', { name: 'Close' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect(gate.isVisible()).resolves.toBe(true);

    // The providers page itself is where one connects: no gate there.
    await page.goto('/settings/providers');
    await page.locator('[data-provider="anthropic"]').getByText('Not connected').waitFor();
    await expect.poll(() => gate.count()).toBe(0);

    await page.goto('/');
    await connectThroughGate(page, w.fake.url);

    const me = await api<{ user: { hasCompletedOnboarding: boolean } }>('GET', '/api/auth/me');
    expect(me.body.user.hasCompletedOnboarding).toBe(true);

    await page.goto('/settings/providers');
    const claude = page.locator('[data-provider="anthropic"]');
    await claude.getByText('Connected', { exact: true }).waitFor();
    await expect(claude.getByTestId('provider-method').textContent()).resolves.toBe('API key');
    await expect(claude.getByTestId('provider-base-url').textContent()).resolves.toBe(w.fake.url);
    // The secret never comes back to the page.
    expect(await page.content()).not.toContain('test-key');
    await w.screenshot(page, 'settings-providers-desktop');
  });

  it('disconnecting brings the gate back; reconnecting dismisses it', async () => {
    const claude = page.locator('[data-provider="anthropic"]');
    await claude.getByRole('button', { name: 'Disconnect' }).click();
    await claude.getByText('Not connected').waitFor();
    const status = await api<{ providers: { name: string; connected: boolean }[] }>('GET', '/api/providers');
    expect(status.body.providers.find((p) => p.name === 'anthropic')?.connected).toBe(false);
    await page.goto('/');
    await connectThroughGate(page, w.fake.url);
  });

  it('sets the model for a role, limited to connected providers, and shows a 400 clearly', async () => {
    await page.goto('/settings/models');
    const review = page.locator('[data-role="review"]');
    await review.getByLabel('Review model').waitFor();
    // Only the connected provider is offered.
    await expect(optionsOf(review, 'Review provider')).resolves.toEqual(['Claude Code (Anthropic)']);
    await w.screenshot(page, 'settings-models-desktop');
    // The effort list, open: the current choice checked, the provider's default first.
    await review.getByRole('combobox', { name: 'Review effort' }).click();
    await page.getByRole('listbox').getByRole('option', { name: 'Provider default' }).waitFor();
    await screenshotOpenList(page, 'settings-models-effort-open-desktop');
    await page.keyboard.press('Escape');
    await page.getByRole('listbox').waitFor({ state: 'detached' });

    await review.getByLabel('Review model').fill('x'.repeat(201));
    await page.getByRole('button', { name: 'Save models' }).click();
    await page.getByRole('alert').filter({ hasText: 'model' }).waitFor();
    const unchanged = await api<{ settings: Record<string, { model: string }> }>('GET', '/api/agent-settings');
    expect(unchanged.body.settings.review?.model).not.toBe('x'.repeat(201));

    await review.getByLabel('Review model').fill('claude-haiku-4-5');
    await pickOption(review, 'Review effort', 'low');
    await page.getByRole('button', { name: 'Save models' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await api<{ settings: Record<string, unknown> }>('GET', '/api/agent-settings');
    expect(saved.body.settings.review).toEqual({ provider: 'anthropic', model: 'claude-haiku-4-5', effort: 'low' });

    await page.reload();
    await expect(page.locator('[data-role="review"]').getByLabel('Review model').inputValue()).resolves.toBe('claude-haiku-4-5');
  });

  it('refuses an unknown variable, saves a valid override, and reverts it', async () => {
    await page.goto('/settings/prompts');
    await page.locator('[data-prompt="implementation"]').waitFor();
    await w.screenshot(page, 'settings-prompts-desktop');
    await page.locator('[data-prompt="implementation"]').click();
    const editor = page.locator('.cm-content');
    await editor.waitFor();
    await page.getByTestId('prompt-default-note').waitFor();

    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nUse {{nope}} here.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const error = page.getByTestId('prompt-save-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('{{nope}}');
    const notSaved = await api<{ prompt: { customized: boolean } }>('GET', '/api/prompts/implementation');
    expect(notSaved.body.prompt.customized).toBe(false);
    await w.screenshot(page, 'settings-prompt-editor-desktop');

    await page.getByRole('button', { name: 'Discard changes' }).click();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nAlways leave the campsite cleaner.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('customized', { exact: true }).waitFor();
    const saved = await api<{ prompt: { customized: boolean; content: string } }>('GET', '/api/prompts/implementation');
    expect(saved.body.prompt.customized).toBe(true);
    expect(saved.body.prompt.content).toContain('Always leave the campsite cleaner.');

    await page.goto('/settings/prompts');
    await page.locator('[data-prompt="implementation"]').getByText('customized').waitFor();
    await page.locator('[data-prompt="implementation"]').click();
    await page.getByRole('button', { name: 'Revert to default' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revert', exact: true }).click();
    await page.getByTestId('prompt-default-note').waitFor();
    await expect.poll(() => page.getByText('customized', { exact: true }).count()).toBe(0);
    const reverted = await api<{ prompt: { customized: boolean; content: string; defaultContent: string } }>(
      'GET',
      '/api/prompts/implementation',
    );
    expect(reverted.body.prompt.customized).toBe(false);
    expect(reverted.body.prompt.content).toBe(reverted.body.prompt.defaultContent);
    await expect(editor.textContent()).resolves.not.toContain('campsite');
  });

  it('shows a new API key once, and revokes it', async () => {
    await page.goto('/settings/api-key');
    await page.getByText('You have no API key.').waitFor();
    await page.getByRole('button', { name: 'Generate a key' }).click();
    const shown = page.getByTestId('new-api-key');
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key.length).toBeGreaterThan(20);
    await w.screenshot(page, 'settings-api-key-desktop');
    const asKey = await fetch(`${w.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(asKey.status).toBe(200);

    await page.getByRole('button', { name: 'I saved it' }).click();
    await expect.poll(() => shown.count()).toBe(0);
    await page.reload();
    await page.getByTestId('api-key-status').getByText('active').waitFor();
    expect(await page.content()).not.toContain(key);

    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('You have no API key.').waitFor();
    const revoked = await fetch(`${w.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(revoked.status).toBe(401);
  });

  it('keeps the non-technical toggle and the git identity across a reload', async () => {
    await page.goto('/settings/profile');
    const toggle = page.getByLabel('I am technical');
    await toggle.waitFor();
    const before = await toggle.isChecked();
    const saved = async () => (await api<{ user: { isTechnical: boolean } }>('GET', '/api/auth/me')).body.user.isTechnical;
    // The box toggles on a click, on Space, and on a click on its label; each change is saved.
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(!before);
    await expect.poll(saved).toBe(!before);
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.isChecked()).toBe(before);
    await expect.poll(saved).toBe(before);
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await page.getByText('I am technical', { exact: true }).click();
    await expect.poll(() => toggle.isChecked()).toBe(!before);
    await expect.poll(saved).toBe(!before);
    await page.getByLabel('Git name').fill('Ada Lovelace');
    await page.getByLabel('Git email').fill('ada@example.com');
    await page.getByRole('button', { name: 'Save git identity' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await w.screenshot(page, 'settings-profile-desktop');

    await page.reload();
    await expect(page.getByLabel('I am technical').isChecked()).resolves.toBe(!before);
    await expect(page.getByLabel('Git name').inputValue()).resolves.toBe('Ada Lovelace');
    const me = await api<{ user: { isTechnical: boolean; gitEmail: string | null } }>('GET', '/api/auth/me');
    expect(me.body.user).toMatchObject({ isTechnical: !before, gitEmail: 'ada@example.com' });
  });

  it('is usable at phone width', async () => {
    const phone = await w.newPage(PHONE);
    await logIn(phone, ADMIN.username, ADMIN.password);
    for (const section of ['providers', 'models', 'prompts', 'api-key', 'profile']) {
      await phone.goto(`/settings/${section}`);
      await phone.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: /./ }).first().waitFor();
      await phone.locator('[data-state="loading"]').waitFor({ state: 'detached' });
      // Nothing spills sideways out of the page.
      const overflow = (await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      expect(overflow, section).toBeLessThanOrEqual(0);
      await w.screenshot(phone, `settings-${section}-phone`);
    }
    // An open select fits the phone's screen.
    await phone.goto('/settings/models');
    await phone.locator('[data-role="yolo"]').getByRole('combobox', { name: 'YOLO effort' }).click();
    const list = phone.getByRole('listbox');
    await list.getByRole('option', { name: 'Provider default' }).waitFor();
    const box = await list.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width && box.y >= 0 && box.y + box.height <= PHONE.height).toBe(true);
    await screenshotOpenList(phone, 'settings-models-effort-open-phone');
    await phone.keyboard.press('Escape');
    await phone.goto('/settings/prompts/implementation');
    await phone.locator('.cm-content').waitFor();
    await w.screenshot(phone, 'settings-prompt-editor-phone');
  });

  it('shows the gate at phone width to a user without a provider', async () => {
    const created = await api('POST', '/api/admin/users', { username: 'newbie', password: 'newbie-password-1' });
    expect(created.status).toBe(201);
    const phone = await w.newPage(PHONE);
    await logIn(phone, 'newbie', 'newbie-password-1');
    await phone.getByTestId('provider-gate').waitFor();
    await w.screenshot(phone, 'provider-gate-phone');
    // The top bar stays usable above the gate: the user can still log out.
    await phone.getByRole('button', { name: 'Account: newbie' }).click();
    await phone.getByRole('menuitem', { name: 'Log out' }).click();
    await phone.getByRole('heading', { name: 'Log in' }).waitFor();
  });
});
