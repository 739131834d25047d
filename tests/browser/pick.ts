// Playwright helpers for the app's Select and Menu (Radix): their lists open
// in a portal at the end of the page, so options and items are looked up on
// the page once the trigger (found inside `scope`) is clicked.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SCREENS_DIR } from './world';

const pageOf = (scope: Page | Locator): Page => ('page' in scope ? scope.page() : scope);

/** Opens the select named `label` inside `scope` and picks the option named `option`. */
export async function pickOption(scope: Page | Locator, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  await pageOf(scope).getByRole('listbox').getByRole('option', { name: option, exact: true }).click();
  await pageOf(scope).getByRole('listbox').waitFor({ state: 'detached' });
}

/** The option labels the select named `label` offers; it is closed again with Escape. */
export async function optionsOf(scope: Page | Locator, label: string): Promise<string[]> {
  const page = pageOf(scope);
  await scope.getByRole('combobox', { name: label, exact: true }).click();
  const listbox = page.getByRole('listbox');
  await listbox.waitFor();
  const labels: string[] = [];
  for (const option of await listbox.getByRole('option').all()) {
    const id = await option.getAttribute('aria-labelledby');
    labels.push(id ? ((await page.locator(`[id="${id}"]`).textContent()) ?? '') : ((await option.textContent()) ?? ''));
  }
  await page.keyboard.press('Escape');
  await listbox.waitFor({ state: 'detached' });
  return labels;
}

/** Opens the menu of the button named `trigger` inside `scope` and picks its item named `item` (plain or radio). */
export async function pickMenuItem(scope: Page | Locator, trigger: string, item: string): Promise<void> {
  await scope.getByRole('button', { name: trigger, exact: true }).click();
  const menu = pageOf(scope).getByRole('menu');
  await menu
    .getByRole('menuitem', { name: item, exact: true })
    .or(menu.getByRole('menuitemradio', { name: item, exact: true }))
    .click();
  await menu.waitFor({ state: 'detached' });
}

/**
 * Screenshots what the page shows now, as test-artifacts/screens/<name>.png, for an open
 * select: a full-page screenshot resizes the window, and Radix closes a select on resize.
 */
export async function screenshotOpenList(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`) });
}
