// Board `/projects/:projectId`: the project's tasks in four columns, newest
// first, moving by themselves as server events arrive (see board-cache.ts).
// Moving a card (drag, or the card's status select) is applied at once and
// rolled back if the server refuses (a full column, an agent running: its
// message is shown above the board). Column counts are the project's
// per-status counts, moved along with the cards, against each column's
// limit when it has one.
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Plus } from 'lucide-react';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { wipLimitOf, type ProjectDto, type TaskDto, type TaskStatus } from '@bottega/protocol';
import { api, isApiError } from '../../lib/api';
import { keys } from '../../lib/keys';
import { useProjectSubscriptions } from '../../lib/live';
import { paths, useIdParam, useRedirectWhenMissing } from '../../lib/routing';
import { Button, ErrorState, InlineError, LiveDot, PageHeader } from '../../ui';
import { placeTaskOnBoard, useActiveRuns } from './board-cache';
import { BoardColumn, type ColumnActions } from './board-column';
import { boardColumns, runsByTask } from './columns';
import { CreateTaskDialog, EditTaskDialog } from './task-dialogs';
import { useWipLimits } from '../dashboard/column-limits';

export function Component() {
  const projectId = useIdParam('projectId');
  const project = useQuery({
    queryKey: keys.project(projectId ?? 0),
    queryFn:
      projectId === null
        ? skipToken
        : async ({ signal }) => (await api.get('/api/projects/:projectId', { params: { projectId }, signal })).project,
  });
  useRedirectWhenMissing(projectId, project.error, paths.dashboard());
  if (projectId === null || isApiError(project.error, 'NOT_FOUND') || isApiError(project.error, 'FORBIDDEN')) return null;
  if (project.isError) return <ErrorState error={project.error} retry={() => void project.refetch()} />;
  // The columns load alongside the project itself: no waterfall on the way to the first cards.
  return <Board projectId={projectId} project={project.data} />;
}

function Board({ projectId, project }: { projectId: number; project: ProjectDto | undefined }) {
  const qc = useQueryClient();
  useProjectSubscriptions([projectId]);
  const runs = useActiveRuns(projectId);
  const limits = useWipLimits(projectId);
  // Stable between renders, so a column that re-renders (a page loaded, a task moved) re-renders only the cards that changed.
  const byTask = useMemo(() => runsByTask(runs.data), [runs.data]);
  const [creating, setCreating] = useState(false);
  // `?new=task` opens New task too: the `c` shortcut (docs/behaviour/web-app.md#keyboard-shortcuts).
  const [params, setParams] = useSearchParams();
  const askedByUrl = params.get('new') === 'task';
  const closeCreate = () => {
    setCreating(false);
    if (!askedByUrl) return;
    setParams(
      (p) => {
        p.delete('new');
        return p;
      },
      { replace: true },
    );
  };
  const [editing, setEditing] = useState<TaskDto | null>(null);

  const move = useMutation({
    mutationFn: ({ task, to }: { task: TaskDto; to: TaskStatus }) =>
      api.patch('/api/tasks/:taskId', { params: { taskId: task.id }, body: { status: to } }),
    onMutate: ({ task, to }) => placeTaskOnBoard(qc, { ...task, status: to }, { force: true }),
    onSuccess: ({ task }) => {
      placeTaskOnBoard(qc, task);
      void qc.invalidateQueries({ queryKey: keys.projects });
    },
    onError: () => {
      void qc.invalidateQueries({ queryKey: keys.taskColumns(projectId) });
      void qc.invalidateQueries({ queryKey: keys.project(projectId), exact: true });
    },
  });
  const { mutate } = move;
  const actions: ColumnActions = useMemo(() => ({ onMove: (task, to) => mutate({ task, to }), onEdit: setEditing }), [mutate]);

  return (
    <div>
      <PageHeader
        crumbs={
          <Link to={paths.dashboard()} className="hover:underline">
            Projects
          </Link>
        }
        title={
          <span className="flex items-center gap-2">
            {project?.name ?? <span className="inline-block h-7 w-40 animate-pulse rounded bg-stone-200" aria-label="Loading project" />}
            {byTask.size > 0 && <LiveDot label={`${byTask.size} agent${byTask.size === 1 ? '' : 's'} working`} />}
          </span>
        }
      >
        <Button variant="primary" onClick={() => setCreating(true)}>
          <Plus aria-hidden="true" size={16} />
          New task
        </Button>
      </PageHeader>
      <p className="-mt-3 mb-4 h-4 truncate text-xs text-stone-500" title={project?.repoPath}>
        {project?.repoPath}
        {project?.subprojectPath ? ` › ${project.subprojectPath}` : ''}
      </p>
      {move.isError && (
        <div className="mb-3">
          <InlineError error={move.error} />
        </div>
      )}
      <div
        className="-mx-3 grid snap-x snap-mandatory auto-cols-[85%] grid-flow-col gap-3 overflow-x-auto px-3 pb-2 sm:auto-cols-[45%] md:mx-0 md:grid-flow-row md:grid-cols-4 md:overflow-visible md:px-0"
        data-testid="board"
      >
        {boardColumns.map((c) => (
          <BoardColumn
            key={c.status}
            projectId={projectId}
            status={c.status}
            runs={byTask}
            actions={actions}
            count={project?.taskCounts[c.status]}
            limit={wipLimitOf(limits.data, c.status)}
          />
        ))}
      </div>
      {(creating || askedByUrl) && <CreateTaskDialog projectId={projectId} onClose={closeCreate} />}
      {editing && <EditTaskDialog task={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
