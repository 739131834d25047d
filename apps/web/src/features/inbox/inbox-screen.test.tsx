// The inbox's "Waiting to start" section: the user's own queued and waiting runs below what needs
// them (task, project, role, place or reset time), each with Cancel (the
// refusal shown, the inbox read again after); nothing at all when no run waits.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { CapacityRunDto, InboxItemDto, InboxResponse } from '@bottega/protocol';
import { resumeTime } from '../../lib/queue-words';
import { Component as InboxScreen } from './inbox-screen';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const blocked: InboxItemDto = {
  projectId: 1,
  projectName: 'Shop',
  taskId: 5,
  taskTitle: 'Fix the cart',
  reason: 'blocked',
  label: 'Blocked',
  detail: 'Missing API key',
  since: '2030-01-01T10:00:00.000Z',
  conversationId: null,
};
const queued: CapacityRunDto = {
  runId: 21,
  taskId: 8,
  projectId: 2,
  taskTitle: 'Add search',
  userId: 1,
  username: 'alice',
  agentType: 'implementation',
  status: 'queued',
  queue: { position: 2, reason: 'global_limit', resumeAt: null },
  since: '2030-01-01T10:00:00.000Z',
};
const RESET = '2030-01-01T15:04:00.000Z';
const parked: CapacityRunDto = {
  ...queued,
  runId: 22,
  taskId: 9,
  taskTitle: 'Add export',
  agentType: 'review',
  status: 'waiting_for_quota',
  queue: { position: null, reason: 'quota', resumeAt: RESET },
};

/** Serves the inbox (the responses in turn, the last one repeated) and records the writes. */
function serve(inboxes: InboxResponse[], cancel: () => Response = () => json({ run: {} })) {
  const writes: string[] = [];
  let reads = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if ((init.method ?? 'GET') !== 'GET') {
        writes.push(`${init.method} ${url}`);
        return cancel();
      }
      if (url === '/api/projects')
        return json({
          projects: [
            { id: 1, name: 'Shop' },
            { id: 2, name: 'Search engine' },
          ],
        });
      return json(inboxes[Math.min(reads++, inboxes.length - 1)]);
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })}>
      <MemoryRouter>
        <InboxScreen />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return writes;
}

describe('inbox: waiting to start', () => {
  it('lists the waiting runs below what needs the user, with project, role and place or reset time', async () => {
    serve([{ items: [blocked], waiting: [queued, parked] }]);
    const section = await screen.findByRole('region', { name: 'Waiting to start (2)' });
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual(['Blocked (1)', 'Waiting to start (2)']);
    const [first, second] = within(section).getAllByRole('listitem');
    expect(within(first!).getByRole('link', { name: 'Add search' }).getAttribute('href')).toBe('/projects/2/tasks/8');
    await waitFor(() => expect(within(first!).getByRole('link', { name: 'Search engine' })).toBeTruthy());
    expect(first!.textContent).toContain('Implementation');
    expect(first!.textContent).toContain('Queued · 2 in line — the server is running as many agents as it may');
    expect(second!.textContent).toContain('Review');
    expect(second!.textContent).toContain(`Waiting for the usage limit to reset at ${resumeTime(RESET)} — it goes on by itself`);
  });

  it('shows the section under "Nothing needs you" when only runs wait, and nothing when none does', async () => {
    serve([{ items: [], waiting: [queued] }]);
    expect(await screen.findByText('Nothing needs you')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Waiting to start (1)' })).toBeTruthy();
    cleanup();
    serve([{ items: [blocked], waiting: [] }]);
    expect(await screen.findByRole('heading', { name: 'Blocked (1)' })).toBeTruthy();
    expect(screen.queryByTestId('inbox-waiting')).toBeNull();
  });

  it('cancels a run, then reads the inbox again: the run is gone', async () => {
    const writes = serve([
      { items: [], waiting: [queued, parked] },
      { items: [], waiting: [parked] },
    ]);
    const cancel = await screen.findByRole('button', { name: 'Cancel the implementation run of Add search' });
    fireEvent.click(cancel);
    await waitFor(() => expect(writes).toEqual(['POST /api/agent-runs/21/cancel']));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Add search' })).toBeNull());
    expect(screen.getByRole('region', { name: 'Waiting to start (1)' })).toBeTruthy();
  });

  it("shows the server's refusal on the run's row", async () => {
    serve([{ items: [], waiting: [queued] }], () => json({ error: { code: 'CONFLICT', message: 'the run has already started' } }, 409));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel the implementation run of Add search' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the run has already started');
  });
});
