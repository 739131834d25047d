// Inbox `/inbox` (docs/behaviour/web-app.md#inbox): everything across the
// user's projects that waits for them — questions, blocked tasks, plans to
// approve, pull requests to review — grouped by what to do, oldest first, each
// leading to where it is done. Kept live by the shell (inbox-live.ts).
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { InboxItemDto, NeedsYouReason } from '@bottega/protocol';
import { paths } from '../../lib/routing';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '../../ui';
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
  const items = inbox.data ?? [];
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="Inbox">
        <NotifyToggle />
      </PageHeader>
      {inbox.isPending ? (
        <LoadingState label="Loading what needs you…" />
      ) : inbox.isError && !inbox.data ? (
        <ErrorState error={inbox.error} retry={() => void inbox.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing needs you">
          No plan waits for approval, no agent waits for an answer, nothing is blocked and no pull request waits for review. This page
          updates by itself.
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-6">
          {groups.map((g) => {
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
          })}
        </div>
      )}
    </div>
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
