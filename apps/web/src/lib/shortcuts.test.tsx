// The keyboard shortcut registry: strokes and sequences become shortcut ids,
// typing in a field or a dialog being open leaves keys alone, and the shell's
// handlers go where the registry says (`g i` to the inbox, `?` to the overlay
// listing every shortcut from the same registry).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { availableShortcuts, createShortcutMatcher, isTypingTarget, SEQUENCE_MS, shortcuts, strokeOf, useShortcuts } from './shortcuts';
import { ShortcutsOverlay } from '../app/shortcuts-overlay';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('the shortcut matcher', () => {
  it('matches single keys, Ctrl/⌘ combinations and two-key sequences', () => {
    const m = createShortcutMatcher(shortcuts);
    expect(m.press(key('/'), 0)).toBe('search');
    expect(m.press(key('k', { ctrlKey: true }), 10)).toBe('search');
    expect(m.press(key('K', { metaKey: true }), 20)).toBe('search');
    expect(m.press(key('?'), 30)).toBe('help');
    expect(m.press(key('c'), 40)).toBe('newTask');
    expect(m.press(key('g'), 50)).toBe('pending');
    expect(m.press(key('i'), 60)).toBe('goInbox');
    expect(m.press(key('g'), 70)).toBe('pending');
    expect(m.press(key('Shift'), 75)).toBeNull();
    expect(m.press(key('p'), 80)).toBe('goProjects');
  });

  it('forgets a sequence after its pause and lets an unrelated key start over', () => {
    const m = createShortcutMatcher(shortcuts);
    expect(m.press(key('g'), 0)).toBe('pending');
    expect(m.press(key('i'), SEQUENCE_MS + 1)).toBeNull();
    expect(m.press(key('g'), 5000)).toBe('pending');
    expect(m.press(key('/'), 5100)).toBe('search');
    expect(m.press(key('i'), 5200)).toBeNull();
    expect(m.press(key('c', { ctrlKey: true }), 5300)).toBeNull();
    expect(m.press(key('c', { altKey: true }), 5400)).toBeNull();
    expect(m.press(key('C'), 5500)).toBeNull();
  });

  it('offers the admin screen to administrators only', () => {
    expect(availableShortcuts({ isAdmin: false }).map((s) => s.id)).not.toContain('goAdmin');
    expect(availableShortcuts({ isAdmin: true }).map((s) => s.id)).toContain('goAdmin');
    const m = createShortcutMatcher(availableShortcuts({ isAdmin: false }));
    expect(m.press(key('g'), 0)).toBe('pending');
    expect(m.press(key('a'), 10)).toBeNull();
  });

  it('reads a bare modifier as no stroke', () => {
    expect(strokeOf(key('Control', { ctrlKey: true }))).toBeNull();
    expect(strokeOf(key('k', { ctrlKey: true }))).toBe('Mod+k');
  });
});

function Harness({ isAdmin = false, go }: { isAdmin?: boolean; go: (where: string) => void }) {
  const [help, setHelp] = useState(false);
  useShortcuts(
    {
      search: () => go('search'),
      newTask: () => go('new task'),
      goInbox: () => go('inbox'),
      goAdmin: () => go('admin'),
      help: () => setHelp(true),
    },
    { isAdmin },
  );
  return (
    <div>
      <label>
        Title <input />
      </label>
      <textarea aria-label="Notes" />
      <div contentEditable suppressContentEditableWarning aria-label="Rich">
        text
      </div>
      <div className="cm-editor">
        <div className="cm-content" tabIndex={0} aria-label="Editor">
          code
        </div>
      </div>
      <button type="button">Somewhere</button>
      {help && <ShortcutsOverlay isAdmin={isAdmin} onClose={() => setHelp(false)} />}
    </div>
  );
}

const press = (target: Element | Window, k: string, mods: Partial<KeyboardEventInit> = {}) =>
  fireEvent.keyDown(target, { key: k, bubbles: true, cancelable: true, ...mods });

describe('the shortcuts in the page', () => {
  it('goes to the inbox on g then i, and searches on / and Ctrl+K', () => {
    const go = vi.fn();
    render(<Harness go={go} />);
    const body = screen.getByRole('button', { name: 'Somewhere' });
    press(body, 'g');
    press(body, 'i');
    expect(go).toHaveBeenCalledWith('inbox');
    expect(press(body, '/')).toBe(false); // default prevented: the key does not type into the search field it opens
    press(body, 'k', { ctrlKey: true });
    expect(go.mock.calls.map((c) => c[0] as string)).toEqual(['inbox', 'search', 'search']);
  });

  it('does nothing while the user types in an input, a text area, editable content or the code editor', () => {
    const go = vi.fn();
    render(<Harness go={go} />);
    for (const field of [
      screen.getByRole('textbox', { name: 'Title' }),
      screen.getByRole('textbox', { name: 'Notes' }),
      screen.getByLabelText('Rich'),
      screen.getByLabelText('Editor'),
    ]) {
      expect(isTypingTarget(field)).toBe(true);
      for (const k of ['c', '/', '?', 'g', 'i']) expect(press(field, k)).toBe(true);
    }
    expect(go).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('opens the overlay on ?, listing every shortcut grouped, and Escape closes it; keys do nothing while it is open', () => {
    const go = vi.fn();
    render(<Harness isAdmin go={go} />);
    press(window, '?', { shiftKey: true });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const group of ['General', 'Go to', 'Tasks']) expect(within(dialog).getByRole('region', { name: group })).toBeTruthy();
    const goTo = within(dialog).getByRole('region', { name: 'Go to' });
    expect(
      within(goTo)
        .getAllByRole('term')
        .map((t) => t.textContent),
    ).toEqual(['Projects', 'Inbox', 'Settings', 'Admin']);
    const inboxRow = within(goTo).getByText('Inbox').parentElement!;
    expect([...inboxRow.querySelectorAll('kbd')].map((k) => k.textContent)).toEqual(['g', 'i']);
    expect(dialog.querySelectorAll('kbd').length).toBeGreaterThanOrEqual(shortcuts.length);

    press(window, 'c');
    expect(go).not.toHaveBeenCalled();
    // A key press goes to the focused element (inside the dialog), as in a browser.
    act(() => {
      press(document.activeElement ?? document.body, 'Escape');
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    press(window, 'c');
    expect(go).toHaveBeenCalledWith('new task');
  });

  it('leaves out the admin screen for someone who is not an administrator', () => {
    render(<Harness go={vi.fn()} />);
    press(window, '?');
    const goTo = within(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).getByRole('region', { name: 'Go to' });
    expect(within(goTo).queryByText('Admin')).toBeNull();
  });
});
