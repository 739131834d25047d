// Admin → Instance → Capacity: the limits and where the global one comes from, memory against its
// threshold (an amber notice while new runs wait for memory), each user's share, the runs in
// order with their task links; the per-user limit saved ("Saved.") and the server's 400 and 403
// shown on the form; the picture read again while the panel is open.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { CapacityDto } from '@bottega/protocol';
import { resumeTime } from '../../lib/queue-words';
import { CAPACITY_REFRESH_MS, CapacityPanel, memoryText } from './capacity-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const picture: CapacityDto = {
  maxRunning: 4,
  maxRunningSource: 'machine',
  perUserLimit: 2,
  memory: { availableMb: 6 * 1024, thresholdMb: 512, shedding: false },
  running: 1,
  queued: 2,
  waitingForQuota: 1,
  users: [
    { userId: 1, username: 'alice', running: 1, chatting: 0, queued: 1, waitingForQuota: 0 },
    { userId: 2, username: 'bob', running: 0, chatting: 1, queued: 1, waitingForQuota: 1 },
  ],
  runs: [
    {
      runId: 5,
      taskId: 50,
      projectId: 3,
      taskTitle: 'Add search',
      userId: 1,
      username: 'alice',
      agentType: 'implementation',
      status: 'running',
      queue: null,
      since: '2030-01-01T10:00:00.000Z',
    },
    {
      runId: 6,
      taskId: 60,
      projectId: 3,
      taskTitle: 'Add export',
      userId: 2,
      username: 'bob',
      agentType: 'review',
      status: 'queued',
      queue: { position: 1, reason: 'global_limit', resumeAt: null },
      since: '2030-01-01T10:01:00.000Z',
    },
    {
      runId: 7,
      taskId: 70,
      projectId: 4,
      taskTitle: 'Fix login',
      userId: null,
      username: null,
      agentType: 'planification',
      status: 'queued',
      queue: { position: 2, reason: 'user_limit', resumeAt: null },
      since: '2030-01-01T10:02:00.000Z',
    },
    {
      runId: 8,
      taskId: 80,
      projectId: 4,
      taskTitle: 'Ship it',
      userId: 2,
      username: 'bob',
      agentType: 'pr',
      status: 'waiting_for_quota',
      queue: { position: null, reason: 'quota', resumeAt: '2030-01-01T15:04:00.000Z' },
      since: '2030-01-01T10:03:00.000Z',
    },
  ],
};

/** Serves GET with `reads` in turn (the last repeated) and PUT with `put`; records the bodies put. */
function serve(
  reads: CapacityDto[],
  put: (body: { perUserLimit: number }) => Response = (b) => json({ capacity: { ...reads[0]!, ...b } }),
) {
  const puts: unknown[] = [];
  let n = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      if (init.method === 'PUT') {
        const body = JSON.parse(String(init.body)) as { perUserLimit: number };
        puts.push(body);
        return put(body);
      }
      return json({ capacity: reads[Math.min(n++, reads.length - 1)] });
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })}>
      <MemoryRouter>
        <CapacityPanel />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return puts;
}

describe('capacity panel', () => {
  it('shows the limits with their source, memory, each user and the runs in order with task links', async () => {
    serve([picture]);
    const panel = await screen.findByTestId('capacity-panel');
    expect(within(panel).getByRole('heading', { name: /Capacity/ }).textContent).toBe('Capacity1 running2 queued1 waiting for quota');
    expect(screen.getByTestId('capacity-max').textContent).toContain('4');
    expect(screen.getByTestId('capacity-max').textContent).toContain('from this machine’s cores and memory');
    expect(screen.getByTestId('capacity-memory').textContent).toContain('6.0 GiB');
    expect(screen.getByTestId('capacity-memory').textContent).toContain('new runs wait below 512 MiB');
    expect(screen.queryByTestId('memory-shedding')).toBeNull();
    expect((screen.getByLabelText('Agents at once per user') as HTMLInputElement).value).toBe('2');

    const rows = within(screen.getByRole('table', { name: 'Agents per user' }))
      .getAllByRole('row')
      .map((r) => Array.from(r.children).map((c) => c.textContent));
    expect(rows).toEqual([
      ['User', 'Running', 'Chats', 'Queued', 'Waiting for quota'],
      ['alice', '1', '0', '1', '0'],
      ['bob', '0', '1', '1', '1'],
    ]);

    const runs = within(screen.getByRole('list', { name: 'Running and waiting runs' })).getAllByRole('listitem');
    expect(runs.map((r) => within(r).getByRole('link').textContent)).toEqual(['Add search', 'Add export', 'Fix login', 'Ship it']);
    expect(within(runs[0]!).getByRole('link').getAttribute('href')).toBe('/projects/3/tasks/50');
    expect(runs[0]!.textContent).toContain('Running');
    expect(runs[1]!.textContent).toContain('Next to start');
    expect(runs[2]!.textContent).toContain('Queued · 2nd');
    expect(runs[2]!.textContent).toContain('a deleted user');
    expect(runs[2]!.textContent).toContain('waits: its user runs as many agents as the per-user limit allows');
    expect(runs[1]!.textContent).toContain('waits: every slot of the server is taken');
    expect(runs[3]!.textContent).toContain('Waiting for quota');
    expect(runs[3]!.textContent).toContain(`resumes at ${resumeTime('2030-01-01T15:04:00.000Z')}`);
  });

  it('says when BOTTEGA_MAX_RUNNING sets the limit, and warns while new runs wait for memory', async () => {
    serve([{ ...picture, maxRunningSource: 'config', memory: { availableMb: 300, thresholdMb: 512, shedding: true } }]);
    expect((await screen.findByTestId('capacity-max')).textContent).toContain('set by BOTTEGA_MAX_RUNNING');
    const notice = screen.getByTestId('memory-shedding');
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('New runs wait: memory is below 512 MiB');
    expect(notice.textContent).toContain('300 MiB available');
  });

  it('says when the limit is the cluster’s agent nodes together', async () => {
    serve([{ ...picture, maxRunning: 9, maxRunningSource: 'cluster' }]);
    const max = await screen.findByTestId('capacity-max');
    expect(max.textContent).toContain('9');
    expect(max.textContent).toContain('the slots of the cluster’s agent nodes together');
  });

  it('says so when nothing runs or waits', async () => {
    serve([{ ...picture, running: 0, queued: 0, waitingForQuota: 0, users: [], runs: [] }]);
    expect(await screen.findByText('Nobody has an agent running or waiting.')).toBeTruthy();
    expect(screen.getByText('No agent run is running or waiting.')).toBeTruthy();
  });

  it('saves the per-user limit and says Saved.', async () => {
    const puts = serve([picture]);
    const input = (await screen.findByLabelText('Agents at once per user')) as HTMLInputElement;
    const save = screen.getByRole('button', { name: 'Save limit' });
    expect(save.hasAttribute('disabled')).toBe(true);
    fireEvent.change(input, { target: { value: '3' } });
    fireEvent.click(save);
    await waitFor(() => expect(puts).toEqual([{ perUserLimit: 3 }]));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(input.value).toBe('3');
  });

  it('refuses a figure out of range before sending it', async () => {
    const puts = serve([picture]);
    const input = await screen.findByLabelText('Agents at once per user');
    fireEvent.change(input, { target: { value: '0' } });
    expect(screen.getByText('A whole number from 1 to 256.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save limit' }).hasAttribute('disabled')).toBe(true);
    expect(puts).toEqual([]);
  });

  it.each([
    [400, 'VALIDATION_FAILED', 'perUserLimit: Number must be less than or equal to 256'],
    [403, 'FORBIDDEN', 'administrators only'],
  ])('shows the server’s %i on the form', async (status, code, message) => {
    serve([picture], () => json({ error: { code, message } }, status));
    fireEvent.change(await screen.findByLabelText('Agents at once per user'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save limit' }));
    expect((await screen.findByRole('alert')).textContent).toBe(message);
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('reads the picture again every few seconds while open', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    serve([picture, { ...picture, running: 3, queued: 0 }]);
    expect((await screen.findByTestId('capacity-panel')).textContent).toContain('1 running');
    await vi.advanceTimersByTimeAsync(CAPACITY_REFRESH_MS + 50);
    await waitFor(() => expect(screen.getByTestId('capacity-panel').textContent).toContain('3 running'));
  });
});

describe('memoryText', () => {
  it('says MiB below a GiB and GiB with one decimal above', () => {
    expect([300, 1024, 1536, 16 * 1024].map(memoryText)).toEqual(['300 MiB', '1.0 GiB', '1.5 GiB', '16.0 GiB']);
  });
});
