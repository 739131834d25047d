// The board's cache logic, kept pure: the four columns, flattening a column's
// pages, and placing / removing a task across the cached column pages when a
// server event (or our own mutation) says it changed. The server orders each
// column by updated_at desc, so a task that changed goes to the top.
import type { InfiniteData } from '@tanstack/react-query';
import type { AgentRunDto, TaskDto, TaskPageDto, TaskStatus } from '@bottega/protocol';
import { isLiveRunStatus, taskColumnLabels, taskStatuses } from '@bottega/protocol';

export type ColumnData = InfiniteData<TaskPageDto>;

export const columnLabels: Record<TaskStatus, string> = taskColumnLabels;

export const boardColumns: readonly { status: TaskStatus; label: string }[] = taskStatuses.map((status) => ({
  status,
  label: columnLabels[status],
}));

/** Tasks fetched per column page; the first page bounds the board's first paint. */
export const COLUMN_PAGE_SIZE = 50;

/** The column's tasks in order; a task seen twice (moved while paging) shows once. */
export function columnTasks(data: ColumnData | undefined): TaskDto[] {
  if (!data) return [];
  const seen = new Set<number>();
  const out: TaskDto[] = [];
  for (const page of data.pages) {
    for (const t of page.tasks) {
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      out.push(t);
    }
  }
  return out;
}

export function findTask(data: ColumnData | undefined, taskId: number): TaskDto | undefined {
  for (const page of data?.pages ?? []) {
    const t = page.tasks.find((x) => x.id === taskId);
    if (t) return t;
  }
  return undefined;
}

/** The column without the task (same object when it was not there). */
export function removeFromColumn(data: ColumnData | undefined, taskId: number): ColumnData | undefined {
  if (!data || !findTask(data, taskId)) return data;
  return {
    ...data,
    pages: data.pages.map((p) => (p.tasks.some((t) => t.id === taskId) ? { ...p, tasks: p.tasks.filter((t) => t.id !== taskId) } : p)),
  };
}

/**
 * The column after `task` changed: removed when it belongs to another
 * column, otherwise at the top of the first page. An unloaded column stays
 * unloaded (it will fetch fresh when shown).
 */
export function placeInColumn(data: ColumnData | undefined, status: TaskStatus, task: TaskDto): ColumnData | undefined {
  const without = removeFromColumn(data, task.id);
  if (!without || task.status !== status) return without;
  const [first, ...rest] = without.pages;
  if (!first) return { ...without, pages: [{ tasks: [task], nextCursor: null, maxIterations: 0 }], pageParams: [null] };
  return { ...without, pages: [{ ...first, tasks: [task, ...first.tasks] }, ...rest] };
}

/** The instance's cap on runs per task, as the column's first page reported it (null before it loaded). */
export function columnMaxIterations(data: ColumnData | undefined): number | null {
  return data?.pages[0]?.maxIterations || null;
}

/** The cached copy of a task in any column, to tell a stale event from a fresh one. */
export function findInColumns(columns: readonly (ColumnData | undefined)[], taskId: number): TaskDto | undefined {
  for (const c of columns) {
    const t = findTask(c, taskId);
    if (t) return t;
  }
  return undefined;
}

/** True when `incoming` is older than what the board already shows (events can overtake replies). */
export function isStale(cached: TaskDto | undefined, incoming: TaskDto): boolean {
  return cached !== undefined && cached.updatedAt > incoming.updatedAt;
}

/** Applies a change to a task's fields in place, wherever it is (e.g. blocked). */
export function patchInColumn(data: ColumnData | undefined, taskId: number, patch: (t: TaskDto) => TaskDto): ColumnData | undefined {
  if (!data || !findTask(data, taskId)) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, tasks: p.tasks.map((t) => (t.id === taskId ? patch(t) : t)) })) };
}

/** The live runs list after a run changed: kept (newest first) while live, dropped once it ends. */
export function applyRunUpdate(runs: readonly AgentRunDto[] | undefined, run: AgentRunDto): AgentRunDto[] | undefined {
  if (!runs) return undefined;
  const others = runs.filter((r) => r.id !== run.id);
  if (!isLiveRunStatus(run.status)) return others.length === runs.length ? (runs as AgentRunDto[]) : others;
  const i = runs.findIndex((r) => r.id === run.id);
  if (i === -1) return [run, ...runs];
  const copy = runs.slice();
  copy[i] = run;
  return copy;
}

/** The live run per task (at most one per task by the server's rule). */
export function runsByTask(runs: readonly AgentRunDto[] | undefined): Map<number, AgentRunDto> {
  const map = new Map<number, AgentRunDto>();
  for (const r of runs ?? []) if (!map.has(r.taskId)) map.set(r.taskId, r);
  return map;
}
