// One board column (an infinite query of its tasks, newest first, with "Load
// more", its live count in the header) and its task cards. A card shows what
// the task is doing and whether it waits for someone: the running role (or a
// queued run's place, a run waiting for its quota — calm, no spinner), the
// iteration against the cap, a "needs you" marker, the pull request (its CI
// state and round, conflicts, open review threads), usage so far and its
// creator. Cards drag to other columns (native HTML5 drag and drop) and carry
// a "Move" menu for screens without drag.
import { memo, useState, type DragEvent, type MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  ArrowRightLeft,
  CircleDollarSign,
  Clock,
  GitPullRequest,
  Hourglass,
  MessageSquare,
  Pencil,
  Repeat,
  TriangleAlert,
  UserRound,
} from 'lucide-react';
import type { AgentRunDto, TaskDto, TaskStatus } from '@bottega/protocol';
import { AGENT_LABELS, isWaitingRunStatus, iterationLabel, taskStatuses } from '@bottega/protocol';
import { queueMarker, queueSentence } from '../../lib/queue-words';
import { paths } from '../../lib/routing';
import { Badge, Button, ErrorState, LiveDot, Menu, MenuLabel, MenuRadioGroup, MenuRadioItem, Spinner } from '../../ui';
import { usageDetail, usageSummary } from '../task/usage-format';
import { useTaskColumn } from './board-cache';
import { needsYou } from './card-facts';
import { columnLabels, columnMaxIterations, columnTasks } from './columns';
import { ciWords } from '../../lib/ci-state';

/** The drag payload type: the task id and the column it came from. */
export const DRAG_TYPE = 'application/x-bottega-task';

export interface ColumnActions {
  /** Moves a task to another status (drag and drop, or the card's Move menu). */
  onMove: (task: TaskDto, to: TaskStatus) => void;
  onEdit: (task: TaskDto) => void;
}

export function BoardColumn({
  projectId,
  status,
  runs,
  actions,
  count,
  limit,
}: {
  projectId: number;
  status: TaskStatus;
  runs: ReadonlyMap<number, AgentRunDto>;
  actions: ColumnActions;
  /** Every task of this status in the project (kept live from events); unknown while the project loads. */
  count?: number | undefined;
  /** The column's work-in-progress limit; null or absent when it has none. */
  limit?: number | null | undefined;
}) {
  const column = useTaskColumn(projectId, status);
  const [over, setOver] = useState(false);
  const tasks = columnTasks(column.data);
  const label = columnLabels[status];
  const maxIterations = columnMaxIterations(column.data);
  const shown = count ?? tasks.length;

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
          <ColumnCount shown={shown} more={count === undefined && column.hasNextPage} limit={limit ?? null} />
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
          {tasks.length === 0 && <p className="px-1 py-3 text-center text-xs text-stone-600">No tasks</p>}
          <ul className="flex flex-col gap-2">
            {tasks.map((t) => (
              // Off screen, a card's layout and paint wait until it scrolls near (its last size kept meanwhile). That
              // contains its paint: the padding keeps the card's shadow and focus rings inside, the margin its place.
              <li key={t.id} className="-m-1 p-1 [contain-intrinsic-size:auto_7.5rem] [content-visibility:auto]">
                <TaskCard task={t} run={runs.get(t.id)} maxIterations={maxIterations} actions={actions} />
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

/**
 * The column's count: "n" alone, or "n / limit" when the column has a limit — amber, with
 * "full" read out, once it holds as many tasks as the limit (a person cannot move one in).
 */
function ColumnCount({ shown, more, limit }: { shown: number; more: boolean; limit: number | null }) {
  const tasks = `task${shown === 1 ? '' : 's'}`;
  if (limit === null)
    return (
      <span className="text-xs font-normal text-stone-500" aria-label={`${shown} ${tasks}`}>
        {shown}
        {more ? '+' : ''}
      </span>
    );
  const full = shown >= limit;
  return (
    <span
      className={`rounded-full px-1.5 text-xs tabular-nums ${full ? 'bg-amber-100 font-semibold text-amber-800' : 'font-normal text-stone-500'}`}
      aria-label={`${shown} of ${limit} ${limit === 1 ? 'task' : 'tasks'}${full ? ', full' : ''}`}
      title={full ? 'This column is full: finish or move a task out before moving another in.' : `At most ${limit} tasks`}
    >
      {shown}
      {more ? '+' : ''} / {limit}
    </span>
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

/**
 * A card renders again only when its task, its run, the cap or the actions change: a column that
 * loads another page, or gets a task at its top, leaves the cards it already shows alone.
 */
export const TaskCard = memo(function TaskCard({
  task,
  run,
  maxIterations,
  actions,
}: {
  task: TaskDto;
  run: AgentRunDto | undefined;
  maxIterations: number | null;
  actions: ColumnActions;
}) {
  const navigate = useNavigate();
  const href = paths.task(task.projectId, task.id);
  const open = (e: MouseEvent) => {
    // Clicks inside the card's menu (rendered in a portal) reach here through React, not the DOM.
    if (!e.currentTarget.contains(e.target as Node)) return;
    if ((e.target as HTMLElement).closest('a,button,select,label')) return;
    void navigate(href);
  };
  const waiting = needsYou(task, run);
  const iteration = iterationLabel(task, maxIterations);
  const queued = run && isWaitingRunStatus(run.status) ? run : undefined;
  const running = queued ? undefined : run;
  const facts = task.board;
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
      className={`relative cursor-pointer rounded-lg border bg-white p-2.5 shadow-sm hover:border-indigo-300 ${waiting.length > 0 ? 'border-amber-300' : 'border-stone-200'}`}
    >
      <div className="flex items-start gap-2">
        <Link to={href} draggable={false} className="min-w-0 flex-1 break-words text-sm font-medium text-stone-900 hover:underline">
          {task.title}
        </Link>
        {running && <LiveDot label={`${agentLabels[running.agentType]} agent ${running.status === 'pending' ? 'starting' : 'running'}`} />}
      </div>
      {waiting.length > 0 && (
        <ul className="mt-1.5 flex flex-wrap gap-1" aria-label="Needs you">
          {waiting.map((w) => (
            <li
              key={w.reason}
              data-needs-you={w.reason}
              title={w.detail}
              className={`rounded px-1.5 py-0.5 text-xs font-semibold ${w.reason === 'blocked' ? 'bg-red-100 text-red-800' : 'bg-amber-100 text-amber-900'}`}
            >
              <span aria-hidden="true">● </span>
              <span>{w.label}</span>
            </li>
          ))}
        </ul>
      )}
      {(run ?? iteration) && (
        <div className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs">
          {running && (
            <span
              className="inline-flex items-center gap-1 rounded bg-sky-50 px-1.5 py-0.5 font-medium text-sky-800"
              data-testid="running-role"
              title={`${running.agentType} run ${running.status}`}
            >
              <span
                aria-hidden="true"
                className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-r-transparent"
              />
              {agentLabels[running.agentType]}
              {running.status === 'pending' ? ' (starting)' : '…'}
            </span>
          )}
          {queued && (
            <span
              className="inline-flex items-center gap-1 rounded bg-stone-100 px-1.5 py-0.5 font-medium text-stone-700"
              data-testid="queued-run"
              title={`${AGENT_LABELS[queued.agentType]} run: ${queueSentence(queued.status, queued.queue)}`}
            >
              {queued.status === 'waiting_for_quota' ? <Hourglass aria-hidden="true" size={12} /> : <Clock aria-hidden="true" size={12} />}
              {queueMarker(queued.status, queued.queue)}
            </span>
          )}
          {iteration && (
            <span
              className="inline-flex items-center gap-1 tabular-nums text-stone-600"
              title="Agent runs so far, of the runs allowed before the loop stops for you"
            >
              <Repeat aria-hidden="true" size={12} />
              {iteration}
            </span>
          )}
        </div>
      )}
      <div className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-stone-500">
        {facts && (
          <span className="inline-flex items-center gap-1">
            <UserRound aria-hidden="true" size={12} />
            by {facts.creatorName ?? 'a deleted user'}
          </span>
        )}
        {facts && (facts.usage.inputTokens > 0 || facts.usage.outputTokens > 0) && (
          <span className="inline-flex items-center gap-1 tabular-nums" title={usageDetail(facts.usage)}>
            <CircleDollarSign aria-hidden="true" size={12} />
            <span data-testid="card-usage">{usageSummary(facts.usage)}</span>
          </span>
        )}
        {task.prUrl && <PullRequestLink task={task} />}
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-1.5">
        {task.yoloMode && <Badge tone="amber">YOLO</Badge>}
        {task.prClosed && <Badge tone="red">PR closed</Badge>}
        <span className="ml-auto flex items-center gap-1">
          <Menu
            trigger={
              <button
                type="button"
                aria-label={`Move ${task.title}`}
                title="Move to another column"
                className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs text-stone-600 hover:bg-stone-100 data-[state=open]:bg-stone-100"
              >
                <ArrowRightLeft aria-hidden="true" size={12} />
                Move
              </button>
            }
          >
            <MenuLabel>Move to</MenuLabel>
            <MenuRadioGroup value={task.status} onValueChange={(to: TaskStatus) => to !== task.status && actions.onMove(task, to)}>
              {taskStatuses.map((s) => (
                <MenuRadioItem key={s} value={s}>
                  {columnLabels[s]}
                </MenuRadioItem>
              ))}
            </MenuRadioGroup>
          </Menu>
          <button
            type="button"
            aria-label={`Edit ${task.title}`}
            title="Edit"
            className="rounded p-1 text-stone-500 hover:bg-stone-100"
            onClick={() => actions.onEdit(task)}
          >
            <Pencil aria-hidden="true" size={13} />
          </button>
        </span>
      </div>
    </article>
  );
});

/** The task's pull request, with its CI state beside the link once known. */
function PullRequestLink({ task }: { task: TaskDto }) {
  const ci = task.prCiState ? ciWords[task.prCiState] : null;
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5 gap-y-1" data-testid="card-pr">
      <a
        href={task.prUrl ?? undefined}
        target="_blank"
        rel="noreferrer noopener"
        draggable={false}
        className="font-medium whitespace-nowrap text-indigo-700 hover:underline"
      >
        <GitPullRequest aria-hidden="true" size={12} className="mr-0.5 inline align-[-2px]" />
        PR <span className="sr-only">of {task.title}</span>
        <span aria-hidden="true">↗</span>
      </a>
      {ci && <Badge tone={ci.tone}>{ci.label}</Badge>}
      <PullRequestMarkers task={task} />
    </span>
  );
}

/**
 * What the pull request went through, when it is more than one clean pass: the CI round it is on,
 * conflicts with the default branch, review threads still open. Only conflicts and open threads
 * catch the eye; the rest stays quiet.
 */
export function PullRequestMarkers({ task }: { task: TaskDto }) {
  const open = task.prThreadsOpen;
  const total = task.prThreadsTotal;
  return (
    <>
      {task.prCiRounds > 1 && (
        <span
          className="whitespace-nowrap tabular-nums text-stone-600"
          data-testid="card-ci-round"
          title="CI rounds: one per push to the pull request"
        >
          CI round {task.prCiRounds}
        </span>
      )}
      {task.prMergeable === 'CONFLICTING' && (
        <span data-testid="card-conflicts" title="The pull request conflicts with the default branch">
          <Badge tone="red">
            <TriangleAlert aria-hidden="true" size={11} />
            Conflicts<span className="sr-only"> with the default branch</span>
          </Badge>
        </span>
      )}
      {total > 0 && (
        <span
          className={`inline-flex items-center gap-0.5 whitespace-nowrap tabular-nums ${open > 0 ? 'font-medium text-amber-800' : 'text-stone-500'}`}
          data-testid="card-threads"
          title={`Review threads: ${open} open of ${total}`}
        >
          <MessageSquare aria-hidden="true" size={12} />
          <span aria-hidden="true">
            {open === 0
              ? `${total} ${total === 1 ? 'thread' : 'threads'} resolved`
              : `${open} of ${total} ${total === 1 ? 'thread' : 'threads'} open`}
          </span>
          <span className="sr-only">
            {open === 0
              ? `all ${total} review ${total === 1 ? 'thread' : 'threads'} resolved`
              : `${open} of ${total} review ${total === 1 ? 'thread' : 'threads'} open`}
          </span>
        </span>
      )}
    </>
  );
}
