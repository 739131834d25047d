// The board's pure cache logic: flattening pages, placing a changed task in
// the right column (top of the first page), stale events, live runs.
import { describe, expect, it } from 'vitest';
import { buildRun, buildTask, pages } from './board-fixtures';
import {
  applyRunUpdate,
  boardColumns,
  columnTasks,
  findInColumns,
  isStale,
  patchInColumn,
  placeInColumn,
  removeFromColumn,
  runsByTask,
  type ColumnData,
} from './columns';

const ids = (d: ColumnData | undefined) => columnTasks(d).map((t) => t.id);

describe('board columns', () => {
  it('has the four columns in workflow order', () => {
    expect(boardColumns.map((c) => c.label)).toEqual(['Pending', 'In Progress', 'In Review', 'Completed']);
  });

  it('flattens a column across pages in server order, showing a task seen twice only once', () => {
    const data = pages([buildTask(9, 'pending'), buildTask(7, 'pending')], [buildTask(9, 'pending'), buildTask(3, 'pending')]);
    expect(ids(data)).toEqual([9, 7, 3]);
    expect(columnTasks(undefined)).toEqual([]);
  });

  it('moves a task that changed status out of its old column and to the top of the new one', () => {
    const pending = pages([buildTask(5, 'pending'), buildTask(4, 'pending')], [buildTask(2, 'pending')]);
    const progress = pages([buildTask(6, 'in_progress')]);
    const moved = buildTask(2, 'in_progress', { updatedAt: '2030-01-02T00:00:00.000Z' });
    const columns = { pending: placeInColumn(pending, 'pending', moved), in_progress: placeInColumn(progress, 'in_progress', moved) };
    expect(ids(columns.pending)).toEqual([5, 4]);
    expect(ids(columns.in_progress)).toEqual([2, 6]);
    expect(columns.in_progress?.pages[0]?.tasks[0]?.status).toBe('in_progress');
    // The untouched second page keeps its cursor so "Load more" still continues correctly.
    expect(columns.pending?.pages[1]).toEqual({ tasks: [], nextCursor: null, maxIterations: 25 });
    expect(columns.pending?.pageParams).toEqual(pending.pageParams);
  });

  it('puts an updated task of the same column on top, with its new fields, and a created one too', () => {
    const col = pages([buildTask(5, 'pending'), buildTask(4, 'pending')]);
    const renamed = placeInColumn(col, 'pending', buildTask(4, 'pending', { title: 'Renamed' }));
    expect(columnTasks(renamed).map((t) => [t.id, t.title])).toEqual([
      [4, 'Renamed'],
      [5, 'Task 5'],
    ]);
    expect(ids(placeInColumn(col, 'pending', buildTask(8, 'pending')))).toEqual([8, 5, 4]);
    expect(ids(placeInColumn(pages([]), 'pending', buildTask(8, 'pending')))).toEqual([8]);
  });

  it('leaves unloaded columns unloaded and columns without the task untouched', () => {
    expect(placeInColumn(undefined, 'pending', buildTask(1, 'pending'))).toBeUndefined();
    const col = pages([buildTask(5, 'completed')]);
    expect(placeInColumn(col, 'completed', buildTask(1, 'pending'))).toBe(col);
    expect(removeFromColumn(col, 99)).toBe(col);
  });

  it('removes a deleted task from whichever page holds it', () => {
    const col = pages([buildTask(5, 'pending')], [buildTask(3, 'pending'), buildTask(1, 'pending')]);
    expect(ids(removeFromColumn(col, 3))).toEqual([5, 1]);
  });

  it('tells an event older than the board copy from a newer one', () => {
    const cols = [pages([buildTask(5, 'pending', { updatedAt: '2030-01-05T00:00:00.000Z' })]), undefined];
    const cached = findInColumns(cols, 5);
    expect(cached?.id).toBe(5);
    expect(isStale(cached, buildTask(5, 'in_review', { updatedAt: '2030-01-04T00:00:00.000Z' }))).toBe(true);
    expect(isStale(cached, buildTask(5, 'in_review', { updatedAt: '2030-01-05T00:00:00.000Z' }))).toBe(false);
    expect(isStale(undefined, buildTask(5, 'in_review'))).toBe(false);
  });

  it('patches a blocked task in place', () => {
    const col = pages([buildTask(5, 'in_progress'), buildTask(4, 'in_progress')]);
    const blocked = patchInColumn(col, 4, (t) => ({ ...t, workflowBlocked: true, blockReason: 'needs a key' }));
    expect(columnTasks(blocked).map((t) => [t.id, t.workflowBlocked, t.blockReason])).toEqual([
      [5, false, null],
      [4, true, 'needs a key'],
    ]);
  });
});

describe('active runs', () => {
  it('adds a queued run, updates it when it starts, and drops it when it ends', () => {
    const queued = applyRunUpdate([], buildRun(1, 10, 'pending'));
    expect(queued?.map((r) => [r.id, r.status])).toEqual([[1, 'pending']]);
    const running = applyRunUpdate(queued, buildRun(1, 10, 'running'));
    expect(running?.map((r) => [r.id, r.status])).toEqual([[1, 'running']]);
    const two = applyRunUpdate(running, buildRun(2, 11, 'running'));
    expect(two?.map((r) => r.id)).toEqual([2, 1]);
    expect(applyRunUpdate(two, buildRun(1, 10, 'completed'))?.map((r) => r.id)).toEqual([2]);
    expect(applyRunUpdate(undefined, buildRun(1, 10, 'running'))).toBeUndefined();
    expect([...runsByTask(two).keys()].sort()).toEqual([10, 11]);
  });
});
