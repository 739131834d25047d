// IconButton: an icon-only button named by its label, which its tooltip shows
// on keyboard focus (and hover); the Tooltip works with or without the app's
// provider around it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Trash2 } from 'lucide-react';
import { IconButton } from './icon-button';
import { TooltipProvider } from './tooltip';

afterEach(cleanup);

describe('IconButton', () => {
  it('is named by its label, hides its icon, and acts on a click', () => {
    const onClick = vi.fn();
    render(<IconButton icon={Trash2} label="Delete data.csv" onClick={onClick} />);
    const button = screen.getByRole('button', { name: 'Delete data.csv' });
    expect(button.textContent).toBe('');
    expect(button.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
  });

  it.each([
    ['inside the app provider', true],
    ['on its own', false],
  ])('shows its label as a tooltip on keyboard focus (%s)', async (_, provided) => {
    const button = <IconButton icon={Trash2} label="Delete data.csv" />;
    render(provided ? <TooltipProvider>{button}</TooltipProvider> : button);
    expect(screen.queryByRole('tooltip')).toBeNull();
    fireEvent.focus(screen.getByRole('button', { name: 'Delete data.csv' }));
    expect((await screen.findByRole('tooltip')).textContent).toBe('Delete data.csv');
  });
});
