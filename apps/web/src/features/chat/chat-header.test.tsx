// The conversation title in the chat header: shown (with a fallback), edited
// inline, saved with PATCH, and updated in the cache from the answer; the
// header's state: working with Stop, or waiting for a slot with Cancel message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ConversationDto } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { MemoryRouter } from 'react-router';
import { ChatHeader, ConversationTitle } from './chat-header';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const conversation: ConversationDto = {
  id: 5,
  taskId: 1,
  kind: 'chat',
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  effort: null,
  providerSessionId: 's',
  title: null,
  contextUsage: null,
  questionWaiting: false,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};

describe('conversation title', () => {
  it('falls back to "Chat", then saves a typed title', async () => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        const body = JSON.parse(String(init.body)) as { title: string };
        calls.push({ url, method: init.method ?? 'GET', body });
        return new Response(JSON.stringify({ conversation: { ...conversation, title: body.title } }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }),
    );
    const qc = new QueryClient();
    render(
      <QueryClientProvider client={qc}>
        <ConversationTitle conversation={conversation} />
      </QueryClientProvider>,
    );
    expect(screen.getByTestId('conversation-title').textContent).toBe('Chat');
    fireEvent.click(screen.getByRole('button', { name: 'Rename conversation' }));
    fireEvent.change(screen.getByLabelText('Conversation title'), { target: { value: '  Login fix ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(qc.getQueryData<ConversationDto>(keys.conversation(5))?.title).toBe('Login fix'));
    expect(calls).toEqual([{ url: '/api/conversations/5', method: 'PATCH', body: { title: 'Login fix' } }]);
    expect(screen.queryByLabelText('Conversation title')).toBeNull();
  });
});

describe('chat header state', () => {
  function header(streaming: boolean, waiting: boolean, onStop = vi.fn()) {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <MemoryRouter>
          <ChatHeader
            conversation={conversation}
            task={undefined}
            taskHref="/projects/1/tasks/1"
            streaming={streaming}
            waiting={waiting}
            onStop={onStop}
            stopping={false}
            stopError={null}
          />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    return onStop;
  }

  it('says the agent works, with Stop, while a turn streams', () => {
    header(true, false);
    expect(screen.getByTestId('streaming').textContent).toContain('Working…');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
  });

  it('says the turn waits for a slot, without the live dot, and Cancel message stops it', () => {
    const onStop = header(true, true);
    expect(screen.queryByTestId('streaming')).toBeNull();
    expect(screen.queryByRole('img', { name: 'Agent working' })).toBeNull();
    expect(screen.getByTestId('waiting').textContent).toContain('Waiting for a slot');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel message' }));
    expect(onStop).toHaveBeenCalledTimes(1);
  });
});
