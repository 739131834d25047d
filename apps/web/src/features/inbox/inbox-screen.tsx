// Inbox `/inbox` (docs/behaviour/web-app.md#inbox): everything across the
// user's projects that waits for them — questions, blocked tasks, plans to
// approve, pull requests to review — grouped by what to do, oldest first, each
// leading to where it is done; below them, the user's own runs waiting to start
// (or for a usage limit to reset), each with Cancel. Kept live by the shell (inbox-live.ts).
import { Link } from 'react-router';
import { Clock, Hourglass, X } from 'lucide-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AGENT_LABELS, type CapacityRunDto, type InboxItemDto, type NeedsYouReason } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { queueSentence } from '../../lib/queue-words';
import { paths } from '../../lib/routing';
import { Button, EmptyState, ErrorState, InlineError, LoadingState, PageHeader } from '../../ui';
import { inboxQuery, itemHref, itemKey } from './inbox-live';
import { NotifyToggle } from './notify-toggle';

const groups: { reason: NeedsYouReason; title: string; action: string; tone: string }[] = [
  { reason: 'question', title: 'Questions waiting', action: 'Answer', tone: 'border-l-sky-500' },
  { reason: 'blocked', title: 'Blocked', action: 'Unblock', tone: 'border-l-red-500' },
  { reason: 'plan', title: 'Plans to approve', action: 'Review plan', tone: 'border-l-amber-500' },
  { reason: 'pr', title: 'Pull requests ready', action: 'Review PR', tone: 'border-l-green-500' },
];

/** "5 minutes ago", "3 days ago" — coarse on purpose. */
export function since(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  const fmt = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (s < 60) return fmt.format(-s, 'second');
  if (s < 3600) return fmt.format(-Math.floor(s / 60), 'minute');
  if (s < 86400) return fmt.format(-Math.floor(s / 3600), 'hour');
  return fmt.format(-Math.floor(s / 86400), 'day');
}

export function Component() {
  const inbox = useQuery(inboxQuery);
  const items = inbox.data?.items ?? [];
  const waiting = inbox.data?.waiting ?? [];
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Inbox">
        <NotifyToggle />
      </PageHeader>
      {inbox.isPending ? (
        <LoadingState label="Loading what needs you…" />
      ) : inbox.isError && !inbox.data ? (
        <ErrorState error={inbox.error} retry={() => void inbox.refetch()} />
      ) : (
        <div className="flex flex-col gap-6">
          {items.length === 0 ? (
            <EmptyState title="Nothing needs you">
              No plan waits for approval, no agent waits for an answer, nothing is blocked and no pull request waits for review. This page
              updates by itself.
            </EmptyState>
          ) : (
            groups.map((g) => {
              const rows = items.filter((i) => i.reason === g.reason);
              if (rows.length === 0) return null;
              return (
                <section key={g.reason} aria-labelledby={`inbox-${g.reason}`}>
                  <h2 id={`inbox-${g.reason}`} className="mb-2 text-sm font-semibold uppercase tracking-wide text-stone-500">
                    {g.title} <span className="font-normal">({rows.length})</span>
                  </h2>
                  <ul className="flex flex-col gap-2">
                    {rows.map((item) => (
                      <InboxRow key={itemKey(item)} item={item} action={g.action} tone={g.tone} />
                    ))}
                  </ul>
                </section>
              );
            })
          )}
          {waiting.length > 0 && <WaitingRuns runs={waiting} />}
        </div>
      )}
    </div>
  );
}

/** The user's own runs that wait for a run slot or for their usage limit: nothing to do but wait, or cancel. */
function WaitingRuns({ runs }: { runs: readonly CapacityRunDto[] }) {
  const projects = useQuery({
    queryKey: keys.projects,
    queryFn: async ({ signal }) => (await api.get('/api/projects', { signal })).projects,
  });
  const nameOf = (projectId: number) => projects.data?.find((p) => p.id === projectId)?.name ?? `Project ${projectId}`;
  return (
    <section aria-labelledby="inbox-waiting" data-testid="inbox-waiting">
      <h2 id="inbox-waiting" className="text-sm font-semibold uppercase tracking-wide text-stone-500">
        Waiting to start <span className="font-normal">({runs.length})</span>
      </h2>
      <p className="mb-2 text-sm text-stone-600">
        Your agent runs that wait for a free slot or for a usage limit to reset. They go on by themselves.
      </p>
      <ul className="flex flex-col gap-2">
        {runs.map((run) => (
          <WaitingRow key={run.runId} run={run} projectName={nameOf(run.projectId)} />
        ))}
      </ul>
    </section>
  );
}

function WaitingRow({ run, projectName }: { run: CapacityRunDto; projectName: string }) {
  const qc = useQueryClient();
  const role = AGENT_LABELS[run.agentType];
  const cancel = useMutation({
    mutationFn: () => api.post('/api/agent-runs/:runId/cancel', { params: { runId: run.runId } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.inbox, exact: true });
      void qc.invalidateQueries({ queryKey: keys.taskRuns(run.taskId), exact: true });
    },
  });
  const Icon = run.status === 'waiting_for_quota' ? Hourglass : Clock;
  return (
    <li className="flex flex-col gap-2 rounded-md border border-l-4 border-stone-200 border-l-stone-400 bg-white p-3 shadow-sm sm:flex-row sm:items-center">
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-stone-500">
          <Link to={paths.board(run.projectId)} className="font-medium text-stone-600 hover:underline">
            {projectName}
          </Link>
          <span aria-hidden="true">·</span>
          <span>{role}</span>
        </div>
        <Link to={paths.task(run.projectId, run.taskId)} className="block truncate font-medium text-stone-900 hover:underline">
          {run.taskTitle}
        </Link>
        <p className="flex items-start gap-1.5 text-sm text-stone-600">
          <Icon aria-hidden="true" className="mt-0.5 h-4 w-4 shrink-0 text-stone-500" />
          {queueSentence(run.status, run.queue)}
        </p>
        <InlineError error={cancel.error} />
      </div>
      <Button
        icon={X}
        className="self-start sm:self-center"
        busy={cancel.isPending}
        aria-label={`Cancel the ${role.toLowerCase()} run of ${run.taskTitle}`}
        onClick={() => cancel.mutate()}
      >
        Cancel
      </Button>
    </li>
  );
}

function InboxRow({ item, action, tone }: { item: InboxItemDto; action: string; tone: string }) {
  const href = itemHref(item);
  return (
    <li
      className={`flex flex-col gap-2 rounded-md border border-l-4 border-stone-200 bg-white p-3 shadow-sm sm:flex-row sm:items-center ${tone}`}
    >
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-stone-500">
          <Link to={paths.board(item.projectId)} className="font-medium text-stone-600 hover:underline">
            {item.projectName}
          </Link>
          <span aria-hidden="true">·</span>
          <time dateTime={item.since} title={new Date(item.since).toLocaleString()}>
            {since(item.since)}
          </time>
        </div>
        <Link to={href} className="block truncate font-medium text-stone-900 hover:underline">
          {item.taskTitle}
        </Link>
        <p className="text-sm text-stone-600">{item.detail}</p>
      </div>
      <Link
        to={href}
        aria-label={`${action}: ${item.taskTitle}`}
        className="self-start rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium whitespace-nowrap text-white hover:bg-indigo-700 sm:self-center"
      >
        {action}
      </Link>
    </li>
  );
}
