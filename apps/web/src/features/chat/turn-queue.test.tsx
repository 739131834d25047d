// A chat turn waiting for a run slot: `turn.queued` with a place shows "Waiting for a free agent
// slot — n in line" for that conversation only, the place moves with the next event, and
// `streaming.started` (or a `turn.queued` without a queue) ends the wait. An agent run's
// conversation whose run waits says why and until when, and nothing once it runs.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { AgentRunDto, ServerEvent } from '@bottega/protocol';
import { applyServerEvent } from '../../lib/live';
import { resumeTime } from '../../lib/queue-words';
import { RunWaitNotice, turnQueueText, TurnQueueNotice, useTurnQueue } from './turn-queue';
import { makeRun } from '../task/task-fixtures';

afterEach(cleanup);

function Shown({ conversationId }: { conversationId: number }) {
  const queue = useTurnQueue(conversationId);
  return queue ? <TurnQueueNotice queue={queue} /> : <p>no wait</p>;
}

async function emit(qc: QueryClient, event: ServerEvent) {
  await act(async () => {
    applyServerEvent(qc, event);
    await new Promise((r) => setTimeout(r, 0));
  });
}

const at = { projectId: 1, taskId: 2, conversationId: 30 };

describe('a chat turn waiting for a slot', () => {
  it('says so with its place until the turn streams', async () => {
    const qc = new QueryClient();
    render(
      <QueryClientProvider client={qc}>
        <Shown conversationId={30} />
      </QueryClientProvider>,
    );
    expect(screen.getByText('no wait')).toBeTruthy();
    await emit(qc, { type: 'turn.queued', ...at, conversationId: 31, queue: { position: 1, reason: 'global_limit', resumeAt: null } });
    expect(screen.getByText('no wait')).toBeTruthy();
    await emit(qc, { type: 'turn.queued', ...at, queue: { position: 3, reason: 'global_limit', resumeAt: null } });
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain('Waiting for a free agent slot — 3 in line');
    expect(notice.textContent).toContain('the server is running as many agents as it may');
    await emit(qc, { type: 'turn.queued', ...at, queue: { position: 1, reason: 'user_limit', resumeAt: null } });
    expect(screen.getByRole('status').textContent).toContain('Waiting for a free agent slot — next in line');
    await emit(qc, { type: 'streaming.started', ...at });
    expect(screen.getByText('no wait')).toBeTruthy();
    await emit(qc, { type: 'turn.queued', ...at, queue: { position: 2, reason: 'memory', resumeAt: null } });
    expect(screen.getByRole('status')).toBeTruthy();
    await emit(qc, { type: 'turn.queued', ...at, queue: null });
    expect(screen.getByText('no wait')).toBeTruthy();
  });

  it('words the place', () => {
    expect(turnQueueText({ position: 4, reason: 'global_limit', resumeAt: null })).toBe('Waiting for a free agent slot — 4 in line');
    expect(turnQueueText({ position: null, reason: 'memory', resumeAt: null })).toBe('Waiting for a free agent slot');
  });
});

describe("an agent run's conversation whose run waits", () => {
  const show = (run: AgentRunDto) =>
    render(
      <MemoryRouter>
        <RunWaitNotice run={run} taskHref="/projects/3/tasks/7" />
      </MemoryRouter>,
    );

  it('says when a run waiting for its quota goes on, and where to cancel it', () => {
    const resumeAt = '2030-01-01T15:04:00.000Z';
    show(makeRun(2, 'review', 'waiting_for_quota', { queue: { position: null, reason: 'quota', resumeAt } }));
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain(`Waiting for the usage limit to reset at ${resumeTime(resumeAt)} — it goes on by itself`);
    expect(screen.getByRole('link', { name: 'Cancel it from its task' }).getAttribute('href')).toBe('/projects/3/tasks/7');
  });

  it('says nothing once the run runs', () => {
    show(makeRun(2, 'review', 'running'));
    expect(screen.queryByRole('status')).toBeNull();
  });
});
