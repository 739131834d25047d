// The board's server state in the query cache: the column and active-runs
// queries, and the event reducer (registered when this module loads) that
// makes cards move by themselves — a task created, updated or deleted
// anywhere lands at the top of its new column in every cached page set — and
// keeps what they show current: the column counts (the project's per-status
// counts), a question waiting, the plan gate passed, the usage after a run, a queued run's place.
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import type { AgentRunDto, ProjectDto, TaskBoardFactsDto, TaskDto, TaskStatus } from '@bottega/protocol';
import { isLiveRunStatus, taskStatuses } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent, withQueuePlaces } from '../../lib/live';
import { patchFacts, shiftCounts, withBoardFacts } from './card-facts';
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

/**
 * Puts a task where it now belongs on its project's board (ignoring news
 * older than the board's copy) and moves the column counts with it.
 * `created`: the task is new, so a board that does not hold it counts it.
 */
export function placeTaskOnBoard(qc: QueryClient, task: TaskDto, opts: { force?: boolean; created?: boolean } = {}): void {
  const cached = findInColumns(columnsOf(qc, task.projectId), task.id);
  if (!opts.force && isStale(cached, task)) return;
  moveTaskCount(qc, task.projectId, cached ? cached.status : opts.created ? null : undefined, task.status);
  const placed = withBoardFacts(task, cached);
  for (const s of taskStatuses) qc.setQueryData<ColumnData>(keys.taskColumn(task.projectId, s), (data) => placeInColumn(data, s, placed));
}

export function removeTaskFromBoard(qc: QueryClient, projectId: number, taskId: number): void {
  moveTaskCount(qc, projectId, findInColumns(columnsOf(qc, projectId), taskId)?.status, null);
  for (const s of taskStatuses) qc.setQueryData<ColumnData>(keys.taskColumn(projectId, s), (data) => removeFromColumn(data, taskId));
}

/**
 * The column counts (the project's per-status task counts) after a task moved
 * from one status to another (null: created / deleted). `undefined`: the
 * board does not hold the task, so the move is unknown and the project is
 * read again.
 */
function moveTaskCount(qc: QueryClient, projectId: number, from: TaskStatus | null | undefined, to: TaskStatus | null): void {
  if (from === undefined) {
    void qc.invalidateQueries({ queryKey: keys.project(projectId), exact: true });
    return;
  }
  qc.setQueryData<ProjectDto>(keys.project(projectId), (p) => (p ? { ...p, taskCounts: shiftCounts(p.taskCounts, from, to) } : p));
}

function patchTaskFacts(qc: QueryClient, projectId: number, taskId: number, patch: Partial<TaskBoardFactsDto>): void {
  for (const s of taskStatuses)
    qc.setQueryData<ColumnData>(keys.taskColumn(projectId, s), (data) => patchInColumn(data, taskId, (t) => patchFacts(t, patch)));
}

onServerEvent((qc, event) => {
  switch (event.type) {
    case 'task.created':
      placeTaskOnBoard(qc, event.task, { created: true });
      break;
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
    case 'question.asked':
      patchTaskFacts(qc, event.projectId, event.taskId, { questionWaiting: true });
      break;
    case 'question.answered':
      patchTaskFacts(qc, event.projectId, event.taskId, { questionWaiting: false });
      break;
    case 'agent-run.updated': {
      qc.setQueryData<AgentRunDto[]>(keys.activeRuns(event.projectId), (runs) => applyRunUpdate(runs, event.run));
      // Any role after the planner means the plan gate was passed.
      if (event.run.agentType !== 'planification') patchTaskFacts(qc, event.projectId, event.taskId, { workStarted: true });
      // A finished run changed the task's usage: read its column again (one statement for the page).
      const known = findInColumns(columnsOf(qc, event.projectId), event.taskId);
      if (known && !isLiveRunStatus(event.run.status))
        void qc.invalidateQueries({ queryKey: keys.taskColumn(event.projectId, known.status), exact: true });
      break;
    }
    case 'runs.queue':
      qc.setQueryData<AgentRunDto[]>(keys.activeRuns(event.projectId), (runs) => withQueuePlaces(runs, event.queue));
      break;
    default:
      break;
  }
});
