// The Menu primitive in jsdom: the trigger opens it from the keyboard, items
// run their action and close it, a destructive item is marked, radio items
// check the current value, and Escape closes it with focus back on the trigger.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Pencil, Trash } from 'lucide-react';
import { Menu, MenuItem, MenuLabel, MenuRadioGroup, MenuRadioItem, MenuSeparator } from './menu';
import { pickMenuItem } from './test-support';

afterEach(cleanup);

function Actions({ onEdit, onDelete, onMove }: { onEdit: () => void; onDelete: () => void; onMove: (to: string) => void }) {
  return (
    <Menu trigger={<button type="button">Actions</button>}>
      <MenuItem icon={Pencil} onSelect={onEdit}>
        Edit
      </MenuItem>
      <MenuItem icon={Trash} destructive onSelect={onDelete}>
        Delete
      </MenuItem>
      <MenuSeparator />
      <MenuLabel>Move to</MenuLabel>
      <MenuRadioGroup value="pending" onValueChange={onMove}>
        <MenuRadioItem value="pending">Pending</MenuRadioItem>
        <MenuRadioItem value="done">Done</MenuRadioItem>
      </MenuRadioGroup>
    </Menu>
  );
}

describe('Menu', () => {
  it('opens from the keyboard, named by its trigger, with icons, a destructive item and radio items', async () => {
    render(<Actions onEdit={vi.fn()} onDelete={vi.fn()} onMove={vi.fn()} />);
    const trigger = screen.getByRole('button', { name: 'Actions' });
    expect(trigger.getAttribute('aria-haspopup')).toBe('menu');
    // Before first use the button is plain (no menu mounted); a key opens it at once.
    expect(trigger.getAttribute('data-state')).toBeNull();
    fireEvent.keyDown(trigger, { key: 'Enter' });
    const menu = await screen.findByRole('menu', { name: 'Actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((i) => i.textContent),
    ).toEqual(['Edit', 'Delete']);
    expect(within(menu).getByRole('menuitem', { name: 'Edit' }).querySelector('svg[aria-hidden="true"]')).not.toBeNull();
    expect(within(menu).getByRole('menuitem', { name: 'Delete' }).className).toContain('text-red-700');
    expect(within(menu).getByRole('menuitemradio', { name: 'Pending' }).getAttribute('aria-checked')).toBe('true');
    expect(within(menu).getByRole('menuitemradio', { name: 'Done' }).getAttribute('aria-checked')).toBe('false');
    expect(within(menu).getByRole('separator')).toBeTruthy();
  });

  it('runs the picked item and closes', async () => {
    const onEdit = vi.fn();
    const onMove = vi.fn();
    render(<Actions onEdit={onEdit} onDelete={vi.fn()} onMove={onMove} />);
    await pickMenuItem('Actions', 'Edit');
    expect(onEdit).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    await pickMenuItem('Actions', 'Done');
    expect(onMove).toHaveBeenCalledWith('done');
  });

  it('picks with Enter after moving with the arrows', async () => {
    const onDelete = vi.fn();
    render(<Actions onEdit={vi.fn()} onDelete={onDelete} onMove={vi.fn()} />);
    // Focus mounts the menu behind the button (a new element, focused in its place).
    screen.getByRole('button', { name: 'Actions' }).focus();
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-expanded')).toBe('false'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    const menu = await screen.findByRole('menu');
    await waitFor(() => expect(document.activeElement).toBe(within(menu).getByRole('menuitem', { name: 'Edit' })));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    const del = within(menu).getByRole('menuitem', { name: 'Delete' });
    await waitFor(() => expect(document.activeElement).toBe(del));
    fireEvent.keyDown(del, { key: 'Enter' });
    expect(onDelete).toHaveBeenCalledTimes(1);
  });

  it('closes on Escape and gives focus back to the trigger', async () => {
    render(<Actions onEdit={vi.fn()} onDelete={vi.fn()} onMove={vi.fn()} />);
    screen.getByRole('button', { name: 'Actions' }).focus();
    // Focusing mounts the real menu: the trigger is a new element, and it has the focus.
    const trigger = await waitFor(() => {
      const t = screen.getByRole('button', { name: 'Actions' });
      expect(t.getAttribute('data-state')).toBe('closed');
      expect(document.activeElement).toBe(t);
      return t;
    });
    fireEvent.keyDown(trigger, { key: 'Enter' });
    const menu = await screen.findByRole('menu');
    fireEvent.keyDown(menu, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    expect(document.activeElement).toBe(trigger);
  });
});
