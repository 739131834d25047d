// The Select primitive in jsdom: its label names it, the keyboard opens it and
// picks, the empty ("default") choice travels through the wrapper as ''/null
// and back, a value without an empty option shows the placeholder, disabled
// options cannot be picked, and groups carry their headings.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { Select, type SelectOption } from './select';
import { optionsOf, pickOption, shownValue } from './test-support';

afterEach(cleanup);

const efforts: SelectOption<string | null>[] = [
  { value: null, label: 'Provider default' },
  { value: 'low', label: 'low' },
  { value: 'high', label: 'high', hint: 'Slower, more thorough' },
];

function Effort({ initial, onChange }: { initial: string | null; onChange: (v: string | null) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <Select
      label="Effort"
      value={value}
      options={efforts}
      onValueChange={(v) => {
        setValue(v);
        onChange(v);
      }}
    />
  );
}

describe('Select', () => {
  it('is named by its visible label and shows the chosen label with a chevron', () => {
    render(<Effort initial="high" onChange={vi.fn()} />);
    const trigger = screen.getByLabelText('Effort');
    expect(trigger.getAttribute('role')).toBe('combobox');
    expect(screen.getByRole('combobox', { name: 'Effort' }).textContent).toBe('high');
    expect(trigger.querySelector('svg')).not.toBeNull();
  });

  it('opens with the keyboard, moves with the arrows and picks with Enter', async () => {
    const onChange = vi.fn();
    render(<Effort initial="low" onChange={onChange} />);
    const trigger = screen.getByRole('combobox', { name: 'Effort' });
    trigger.focus();
    fireEvent.keyDown(trigger, { key: 'ArrowDown' });
    const listbox = await screen.findByRole('listbox');
    // The chosen option is focused and checked.
    const low = within(listbox).getByRole('option', { name: 'low' });
    expect(low.getAttribute('aria-selected')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(low));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    const high = within(listbox).getByRole('option', { name: 'high' });
    await waitFor(() => expect(document.activeElement).toBe(high));
    expect(high.textContent).toContain('Slower, more thorough');
    fireEvent.keyDown(high, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith('high');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(shownValue('Effort')).toBe('high');
  });

  it('round-trips the empty choice as the caller’s null', async () => {
    const onChange = vi.fn();
    render(<Effort initial={null} onChange={onChange} />);
    expect(shownValue('Effort')).toBe('Provider default');
    await pickOption('Effort', 'low');
    expect(onChange).toHaveBeenLastCalledWith('low');
    expect(shownValue('Effort')).toBe('low');
    await pickOption('Effort', 'Provider default');
    expect(onChange).toHaveBeenLastCalledWith(null);
    expect(shownValue('Effort')).toBe('Provider default');
    expect(await optionsOf('Effort')).toEqual(['Provider default', 'low', 'high']);
  });

  it("keeps a caller's '' as the empty choice", async () => {
    const onValueChange = vi.fn();
    render(
      <Select
        aria-label="Target"
        value=""
        options={[
          { value: '', label: 'None' },
          { value: 'a', label: 'A' },
        ]}
        onValueChange={onValueChange}
      />,
    );
    expect(shownValue('Target')).toBe('None');
    await pickOption('Target', 'A');
    expect(onValueChange).toHaveBeenLastCalledWith('a');
  });

  it('shows the placeholder while nothing is chosen and skips disabled options', async () => {
    const onValueChange = vi.fn();
    render(
      <Select
        aria-label="User to add"
        value=""
        placeholder="Choose a user…"
        options={[
          { value: '2', label: 'bob' },
          { value: '3', label: 'carol', disabled: true },
        ]}
        onValueChange={onValueChange}
      />,
    );
    expect(shownValue('User to add')).toBe('Choose a user…');
    await pickOption('User to add', 'carol');
    expect(onValueChange).not.toHaveBeenCalled();
    expect(screen.getByRole('option', { name: 'carol' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('lists grouped options under their headings', async () => {
    const onValueChange = vi.fn();
    render(
      <Select
        aria-label="Model"
        value="b"
        groups={[
          { label: 'Fast', options: [{ value: 'a', label: 'Alpha' }] },
          { label: 'Thorough', options: [{ value: 'b', label: 'Beta' }] },
        ]}
        onValueChange={onValueChange}
      />,
    );
    fireEvent.click(screen.getByRole('combobox', { name: 'Model' }));
    const groups = within(await screen.findByRole('listbox')).getAllByRole('group');
    expect(
      groups.map((g) =>
        within(g)
          .getAllByRole('option')
          .map((o) => o.getAttribute('aria-selected')),
      ),
    ).toEqual([['false'], ['true']]);
    expect(within(groups[0]!).getByText('Fast')).toBeTruthy();
    fireEvent.click(screen.getByRole('option', { name: 'Alpha' }));
    expect(onValueChange).toHaveBeenCalledWith('a');
  });

  it('cannot be opened while disabled', () => {
    render(<Select aria-label="Role" disabled value="member" options={[{ value: 'member', label: 'Member' }]} onValueChange={vi.fn()} />);
    const trigger = screen.getByRole('combobox', { name: 'Role' });
    expect(trigger.hasAttribute('disabled')).toBe(true);
    fireEvent.click(trigger);
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
