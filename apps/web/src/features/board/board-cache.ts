// The board's server state in the query cache: the column and active-runs
// queries, and the event reducer (registered when this module loads) that
// makes cards move by themselves — a task created, updated or deleted
// anywhere lands at the top of its new column in every cached page set.
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import type { AgentRunDto, TaskDto, TaskStatus } from '@bottega/protocol';
import { taskStatuses } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import {
  applyRunUpdate,
  COLUMN_PAGE_SIZE,
  findInColumns,
  isStale,
  patchInColumn,
  placeInColumn,
  removeFromColumn,
  type ColumnData,
} from './columns';

export function useTaskColumn(projectId: number, status: TaskStatus) {
  return useInfiniteQuery({
    queryKey: keys.taskColumn(projectId, status),
    queryFn: ({ pageParam, signal }) =>
      api.get('/api/projects/:projectId/tasks', {
        params: { projectId },
        query: { status, limit: COLUMN_PAGE_SIZE, cursor: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function activeRunsQuery(projectId: number) {
  return {
    queryKey: keys.activeRuns(projectId),
    queryFn: async ({ signal }: { signal: AbortSignal }) =>
      (await api.get('/api/projects/:projectId/active-runs', { params: { projectId }, signal })).runs,
  };
}

export function useActiveRuns(projectId: number) {
  return useQuery(activeRunsQuery(projectId));
}

function columnsOf(qc: QueryClient, projectId: number): (ColumnData | undefined)[] {
  return taskStatuses.map((s) => qc.getQueryData<ColumnData>(keys.taskColumn(projectId, s)));
}

/** Puts a task where it now belongs on its project's board (ignoring news older than the board's copy). */
export function placeTaskOnBoard(qc: QueryClient, task: TaskDto, opts: { force?: boolean } = {}): void {
  if (!opts.force && isStale(findInColumns(columnsOf(qc, task.projectId), task.id), task)) return;
  for (const s of taskStatuses) qc.setQueryData<ColumnData>(keys.taskColumn(task.projectId, s), (data) => placeInColumn(data, s, task));
}

export function removeTaskFromBoard(qc: QueryClient, projectId: number, taskId: number): void {
  for (const s of taskStatuses) qc.setQueryData<ColumnData>(keys.taskColumn(projectId, s), (data) => removeFromColumn(data, taskId));
}

onServerEvent((qc, event) => {
  switch (event.type) {
    case 'task.created':
    case 'task.updated':
      placeTaskOnBoard(qc, event.task);
      break;
    case 'task.deleted':
      removeTaskFromBoard(qc, event.projectId, event.taskId);
      break;
    case 'task.blocked':
      for (const s of taskStatuses) {
        qc.setQueryData<ColumnData>(keys.taskColumn(event.projectId, s), (data) =>
          patchInColumn(data, event.taskId, (t) => ({ ...t, workflowBlocked: true, blockReason: event.reason })),
        );
      }
      break;
    case 'agent-run.updated':
      qc.setQueryData<AgentRunDto[]>(keys.activeRuns(event.projectId), (runs) => applyRunUpdate(runs, event.run));
      break;
    default:
      break;
  }
});
