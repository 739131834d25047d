// The chat screen's server state: the conversation, its live state, the task
// it belongs to, and the transcript cache (see transcript.ts) — loaded from
// the newest page, extended with older pages on demand, kept current by the
// `message` events reduced below, and caught up (afterSeq) whenever it is
// refetched, so a reconnect never replaces what was already paged in.
import { useCallback, useState } from 'react';
import { skipToken, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { AgentRunDto } from '@bottega/protocol';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { onServerEvent } from '../../lib/live';
import { readTask } from '../../lib/task-read';
import {
  applyMessage,
  clearDrafts,
  firstSeq,
  fromTailPage,
  lastSeq,
  mergeMessages,
  withOlderPage,
  type ChatTranscript,
} from './transcript';

/** Messages in the first (newest) page and in every older page. */
export const PAGE_SIZE = 200;
/** Largest page the server serves (catch-up reads use it). */
const CATCH_UP_PAGE = 1000;

onServerEvent((qc, event) => {
  switch (event.type) {
    case 'message':
      qc.setQueryData<ChatTranscript>(keys.messages(event.conversationId), (t) => (t ? applyMessage(t, event.message) : t));
      break;
    case 'streaming.ended':
      qc.setQueryData<ChatTranscript>(keys.messages(event.conversationId), (t) => (t ? clearDrafts(t) : t));
      // Anything missed while the first page was in flight is fetched now.
      void qc.invalidateQueries({ queryKey: keys.messages(event.conversationId), exact: true });
      break;
    default:
      break;
  }
});

const MESSAGES = '/api/conversations/:conversationId/messages';

/** The newest page when nothing is cached; otherwise every message after the last one cached. */
export async function loadTranscript(qc: QueryClient, conversationId: number, signal?: AbortSignal): Promise<ChatTranscript> {
  const cached = qc.getQueryData<ChatTranscript>(keys.messages(conversationId));
  const after = cached ? lastSeq(cached) : null;
  if (!cached || after === null) {
    const page = await api.get(MESSAGES, { params: { conversationId }, query: { tail: 'true', limit: PAGE_SIZE }, signal });
    return fromTailPage(page);
  }
  let t = cached;
  let cursor = after;
  for (;;) {
    const page = await api.get(MESSAGES, { params: { conversationId }, query: { afterSeq: cursor, limit: CATCH_UP_PAGE }, signal });
    // Events may have grown the cache meanwhile: merge into the latest copy.
    t = mergeMessages(qc.getQueryData<ChatTranscript>(keys.messages(conversationId)) ?? t, page.messages);
    if (!page.hasMore || page.lastSeq === null) return t;
    cursor = page.lastSeq;
  }
}

export function useTranscript(conversationId: number | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.messages(conversationId ?? 0),
    queryFn: ({ signal }) => loadTranscript(qc, conversationId ?? 0, signal),
    enabled: conversationId !== null,
    refetchOnWindowFocus: false,
    // Thousands of messages: comparing old and new deeply on every event costs more than it saves.
    structuralSharing: false,
  });
}

/** Loads the page before the first cached message; `loading` while a read is in flight. */
export function useOlderPages(conversationId: number | null) {
  const qc = useQueryClient();
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({ loading: false, error: null });
  const loadOlder = useCallback(async () => {
    if (conversationId === null) return;
    const key = keys.messages(conversationId);
    const t = qc.getQueryData<ChatTranscript>(key);
    const before = t ? firstSeq(t) : null;
    if (!t || !t.hasOlder || before === null) return;
    setState({ loading: true, error: null });
    try {
      const page = await api.get(MESSAGES, { params: { conversationId }, query: { beforeSeq: before, limit: PAGE_SIZE } });
      qc.setQueryData<ChatTranscript>(key, (cur) => (cur ? withOlderPage(cur, page) : cur));
      setState({ loading: false, error: null });
    } catch (error) {
      setState({ loading: false, error });
    }
  }, [conversationId, qc]);
  return { ...state, loadOlder };
}

export function useConversation(conversationId: number | null) {
  return useQuery({
    queryKey: keys.conversation(conversationId ?? 0),
    queryFn:
      conversationId === null
        ? skipToken
        : ({ signal }) => api.get('/api/conversations/:conversationId', { params: { conversationId }, signal }).then((r) => r.conversation),
    retry: false,
  });
}

export function useConversationLive(conversationId: number | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.conversationLive(conversationId ?? 0),
    queryFn:
      conversationId === null
        ? skipToken
        : ({ signal }) =>
            api.get('/api/conversations/:conversationId/live', { params: { conversationId }, signal }).then((live) => {
              // A turn waiting for a slot is known from its events; after a reload, from here.
              qc.setQueryData(keys.conversationQueue(conversationId), live.queue);
              return live;
            }),
    retry: false,
  });
}

export function useTask(taskId: number | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.task(taskId ?? 0),
    queryFn: taskId === null ? skipToken : ({ signal }) => readTask(qc, taskId, signal),
    retry: false,
  });
}

/**
 * The agent run an agent-run conversation belongs to (null for a manual chat or while unknown):
 * read with the task's runs, kept current by `agent-run.updated` like the task page's.
 */
export function useConversationRun(taskId: number | null, conversationId: number | null, agentRun: boolean): AgentRunDto | null {
  const runs = useQuery({
    queryKey: keys.taskRuns(taskId ?? 0),
    queryFn:
      taskId === null || !agentRun
        ? skipToken
        : async ({ signal }) => (await api.get('/api/tasks/:taskId/agent-runs', { params: { taskId }, signal })).runs,
  });
  if (!agentRun || conversationId === null) return null;
  return runs.data?.find((r) => r.conversationId === conversationId) ?? null;
}
