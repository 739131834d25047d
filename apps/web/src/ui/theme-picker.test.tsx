// The theme picker: a radio group showing the stored choice; picking Light on
// a dark device turns the page light at once and keeps the choice.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { startTheme, THEME_STORAGE_KEY } from '../lib/theme';
import { ThemePicker } from './theme-picker';

let stop: (() => void) | null = null;
beforeEach(() => {
  window.localStorage.clear();
  const darkDevice = { matches: true, addEventListener: () => undefined, removeEventListener: () => undefined };
  vi.stubGlobal(
    'matchMedia',
    vi.fn(() => darkDevice),
  );
  stop = startTheme();
});
afterEach(() => {
  stop?.();
  cleanup();
  vi.unstubAllGlobals();
});

it('shows the current choice and changes it', () => {
  render(<ThemePicker />);
  screen.getByRole('radiogroup', { name: 'Theme' });
  const system = screen.getByRole('radio', { name: 'System' });
  const light = screen.getByRole('radio', { name: 'Light' });
  expect(system.getAttribute('aria-checked')).toBe('true');
  expect(light.getAttribute('aria-checked')).toBe('false');
  expect(document.documentElement.dataset.theme).toBe('dark');

  fireEvent.click(light);
  expect(light.getAttribute('aria-checked')).toBe('true');
  expect(system.getAttribute('aria-checked')).toBe('false');
  expect(document.documentElement.dataset.theme).toBe('light');
  expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
});

it('starts from the stored choice', () => {
  stop?.();
  window.localStorage.setItem(THEME_STORAGE_KEY, 'dark');
  stop = startTheme();
  render(<ThemePicker label="Colour theme" />);
  expect(screen.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true');
  screen.getByRole('radiogroup', { name: 'Colour theme' });
});
