// The shared Checkbox: a real checkbox to assistive technology (role, state,
// name from its label, description), toggled by a click on the box or on its
// label, inert when disabled. (Space on the focused box is covered by the
// browser tests: jsdom does not turn keys into clicks.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { Checkbox } from './checkbox';

afterEach(cleanup);

function Controlled({ disabled = false, onChange = () => {} }: { disabled?: boolean; onChange?: (v: boolean) => void }) {
  const [on, setOn] = useState(false);
  return (
    <Checkbox
      label="YOLO mode"
      description="One agent does everything."
      checked={on}
      disabled={disabled}
      onCheckedChange={(v) => {
        onChange(v);
        setOn(v);
      }}
    />
  );
}

describe('Checkbox', () => {
  it('is a checkbox named by its label and described by its description', () => {
    render(<Controlled />);
    const box = screen.getByRole('checkbox', { name: 'YOLO mode' });
    expect(box.getAttribute('aria-checked')).toBe('false');
    const described = document.getElementById(box.getAttribute('aria-describedby') ?? '');
    expect(described?.textContent).toBe('One agent does everything.');
  });

  it('toggles on a click on the box, showing a tick only when on', () => {
    const changed = vi.fn();
    render(<Controlled onChange={changed} />);
    const box = screen.getByRole('checkbox', { name: 'YOLO mode' });
    expect(box.querySelector('svg')).toBeNull();
    fireEvent.click(box);
    expect(box.getAttribute('aria-checked')).toBe('true');
    expect(box.getAttribute('data-state')).toBe('checked');
    expect(box.querySelector('svg')).not.toBeNull();
    fireEvent.click(box);
    expect(box.getAttribute('aria-checked')).toBe('false');
    expect(changed.mock.calls).toEqual([[true], [false]]);
  });

  it('toggles on a click on its label', () => {
    render(<Controlled />);
    fireEvent.click(screen.getByText('YOLO mode'));
    expect(screen.getByRole('checkbox', { name: 'YOLO mode' }).getAttribute('aria-checked')).toBe('true');
  });

  it('does nothing when disabled', () => {
    const changed = vi.fn();
    render(<Controlled disabled onChange={changed} />);
    const box = screen.getByRole<HTMLButtonElement>('checkbox', { name: 'YOLO mode' });
    expect(box.disabled).toBe(true);
    fireEvent.click(box);
    fireEvent.click(screen.getByText('YOLO mode'));
    expect(box.getAttribute('aria-checked')).toBe('false');
    expect(changed).not.toHaveBeenCalled();
  });

  it('toggles inside a form without submitting it', () => {
    const submitted = vi.fn();
    render(
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submitted();
        }}
      >
        <Controlled />
        <button type="submit">Create</button>
      </form>,
    );
    fireEvent.click(screen.getByRole('checkbox', { name: 'YOLO mode' }));
    expect(screen.getByRole('checkbox', { name: 'YOLO mode' }).getAttribute('aria-checked')).toBe('true');
    expect(submitted).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(submitted).toHaveBeenCalledOnce();
  });
});
