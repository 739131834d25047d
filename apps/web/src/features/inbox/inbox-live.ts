// The inbox's data, kept live for the whole app: the header's count and the
// browser notifications read the same query (its needs-you items; the inbox
// screen also lists the user's own runs waiting to start). The shell subscribes
// to the user's projects; a burst of their task, run, queue or question events
// refetches the inbox once (debounced).
import { useEffect, useRef } from 'react';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { InboxItemDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent, useProjectSubscriptions } from '../../lib/live';
import { paths } from '../../lib/routing';

const REFRESH_MS = 400;
const pending = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();

const RELEVANT = new Set([
  'task.created',
  'task.updated',
  'task.deleted',
  'task.blocked',
  'agent-run.updated',
  'runs.queue',
  'question.asked',
  'question.answered',
]);

onServerEvent((qc, event) => {
  if (!RELEVANT.has(event.type) || pending.has(qc)) return;
  pending.set(
    qc,
    setTimeout(() => {
      pending.delete(qc);
      void qc.invalidateQueries({ queryKey: keys.inbox, exact: true });
    }, REFRESH_MS),
  );
});

export const inboxQuery = {
  queryKey: keys.inbox,
  queryFn: ({ signal }: { signal: AbortSignal }) => api.get('/api/inbox', { signal }),
};

/** The inbox, live: subscribes to the user's projects while mounted (the shell keeps it mounted). */
export function useLiveInbox() {
  const projects = useQuery({
    queryKey: keys.projects,
    queryFn: async ({ signal }) => (await api.get('/api/projects', { signal })).projects,
  });
  useProjectSubscriptions((projects.data ?? []).map((p) => p.id));
  return useQuery({ ...inboxQuery, select: (r) => r.items });
}

/** One inbox item's identity: the same task waiting for the same reason. */
export const itemKey = (i: InboxItemDto) => `${i.taskId}:${i.reason}`;

/** Where a row leads: the conversation for a question, the task page otherwise. */
export const itemHref = (i: InboxItemDto) =>
  i.reason === 'question' && i.conversationId !== null
    ? paths.chat(i.projectId, i.taskId, i.conversationId)
    : paths.task(i.projectId, i.taskId);

/** The items of `next` not in `previous` (none on the first load: what was there before the tab opened is not news). */
export function newItems(previous: readonly InboxItemDto[] | undefined, next: readonly InboxItemDto[]): InboxItemDto[] {
  if (!previous) return [];
  const seen = new Set(previous.map(itemKey));
  return next.filter((i) => !seen.has(itemKey(i)));
}

// ---- Browser notifications (opt-in, per browser) ----

export const NOTIFY_STORAGE_KEY = 'bottega.inbox.notify';

export type NotifySupport = 'unsupported' | NotificationPermission;

export function notifySupport(): NotifySupport {
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification.permission : 'unsupported';
}

export function notifyWanted(): boolean {
  try {
    return window.localStorage.getItem(NOTIFY_STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setNotifyWanted(on: boolean): void {
  try {
    if (on) window.localStorage.setItem(NOTIFY_STORAGE_KEY, 'on');
    else window.localStorage.removeItem(NOTIFY_STORAGE_KEY);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
}

/** Raises a browser notification for each new item while the user opted in and granted permission. */
export function useInboxNotifications(items: readonly InboxItemDto[] | undefined, open: (href: string) => void): void {
  const previous = useRef<readonly InboxItemDto[] | undefined>(undefined);
  useEffect(() => {
    if (!items) return;
    const fresh = newItems(previous.current, items);
    previous.current = items;
    if (fresh.length === 0 || !notifyWanted() || notifySupport() !== 'granted') return;
    for (const item of fresh) {
      const n = new window.Notification(`${item.label}: ${item.taskTitle}`, {
        body: `${item.projectName} — ${item.detail}`,
        tag: itemKey(item),
      });
      n.onclick = () => {
        window.focus();
        open(itemHref(item));
      };
    }
  }, [items, open]);
}
