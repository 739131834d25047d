// A run that waits, on the task page: a queued run shows its place in line and why, a run waiting
// for its provider's usage limit shows when it goes on — neither with a spinner — each with a
// Cancel that is disabled while it is sent and shows the server's refusal; `runs.queue` and
// `agent-run.updated` events move the place and end the wait live.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { AgentRunDto, RunQueueDto, TaskDto } from '@bottega/protocol';
import { keys } from '../../lib/keys';
import { applyServerEvent } from '../../lib/live';
import { resumeTime } from '../../lib/queue-words';
import { AgentSection } from './agent-section';
import { useTaskRuns } from './task-data';
import { makeRun, makeTask } from './task-fixtures';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The section as the task page shows it: its runs read from the cache the events update. */
function Live({ task }: { task: TaskDto }) {
  const runs = useTaskRuns(task.id);
  return <AgentSection task={task} runs={runs.data ?? []} />;
}

function renderLive(task: TaskDto, runs: AgentRunDto[]) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  qc.setQueryData(keys.taskRuns(task.id), runs);
  qc.setQueryData(keys.taskConversations(task.id), []);
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <Live task={task} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return qc;
}

const planned = makeTask({ planificationComplete: true });
const plan = makeRun(1, 'planification', 'completed');
const place = (position: number | null, reason: RunQueueDto['reason'] = 'global_limit', resumeAt: string | null = null): RunQueueDto => ({
  position,
  reason,
  resumeAt,
});
const banner = () => screen.getByRole('region', { name: 'What next' });

describe('a waiting run on the task page', () => {
  it('shows a queued run with its place and reason, without a spinner, and its role button disabled', () => {
    renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { conversationId: null, queue: place(3) })]);
    expect(banner().textContent).toContain('The implementation agent is queued.');
    expect(screen.getByTestId('queue-place').textContent).toBe('Queued · 3 in line — the server is running as many agents as it may');
    expect(banner().querySelector('.animate-spin')).toBeNull();
    expect(screen.getByRole('list', { name: 'Pipeline' }).querySelector('[data-stage="implement"]')?.getAttribute('data-state')).toBe(
      'current',
    );
    const button = screen.getByRole('button', { name: 'Implementation: Queued' });
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(within(screen.getByTestId('agent-implementation')).getByText('Waiting to start')).toBeTruthy();
  });

  it('says "Next to start" for the first in line, and the user limit as the reason', () => {
    renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { queue: place(1, 'user_limit') })]);
    expect(screen.getByTestId('queue-place').textContent).toBe('Next to start — you already have as many agents running as you may');
  });

  it('shows a run waiting for its quota with the reset time, saying it goes on by itself', () => {
    const resumeAt = '2030-01-01T15:04:00.000Z';
    renderLive(planned, [plan, makeRun(2, 'review', 'waiting_for_quota', { queue: place(null, 'quota', resumeAt) })]);
    expect(banner().textContent).toContain('The review agent waits for its usage limit.');
    expect(screen.getByTestId('queue-place').textContent).toBe(
      `Waiting for the usage limit to reset at ${resumeTime(resumeAt)} — it goes on by itself`,
    );
    expect(screen.getByRole('button', { name: 'Review: Waiting' }).hasAttribute('disabled')).toBe(true);
    expect(banner().querySelector('.animate-spin')).toBeNull();
  });

  it('cancels the run: the button is disabled while the request is out, then the cancelled run replaces the wait', async () => {
    let release: () => void = () => {};
    const cancelled = makeRun(2, 'implementation', 'failed', { failureReason: 'cancelled before it started' });
    const calls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push(`${init.method ?? 'GET'} ${url}`);
        if (url === '/api/agent-runs/2/cancel') await new Promise<void>((r) => (release = r));
        return new Response(JSON.stringify(url.includes('cancel') ? { run: cancelled } : { task: planned }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }),
    );
    renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { queue: place(2) })]);
    fireEvent.click(within(banner()).getByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(calls).toContain('POST /api/agent-runs/2/cancel'));
    const pending = within(banner()).getByRole('button', { name: /Cancel run/ });
    expect(pending.hasAttribute('disabled')).toBe(true);
    expect(pending.getAttribute('aria-busy')).toBe('true');
    act(() => release());
    await waitFor(() => expect(banner().textContent).toContain('The implementation run was cancelled.'));
    expect(banner().textContent).toContain('It was cancelled before it started.');
    expect(within(banner()).getByRole('button', { name: 'Run implementation again' })).toBeTruthy();
  });

  it("shows the server's refusal to cancel", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'CONFLICT', message: 'the run has already started' } }), {
            status: 409,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { queue: place(2) })]);
    fireEvent.click(within(banner()).getByRole('button', { name: 'Cancel run' }));
    expect((await screen.findByRole('alert')).textContent).toBe('the run has already started');
    expect(within(banner()).getByRole('button', { name: 'Cancel run' }).hasAttribute('disabled')).toBe(false);
  });

  it('moves up the line on runs.queue, and works once agent-run.updated says it runs', async () => {
    const qc = renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { queue: place(3) })]);
    act(() => applyServerEvent(qc, { type: 'runs.queue', projectId: 3, queue: { 2: place(1), 99: place(2) } }));
    await waitFor(() => expect(screen.getByTestId('queue-place').textContent).toContain('Next to start'));
    act(() =>
      applyServerEvent(qc, {
        type: 'agent-run.updated',
        projectId: 3,
        taskId: 7,
        run: makeRun(2, 'implementation', 'running'),
      }),
    );
    await waitFor(() => expect(banner().textContent).toContain('The implementation agent is working.'));
    expect(screen.queryByTestId('queue-place')).toBeNull();
  });

  it('says a run already waits when the server refuses another run on the task', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'RUN_IN_PROGRESS', message: 'a run is already live on this task' } }), {
            status: 409,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    renderLive(planned, [plan, makeRun(2, 'implementation', 'queued', { queue: place(2) })]);
    fireEvent.click(screen.getByRole('button', { name: 'Review: Run' }));
    expect((await screen.findByTestId('busy-notice')).textContent).toContain('This task already has a run waiting to go on.');
  });
});
