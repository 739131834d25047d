// The allowed status moves, written out by hand: every from × to pair for a
// task with no live run and a worktree, then the two refusals.
import { taskStatuses, type TaskStatus } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { mergedAndCleanedUp, refusedMove } from './task-moves';

const free = { liveRun: null, mergedAndCleanedUp: false };

describe('task status moves', () => {
  it('allows every move between the columns when no agent runs and the worktree is there', () => {
    for (const from of taskStatuses)
      for (const to of taskStatuses) expect([from, to, refusedMove(from, to, free)]).toEqual([from, to, null]);
  });

  it('refuses every real move while an agent runs, but not staying put', () => {
    const busy = { liveRun: 'review' as const, mergedAndCleanedUp: false };
    for (const from of taskStatuses)
      for (const to of taskStatuses) {
        const why = refusedMove(from, to, busy);
        if (from === to) expect(why).toBeNull();
        else expect(why).toMatch(/the review agent is running/);
      }
  });

  it('keeps a merged and cleaned-up task completed', () => {
    const merged = { liveRun: null, mergedAndCleanedUp: true };
    const moves: [TaskStatus, boolean][] = [
      ['pending', false],
      ['in_progress', false],
      ['in_review', false],
      ['completed', true],
    ];
    for (const [to, allowed] of moves) expect([to, refusedMove('completed', to, merged) === null]).toEqual([to, allowed]);
  });

  it('knows a merged task by its branch kept and its worktree gone', () => {
    expect(mergedAndCleanedUp({ status: 'completed', branch_name: 'task/1-x', worktree_path: null })).toBe(true);
    expect(mergedAndCleanedUp({ status: 'completed', branch_name: 'task/1-x', worktree_path: '/w' })).toBe(false);
    expect(mergedAndCleanedUp({ status: 'completed', branch_name: null, worktree_path: null })).toBe(false);
    expect(mergedAndCleanedUp({ status: 'in_review', branch_name: 'task/1-x', worktree_path: null })).toBe(false);
  });
});
