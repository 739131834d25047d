// A board card's pure facts: why a task needs its user,
// list-only facts surviving events, and the column counts moving.
import { describe, expect, it } from 'vitest';
import type { TaskBoardFactsDto } from '@bottega/protocol';
import { buildRun, buildTask } from './board-fixtures';
import { needsYou, patchFacts, shiftCounts, withBoardFacts } from './card-facts';

const facts = (over: Partial<TaskBoardFactsDto> = {}): TaskBoardFactsDto => ({
  creatorName: 'alice',
  usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  questionWaiting: false,
  workStarted: false,
  ...over,
});
const reasons = (...args: Parameters<typeof needsYou>) => needsYou(...args).map((n) => n.reason);

describe('needsYou', () => {
  it('names a plan to approve until another role has run, never on a YOLO or completed task', () => {
    const planned = buildTask(1, 'in_progress', { planificationComplete: true, board: facts() });
    expect(reasons(planned, undefined)).toEqual(['plan']);
    expect(reasons({ ...planned, board: facts({ workStarted: true }) }, undefined)).toEqual([]);
    expect(reasons({ ...planned, yoloMode: true }, undefined)).toEqual([]);
    expect(reasons({ ...planned, status: 'completed' }, undefined)).toEqual([]);
    // Without the list's facts the gate is unknown: no guess.
    expect(reasons({ ...planned, board: undefined }, undefined)).toEqual([]);
  });

  it('shows a waiting question even while the agent runs, and the end states only when none runs', () => {
    const task = buildTask(2, 'in_progress', {
      workflowBlocked: true,
      blockReason: 'max_iterations',
      board: facts({ questionWaiting: true }),
    });
    expect(reasons(task, buildRun(9, 2, 'running'))).toEqual(['question']);
    expect(needsYou(task, undefined)).toMatchObject([{ reason: 'question' }, { reason: 'blocked', detail: 'max_iterations' }]);
  });

  it('marks a pull request ready once the PR agent is done, not a closed one', () => {
    const pr = buildTask(3, 'in_review', {
      prUrl: 'https://github.com/o/r/pull/1',
      prAgentComplete: true,
      board: facts({ workStarted: true }),
    });
    expect(reasons(pr, undefined)).toEqual(['pr']);
    expect(reasons({ ...pr, prClosed: true }, undefined)).toEqual([]);
    expect(reasons({ ...pr, status: 'completed' }, undefined)).toEqual([]);
  });
});

describe('card facts', () => {
  it("keeps the board copy's facts when an event's task carries none, and patches them in place", () => {
    const cached = buildTask(1, 'pending', { board: facts() });
    const incoming = buildTask(1, 'in_progress');
    expect(withBoardFacts(incoming, cached).board).toEqual(facts());
    const fresh = buildTask(1, 'in_progress', { board: facts({ creatorName: 'bob' }) });
    expect(withBoardFacts(fresh, cached).board?.creatorName).toBe('bob');
    expect(patchFacts(cached, { questionWaiting: true }).board?.questionWaiting).toBe(true);
    expect(patchFacts(incoming, { questionWaiting: true })).toBe(incoming);
  });

  it('moves one task between the per-status counts', () => {
    const counts = { pending: 2, in_progress: 1, in_review: 0, completed: 0 };
    expect(shiftCounts(counts, 'pending', 'in_progress')).toEqual({ pending: 1, in_progress: 2, in_review: 0, completed: 0 });
    expect(shiftCounts(counts, null, 'in_review')).toEqual({ pending: 2, in_progress: 1, in_review: 1, completed: 0 });
    expect(shiftCounts(counts, 'pending', null)).toEqual({ pending: 1, in_progress: 1, in_review: 0, completed: 0 });
    expect(shiftCounts(counts, 'pending', 'pending')).toBe(counts);
  });
});
