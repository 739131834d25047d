// The theme preference: kept in localStorage, applied as data-theme on <html>,
// 'system' following the device's setting live, an explicit choice winning
// over it, and a choice made in another tab taken up.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook } from '@testing-library/react';
import { readThemePref, resolveTheme, setThemePref, startTheme, THEME_STORAGE_KEY, useThemePref } from './theme';

/** A stand-in for the device's dark-mode setting that can be flipped. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<(e: MediaQueryListEvent) => void>();
  const media = {
    get matches() {
      return dark;
    },
    media: '(prefers-color-scheme: dark)',
    addEventListener: (_: 'change', l: (e: MediaQueryListEvent) => void) => listeners.add(l),
    removeEventListener: (_: 'change', l: (e: MediaQueryListEvent) => void) => listeners.delete(l),
  };
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => {
      expect(query).toBe('(prefers-color-scheme: dark)');
      return media;
    }),
  );
  return {
    set(next: boolean) {
      dark = next;
      for (const l of listeners) l({ matches: next } as MediaQueryListEvent);
    },
    listeners,
  };
}

const applied = () => document.documentElement.dataset.theme;

let stop: (() => void) | null = null;
beforeEach(() => {
  window.localStorage.clear();
  delete document.documentElement.dataset.theme;
});
afterEach(() => {
  stop?.();
  stop = null;
  cleanup();
  vi.unstubAllGlobals();
});

describe('theme preference', () => {
  it('is system by default and ignores a value it does not know', () => {
    expect(readThemePref()).toBe('system');
    window.localStorage.setItem(THEME_STORAGE_KEY, 'sepia');
    expect(readThemePref()).toBe('system');
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('stores an explicit choice, applies it at once, and forgets it for system', () => {
    fakeSystem(false);
    stop = startTheme();
    expect(applied()).toBe('light');
    setThemePref('dark');
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(applied()).toBe('dark');
    setThemePref('system');
    expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
    expect(applied()).toBe('light');
  });

  it('applies the stored choice on start', () => {
    fakeSystem(false);
    window.localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    stop = startTheme();
    expect(applied()).toBe('dark');
  });

  it('follows the system live while the preference is system', () => {
    const system = fakeSystem(false);
    stop = startTheme();
    expect(applied()).toBe('light');
    system.set(true);
    expect(applied()).toBe('dark');
    system.set(false);
    expect(applied()).toBe('light');
  });

  it('an explicit choice wins over the system and its changes', () => {
    const system = fakeSystem(true);
    stop = startTheme();
    expect(applied()).toBe('dark');
    setThemePref('light');
    expect(applied()).toBe('light');
    system.set(false);
    system.set(true);
    expect(applied()).toBe('light');
  });

  it('stops listening to the system when stopped', () => {
    const system = fakeSystem(false);
    const end = startTheme();
    expect(system.listeners.size).toBe(1);
    end();
    expect(system.listeners.size).toBe(0);
  });

  it('takes up a choice made in another tab', () => {
    fakeSystem(false);
    stop = startTheme();
    const { result } = renderHook(() => useThemePref());
    expect(result.current).toBe('system');
    window.localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: THEME_STORAGE_KEY, newValue: 'dark' }));
    });
    expect(result.current).toBe('dark');
    expect(applied()).toBe('dark');
  });
});
