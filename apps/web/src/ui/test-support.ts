// Component-test helpers for the Select and Menu primitives: their lists open
// in a portal on document.body, so options and items are looked up on the
// whole screen once the trigger (found inside `scope`) is clicked.
import { fireEvent, screen, within } from '@testing-library/react';

type Name = string | RegExp;

function scoped(scope?: HTMLElement) {
  return scope ? within(scope) : screen;
}

/** Opens the select named `label` and picks the option named `option`. */
export async function pickOption(label: Name, option: Name, scope?: HTMLElement): Promise<void> {
  fireEvent.click(scoped(scope).getByRole('combobox', { name: label }));
  fireEvent.click(await screen.findByRole('option', { name: option }));
}

/** The option labels the select named `label` offers (it is left closed). */
export async function optionsOf(label: Name, scope?: HTMLElement): Promise<string[]> {
  const trigger = scoped(scope).getByRole('combobox', { name: label });
  fireEvent.click(trigger);
  const listbox = await screen.findByRole('listbox');
  const labels = within(listbox)
    .getAllByRole('option')
    .map((o) => document.getElementById(o.getAttribute('aria-labelledby') ?? '')?.textContent ?? o.textContent ?? '');
  fireEvent.keyDown(listbox, { key: 'Escape' });
  return labels;
}

/** The label a select shows on its trigger. */
export function shownValue(label: Name, scope?: HTMLElement): string {
  return scoped(scope).getByRole('combobox', { name: label }).textContent ?? '';
}

/** Opens the menu of the button named `trigger` and picks its item named `item` (plain or radio). */
export async function pickMenuItem(trigger: Name, item: Name, scope?: HTMLElement): Promise<void> {
  const button = scoped(scope).getByRole('button', { name: trigger });
  fireEvent.keyDown(button, { key: 'Enter' });
  const menu = await screen.findByRole('menu');
  const found = within(menu).queryByRole('menuitem', { name: item }) ?? within(menu).getByRole('menuitemradio', { name: item });
  fireEvent.click(found);
}
