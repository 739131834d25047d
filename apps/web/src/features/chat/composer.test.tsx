// The chat box's conveniences against a stubbed API: `/` lists the task's
// commands (filtered as you type, keyboard navigable, Escape closes), a picked
// command is sent as typed for the server to expand, and the image button is
// disabled with a reason when the conversation's provider takes no images;
// attached files go where the target picker says.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithClient, stubApi } from '../settings/test-support';
import { Composer } from './composer';
import { pickOption, shownValue } from '../../ui/test-support';
import { commandQuery, matchCommands } from './conveniences';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const commands = [
  { name: 'fix-bug', description: 'Fix a numbered bug', source: 'project' },
  { name: 'front:component', description: 'Build a component', source: 'user' },
  { name: 'review', description: 'Review the branch', source: 'project' },
] as const;
const providers = {
  providers: [
    {
      name: 'anthropic',
      available: true,
      connected: true,
      method: 'api-key',
      baseUrl: null,
      simulated: false,
      capabilities: { supportsImages: true },
    },
    {
      name: 'openai',
      available: true,
      connected: true,
      method: 'api-key',
      baseUrl: null,
      simulated: false,
      capabilities: { supportsImages: false },
    },
  ],
};

function setUp(provider: string) {
  const calls = stubApi({
    'GET /api/tasks/7/commands': { body: { commands } },
    'GET /api/providers': { body: providers },
    'POST /api/conversations/3/messages': { status: 202, body: { ok: true } },
  });
  renderWithClient(<Composer conversationId={3} taskId={7} provider={provider} streaming={false} onSent={() => undefined} />);
  return calls;
}

const box = () => screen.getByRole('textbox', { name: 'Message' });
const menu = () => screen.queryByRole('listbox', { name: 'Slash commands' });
const options = () => {
  const m = menu();
  return m
    ? within(m)
        .queryAllByRole('option')
        .map((o) => o.textContent ?? '')
    : [];
};

describe('slash command helpers', () => {
  it('reads the command being typed and ranks prefix matches first', () => {
    expect(commandQuery('/fi')).toBe('fi');
    expect(commandQuery('/')).toBe('');
    expect(commandQuery('/fix-bug 42')).toBeNull();
    expect(commandQuery('hello /fix')).toBeNull();
    expect(matchCommands([...commands], 'r').map((c) => c.name)).toEqual(['review', 'front:component']);
    expect(matchCommands([...commands], '').map((c) => c.name)).toEqual(['fix-bug', 'front:component', 'review']);
  });
});

describe('Composer', () => {
  it('offers commands on /, moves with the arrows, picks with Enter and sends the command as typed', async () => {
    const calls = setUp('anthropic');
    fireEvent.change(box(), { target: { value: '/' } });
    await waitFor(() => expect(options()).toHaveLength(3));
    expect(options()[0]).toContain('Fix a numbered bug');
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    expect(within(menu() as HTMLElement).getByRole('option', { selected: true }).textContent).toContain('/front:component');
    fireEvent.keyDown(box(), { key: 'ArrowUp' });
    fireEvent.keyDown(box(), { key: 'ArrowUp' });
    expect(within(menu() as HTMLElement).getByRole('option', { selected: true }).textContent).toContain('/review');
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect((box() as HTMLTextAreaElement).value).toBe('/review ');
    expect(options()).toEqual([]);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    fireEvent.change(box(), { target: { value: '/review the api' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ message: '/review the api' }));
  });

  it('filters as you type and closes on Escape', async () => {
    setUp('anthropic');
    fireEvent.change(box(), { target: { value: '/fix' } });
    await waitFor(() => expect(options()).toHaveLength(1));
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect(options()).toEqual([]);
    fireEvent.change(box(), { target: { value: '/zzz' } });
    expect(options()).toEqual([]);
  });

  it('uploads attached files to the place picked beside the button', async () => {
    const calls = stubApi({
      'GET /api/tasks/7/commands': { body: { commands } },
      'GET /api/providers': { body: providers },
      'POST /api/tasks/7/files': { status: 201, body: { files: [] } },
    });
    renderWithClient(<Composer conversationId={3} taskId={7} provider="anthropic" streaming={false} onSent={() => undefined} />);
    expect(shownValue('Attach files to')).toBe("Worktree's tmp/ folder");
    await pickOption('Attach files to', "Task's input files");
    expect(shownValue('Attach files to')).toBe("Task's input files");
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    fireEvent.change(screen.getByTestId('attach-file-input'), { target: { files: [file] } });
    expect((await screen.findByRole('list', { name: 'Attached files' })).textContent).toBe('notes.txt → input files');
    const upload = calls.find((c) => c.method === 'POST' && c.path === '/api/tasks/7/files');
    expect((upload?.body as FormData).getAll('file').map((f) => (f as File).name)).toEqual(['notes.txt']);
  });

  it('enables images for a provider that takes them and disables them with a reason otherwise', async () => {
    setUp('anthropic');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Add image' })).toHaveProperty('disabled', false));
    cleanup();
    setUp('openai');
    const button = await screen.findByRole('button', { name: 'Add image' });
    await waitFor(() => expect(button.parentElement?.getAttribute('title')).toBe('openai does not accept images'));
    expect(button).toHaveProperty('disabled', true);
  });
});
