// One board column (an infinite query of its tasks, newest first, with "Load
// more") and its task cards. Cards drag to other columns (native HTML5 drag
// and drop) and carry a status select for screens without drag.
import { useState, type DragEvent, type MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AgentRunDto, TaskDto, TaskStatus } from '@bottega/protocol';
import { taskStatuses } from '@bottega/protocol';
import { paths } from '../../lib/routing';
import { Badge, Button, ErrorState, LiveDot, Spinner } from '../../ui';
import { useTaskColumn } from './board-cache';
import { columnLabels, columnTasks } from './columns';

/** The drag payload type: the task id and the column it came from. */
export const DRAG_TYPE = 'application/x-bottega-task';

export interface ColumnActions {
  /** Moves a task to another status (drag and drop, or the card's select). */
  onMove: (task: TaskDto, to: TaskStatus) => void;
  onEdit: (task: TaskDto) => void;
}

export function BoardColumn({
  projectId,
  status,
  runs,
  actions,
}: {
  projectId: number;
  status: TaskStatus;
  runs: ReadonlyMap<number, AgentRunDto>;
  actions: ColumnActions;
}) {
  const column = useTaskColumn(projectId, status);
  const [over, setOver] = useState(false);
  const tasks = columnTasks(column.data);
  const label = columnLabels[status];

  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (!over) setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    setOver(false);
    const raw = e.dataTransfer.getData(DRAG_TYPE);
    if (!raw) return;
    e.preventDefault();
    const dragged = JSON.parse(raw) as { task: TaskDto };
    if (dragged.task.status !== status) actions.onMove(dragged.task, status);
  };

  return (
    <section
      aria-label={label}
      data-column={status}
      onDragOver={onDragOver}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={onDrop}
      className={`flex min-h-40 snap-start flex-col rounded-xl border p-2 transition-colors ${over ? 'border-indigo-400 bg-indigo-50' : 'border-stone-200 bg-stone-100'}`}
    >
      <h2 className="flex items-center justify-between px-1 pb-2 text-sm font-semibold text-stone-700">
        <span>{label}</span>
        {column.isFetching && !column.isFetchingNextPage ? (
          <Spinner small />
        ) : (
          <span className="text-xs font-normal text-stone-500">
            {tasks.length}
            {column.hasNextPage ? '+' : ''}
          </span>
        )}
      </h2>
      {column.isPending ? (
        <div className="flex justify-center p-4 text-stone-400">
          <Spinner small />
        </div>
      ) : column.isError ? (
        <ErrorState error={column.error} retry={() => void column.refetch()} />
      ) : (
        <>
          {tasks.length === 0 && <p className="px-1 py-3 text-center text-xs text-stone-500">No tasks</p>}
          <ul className="flex flex-col gap-2">
            {tasks.map((t) => (
              <li key={t.id}>
                <TaskCard task={t} run={runs.get(t.id)} actions={actions} />
              </li>
            ))}
          </ul>
          {column.hasNextPage && (
            <Button variant="ghost" className="mt-2 w-full" busy={column.isFetchingNextPage} onClick={() => void column.fetchNextPage()}>
              Load more
            </Button>
          )}
        </>
      )}
    </section>
  );
}

const agentLabels: Record<AgentRunDto['agentType'], string> = {
  planification: 'Planning',
  implementation: 'Implementing',
  review: 'Reviewing',
  refinement: 'Refining',
  pr: 'Opening PR',
  yolo: 'YOLO agent',
};

export function TaskCard({ task, run, actions }: { task: TaskDto; run: AgentRunDto | undefined; actions: ColumnActions }) {
  const navigate = useNavigate();
  const href = paths.task(task.projectId, task.id);
  const open = (e: MouseEvent) => {
    if ((e.target as HTMLElement).closest('a,button,select,label')) return;
    void navigate(href);
  };
  return (
    <article
      draggable
      data-task-id={task.id}
      aria-label={task.title}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, JSON.stringify({ task }));
        e.dataTransfer.setData('text/plain', task.title);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onClick={open}
      className="cursor-pointer rounded-lg border border-stone-200 bg-white p-2.5 shadow-sm hover:border-indigo-300"
    >
      <div className="flex items-start gap-2">
        <Link to={href} draggable={false} className="min-w-0 flex-1 break-words text-sm font-medium text-stone-900 hover:underline">
          {task.title}
        </Link>
        {run && <LiveDot label={`${agentLabels[run.agentType]} agent ${run.status === 'pending' ? 'queued' : 'running'}`} />}
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-1.5">
        {run && (
          <Badge tone="green" title={`${run.agentType} run ${run.status}`}>
            {agentLabels[run.agentType]}
            {run.status === 'pending' ? ' (queued)' : ''}
          </Badge>
        )}
        {task.workflowBlocked && (
          <Badge tone="red" title={task.blockReason ?? 'Blocked (no reason given)'}>
            Blocked
          </Badge>
        )}
        {task.yoloMode && <Badge tone="amber">YOLO</Badge>}
        <span className="ml-auto flex items-center gap-1">
          <select
            aria-label={`Status of ${task.title}`}
            value={task.status}
            onChange={(e) => actions.onMove(task, e.target.value as TaskStatus)}
            className="rounded border border-stone-200 bg-white px-1 py-0.5 text-xs text-stone-600"
          >
            {taskStatuses.map((s) => (
              <option key={s} value={s}>
                {columnLabels[s]}
              </option>
            ))}
          </select>
          <button
            type="button"
            aria-label={`Edit ${task.title}`}
            title="Edit"
            className="rounded px-1.5 text-stone-500 hover:bg-stone-100"
            onClick={() => actions.onEdit(task)}
          >
            ⋯
          </button>
        </span>
      </div>
    </article>
  );
}
