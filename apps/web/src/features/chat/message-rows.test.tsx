// How the rows this part draws look to a person: an agent run's instructions
// closed until asked for, the session line quiet and without the permission
// mode, a stopped turn's marker, and images as thumbnails served by the task's
// image route.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { StoredMessage } from './transcript';
import { msg } from './chat-fixtures';
import { RowView } from './message-rows';
import { buildRows } from './rows';
import { mergeMessages, emptyTranscript } from './transcript';

afterEach(cleanup);

function renderRows(messages: StoredMessage[], agentRun = false) {
  const rows = buildRows(mergeMessages(emptyTranscript(), messages), { agentRun });
  return render(
    <div>
      {rows.map((row) => (
        <RowView key={row.key} row={row} streaming={false} taskId={7} />
      ))}
    </div>,
  );
}

describe('transcript rows', () => {
  it('keeps the instructions closed until opened', async () => {
    renderRows([msg.instructions(1, 'Write the plan for **task 7**.\nThen signal.'), msg.assistant(2, 'Planning now')]);
    const toggle = screen.getByRole('button', { name: /Instructions/ });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'Instructions' })).toBeNull();
    expect(screen.queryByText(/Write the plan/)).toBeNull();
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const region = screen.getByRole('region', { name: 'Instructions' });
    expect(await screen.findByText(/Write the plan for/)).toBeTruthy();
    expect(region.textContent).toContain('task 7');
  });

  it('shows the session once, quietly, without the permission mode', () => {
    renderRows([
      msg.system(1, 'Claude Code 2.1: model claude-sonnet-4-5, permission mode bypassPermissions'),
      msg.user(2, 'hello'),
      msg.system(3, 'Claude Code 2.1 · claude-sonnet-4-5'),
    ]);
    expect(screen.getAllByText('Claude Code 2.1 · claude-sonnet-4-5')).toHaveLength(1);
    expect(screen.queryByText(/bypassPermissions/)).toBeNull();
  });

  it('marks a stopped turn with who stopped it', () => {
    renderRows([msg.user(1, 'long job'), msg.system(2, 'Stopped by ada.', 'stopped')]);
    const marker = screen.getByRole('note', { name: 'Turn stopped' });
    expect(marker.textContent).toBe('Turn stopped by ada');
  });

  it('shows the images sent with a message as thumbnails', () => {
    const name = `${'a'.repeat(64)}.png`;
    renderRows([{ ...msg.user(1, 'look at this'), images: [{ name, mediaType: 'image/png' }] } as StoredMessage]);
    const img = screen.getByRole('img', { name: 'Image 1 sent with this message' });
    expect(img.getAttribute('src')).toBe(`/api/tasks/7/chat-images/${name}`);
    expect(screen.getByRole('link').getAttribute('href')).toBe(`/api/tasks/7/chat-images/${name}`);
  });
});
