// The shared Modal: named by its title, focus moved in and kept in, Escape or
// the Close button or a click outside closing it unless it is blocking, and
// focus returning to the control that opened it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { Modal } from './modal';

afterEach(cleanup);

function Opener({ blocking = false }: { blocking?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Delete project
      </button>
      {open && (
        <Modal title="Delete Alpha?" onClose={blocking ? undefined : () => setOpen(false)}>
          <p>Its tasks go too.</p>
          <button type="button">Cancel</button>
          <button type="button">Yes, delete</button>
        </Modal>
      )}
    </>
  );
}

function open() {
  const opener = screen.getByRole('button', { name: 'Delete project' });
  opener.focus();
  fireEvent.click(opener);
  return { opener, dialog: screen.getByRole('dialog', { name: 'Delete Alpha?' }) };
}

// Radix starts listening for presses outside a tick after the dialog opens.
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A press as a browser delivers it: Radix dismisses on the click that ends a press outside. */
function press(el: HTMLElement) {
  fireEvent.pointerDown(el);
  fireEvent.mouseDown(el);
  fireEvent.pointerUp(el);
  fireEvent.mouseUp(el);
  fireEvent.click(el);
}

const escape = () => fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });

describe('Modal', () => {
  it('is a dialog named by its title, with focus on its first control', async () => {
    render(<Opener />);
    open();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' })));
  });

  it('closes on Escape and gives focus back to the control that opened it', async () => {
    render(<Opener />);
    const { opener } = open();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' })));
    escape();
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it('closes with its Close button, the last stop in its tab order', async () => {
    render(<Opener />);
    const { opener } = open();
    const close = screen.getByRole('button', { name: 'Close' });
    const buttons = screen.getByRole('dialog').querySelectorAll('button');
    expect(buttons[buttons.length - 1]).toBe(close);
    fireEvent.click(close);
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it('keeps focus inside: Tab from the last control goes back to the first', async () => {
    render(<Opener />);
    open();
    const close = screen.getByRole('button', { name: 'Close' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' })));
    close.focus();
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
  });

  it('closes on a press outside it', async () => {
    render(<Opener />);
    const { dialog } = open();
    await tick();
    press(screen.getByText('Its tasks go too.'));
    expect(screen.getByRole('dialog')).toBe(dialog);
    press(dialog.parentElement as HTMLElement);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('when blocking, has no Close button and stays open on Escape and outside presses', async () => {
    const warn = vi.spyOn(console, 'error');
    render(<Opener blocking />);
    const { dialog } = open();
    await tick();
    expect(screen.queryByRole('button', { name: 'Close' })).toBeNull();
    escape();
    press(dialog.parentElement as HTMLElement);
    await tick();
    expect(screen.getByRole('dialog', { name: 'Delete Alpha?' })).toBe(dialog);
    // Radix complains about a dialog without a title or description; this one has what it needs.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
