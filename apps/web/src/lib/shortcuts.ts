// Keyboard shortcuts (docs/behaviour/web-app.md#keyboard-shortcuts): the one
// registry both the key handler and the `?` overlay read, so what the overlay
// lists is exactly what the keys do. A binding is a sequence of strokes: `c`,
// `g i` (g, then i within a second and a half), `Mod+k` (Ctrl, or ⌘ on a Mac).
// Nothing fires while the user types (inputs, text areas, selects, editable
// content, the CodeMirror editor) or while a dialog or menu is open.
import { useEffect, useRef } from 'react';

export type ShortcutId = 'search' | 'newTask' | 'goProjects' | 'goInbox' | 'goSettings' | 'goAdmin' | 'help';
export type ShortcutGroup = 'General' | 'Go to' | 'Tasks';

export interface Shortcut {
  id: ShortcutId;
  group: ShortcutGroup;
  label: string;
  /** Alternatives, each a sequence of strokes: a key as `KeyboardEvent.key` gives it, or `Mod+<key>`. */
  bindings: string[][];
  /** Administrators only. */
  adminOnly?: boolean;
}

export const shortcuts: readonly Shortcut[] = [
  { id: 'search', group: 'General', label: 'Search tasks, projects and screens', bindings: [['/'], ['Mod+k']] },
  { id: 'help', group: 'General', label: 'Show keyboard shortcuts', bindings: [['?']] },
  { id: 'newTask', group: 'Tasks', label: 'New task in the current project', bindings: [['c']] },
  { id: 'goProjects', group: 'Go to', label: 'Projects', bindings: [['g', 'p']] },
  { id: 'goInbox', group: 'Go to', label: 'Inbox', bindings: [['g', 'i']] },
  { id: 'goSettings', group: 'Go to', label: 'Settings', bindings: [['g', 's']] },
  { id: 'goAdmin', group: 'Go to', label: 'Admin', bindings: [['g', 'a']], adminOnly: true },
];

export const shortcutGroups: readonly ShortcutGroup[] = ['General', 'Go to', 'Tasks'];

/** The shortcuts this user has, in the registry's order. */
export function availableShortcuts(viewer: { isAdmin: boolean }): Shortcut[] {
  return shortcuts.filter((s) => !s.adminOnly || viewer.isAdmin);
}

/** How long the second stroke of a sequence may wait for the first. */
export const SEQUENCE_MS = 1500;

export interface KeyStroke {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** A key press as a registry stroke; null for a bare modifier or a combination no binding uses. */
export function strokeOf(e: KeyStroke): string | null {
  if (e.key === 'Shift' || e.key === 'Control' || e.key === 'Meta' || e.key === 'Alt' || e.key === 'Dead') return null;
  if (e.altKey) return null;
  if (e.ctrlKey || e.metaKey) return e.key.length === 1 ? `Mod+${e.key.toLowerCase()}` : null;
  return e.key;
}

/**
 * Turns key presses into shortcut ids, keeping the first stroke of a sequence
 * pending until the next one. `pending` means "wait for the next key".
 */
export function createShortcutMatcher(list: readonly Shortcut[], sequenceMs = SEQUENCE_MS) {
  let pending: { strokes: string[]; at: number } | null = null;
  const match = (strokes: string[]): ShortcutId | 'pending' | null => {
    let prefix = false;
    for (const s of list)
      for (const b of s.bindings) {
        if (b.length === strokes.length && b.every((k, i) => k === strokes[i])) return s.id;
        if (b.length > strokes.length && strokes.every((k, i) => k === b[i])) prefix = true;
      }
    return prefix ? 'pending' : null;
  };
  return {
    press(e: KeyStroke, now: number): ShortcutId | 'pending' | null {
      const stroke = strokeOf(e);
      if (stroke === null) return null;
      const before = pending && now - pending.at <= sequenceMs ? pending.strokes : null;
      pending = null;
      let result = before ? match([...before, stroke]) : null;
      if (result === 'pending' && before) pending = { strokes: [...before, stroke], at: now };
      // A sequence that goes nowhere starts over from this key alone (`g /` still searches).
      if (result === null) {
        result = match([stroke]);
        if (result === 'pending') pending = { strokes: [stroke], at: now };
      }
      return result;
    },
    reset() {
      pending = null;
    },
  };
}

/** Whether a key press lands where the user is typing: shortcuts leave those alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .cm-editor')) return true;
  return target instanceof HTMLElement && target.isContentEditable;
}

/** Whether a dialog or a menu is open (its own keys — Escape, Enter, arrows, typing — belong to it). */
export function dialogOpen(doc: Document): boolean {
  return doc.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"]') !== null;
}

/** `Mod` shown as the platform writes it. */
export function keyLabel(stroke: string, mac: boolean): string[] {
  if (stroke.startsWith('Mod+')) return [mac ? '⌘' : 'Ctrl', stroke.slice(4).toUpperCase()];
  return [stroke];
}

export const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * Listens for the registry's shortcuts on the window and runs the handler of
 * each one pressed. Handlers are read at press time, so they may change
 * between renders without re-subscribing.
 */
export function useShortcuts(handlers: Partial<Record<ShortcutId, () => void>>, viewer: { isAdmin: boolean }): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const isAdmin = viewer.isAdmin;
  useEffect(() => {
    const matcher = createShortcutMatcher(availableShortcuts({ isAdmin }));
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing || e.repeat) return;
      if (isTypingTarget(e.target) || dialogOpen(document)) {
        matcher.reset();
        return;
      }
      const result = matcher.press(e, Date.now());
      if (result === null) return;
      e.preventDefault();
      if (result !== 'pending') latest.current[result]?.();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [isAdmin]);
}
