// Light and dark themes. The user's preference ('system', 'light' or 'dark')
// lives in this browser's localStorage; the theme in force is `data-theme` on
// <html>, which styles.css turns into a palette. 'system' follows the
// operating system's setting live. index.html applies the stored choice with
// the same rules before the first paint (keep the two in step: same key, same
// values), so a dark page never flashes light while the app loads.
import { useSyncExternalStore } from 'react';

export type ThemePref = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'bottega.theme';
export const THEME_PREFS: readonly ThemePref[] = ['system', 'light', 'dark'];
const DARK_QUERY = '(prefers-color-scheme: dark)';

function isPref(v: unknown): v is ThemePref {
  return typeof v === 'string' && (THEME_PREFS as readonly string[]).includes(v);
}

/** The stored preference; 'system' when none (or storage is refused). */
export function readThemePref(): ThemePref {
  try {
    const v = window.localStorage.getItem(THEME_STORAGE_KEY);
    return isPref(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

function systemIsDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

export function resolveTheme(pref: ThemePref, systemDark: boolean): Theme {
  if (pref === 'system') return systemDark ? 'dark' : 'light';
  return pref;
}

// The preference of this page; storage may refuse to keep it (private mode),
// in which case the choice still holds until the page is left.
let current: ThemePref | null = null;
const listeners = new Set<() => void>();

function pref(): ThemePref {
  current ??= readThemePref();
  return current;
}

/** Puts the theme that `pref` calls for on <html>. */
export function applyTheme(p: ThemePref = pref()): Theme {
  const theme = resolveTheme(p, systemIsDark());
  document.documentElement.dataset.theme = theme;
  return theme;
}

export function setThemePref(p: ThemePref): void {
  current = p;
  try {
    if (p === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, p);
  } catch {
    // storage refused: the choice lasts for this page only
  }
  applyTheme(p);
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user's preference, re-rendering when it changes (here or in another tab). */
export function useThemePref(): ThemePref {
  return useSyncExternalStore(subscribe, pref, () => 'system');
}

/**
 * Applies the theme now and keeps it right: follows the system's setting
 * while the preference is 'system', and a choice made in another tab.
 * Returns a function that stops listening.
 */
export function startTheme(): () => void {
  current = readThemePref();
  applyTheme();
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
  const onSystem = () => {
    if (pref() === 'system') applyTheme();
  };
  const onStorage = (e: StorageEvent) => {
    if (e.key !== THEME_STORAGE_KEY && e.key !== null) return;
    current = readThemePref();
    applyTheme();
    for (const l of listeners) l();
  };
  media?.addEventListener('change', onSystem);
  window.addEventListener('storage', onStorage);
  return () => {
    media?.removeEventListener('change', onSystem);
    window.removeEventListener('storage', onStorage);
  };
}
