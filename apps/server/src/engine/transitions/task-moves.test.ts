// The allowed status moves, written out by hand: every from × to pair for a
// task with no live run and a worktree, then the refusals (an agent running,
// a merged task, a full column).
import { taskStatuses, type TaskStatus } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { mergedAndCleanedUp, refusedMove } from './task-moves';

const roomy = { count: 0, limit: null };
const free = { liveRun: null, mergedAndCleanedUp: false, target: roomy };

describe('task status moves', () => {
  it('allows every move between the columns when no agent runs and the worktree is there', () => {
    for (const from of taskStatuses)
      for (const to of taskStatuses) expect([from, to, refusedMove(from, to, free)]).toEqual([from, to, null]);
  });

  it('refuses every real move while an agent runs, but not staying put', () => {
    const busy = { liveRun: 'review' as const, mergedAndCleanedUp: false, target: roomy };
    for (const from of taskStatuses)
      for (const to of taskStatuses) {
        const why = refusedMove(from, to, busy);
        if (from === to) expect(why).toBeNull();
        else expect(why).toMatch(/the review agent is running/);
      }
  });

  it('keeps a merged and cleaned-up task completed', () => {
    const merged = { liveRun: null, mergedAndCleanedUp: true, target: roomy };
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

  it('refuses a move into a full column, naming the column and its limit', () => {
    const full = { ...free, target: { count: 3, limit: 3 } };
    expect(refusedMove('in_progress', 'in_review', full)).toBe('the In Review column is full (3 of 3 tasks); finish or move one first');
    expect(refusedMove('pending', 'in_progress', { ...free, target: { count: 1, limit: 1 } })).toBe(
      'the In Progress column is full (1 of 1 task); finish or move one first',
    );
    // A limit lowered below what the column holds still keeps more out.
    expect(refusedMove('in_review', 'pending', { ...free, target: { count: 5, limit: 2 } })).toMatch(
      /Pending column is full \(5 of 2 tasks\)/,
    );
  });

  it('lets a task into a column below its limit, or with none', () => {
    expect(refusedMove('pending', 'in_progress', { ...free, target: { count: 2, limit: 3 } })).toBeNull();
    expect(refusedMove('pending', 'in_progress', { ...free, target: { count: 40, limit: null } })).toBeNull();
  });

  it('never refuses staying in a full column, and names a running agent before a full column', () => {
    const full = { count: 3, limit: 3 };
    for (const s of taskStatuses) expect(refusedMove(s, s, { ...free, target: full })).toBeNull();
    expect(refusedMove('pending', 'in_review', { liveRun: 'review', mergedAndCleanedUp: false, target: full })).toMatch(
      /the review agent is running/,
    );
  });
});
