// Server events → query cache. Each feature registers the reducers for the
// caches it owns (when its screen module loads); the core ones for tasks,
// runs and conversations live here. Screens subscribe to exactly the tasks or
// projects they show; after a reconnect every active query refetches, since
// events sent while offline are gone. Once the server confirms a subscription,
// what its channel keeps live is read once more (see rereadChannel).
import { useEffect, useSyncExternalStore } from 'react';
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import type { AgentRunDto, ConversationDto, ConversationLiveDto, RunQueueDto, ServerEvent, TaskDto } from '@bottega/protocol';
import { keys } from './keys';
import { liveSocket, type ConnectionState, type LiveSocket, type Subscribed } from './ws';

export type EventReducer = (qc: QueryClient, event: ServerEvent) => void;
const reducers = new Set<EventReducer>();

/** Registers a cache reducer for server events; returns its removal. */
export function onServerEvent(reducer: EventReducer): () => void {
  reducers.add(reducer);
  return () => reducers.delete(reducer);
}

export type SubscribedReducer = (qc: QueryClient, channel: Subscribed) => void;
const subscribedReducers = new Set<SubscribedReducer>();

/** Registers a cache refresher for when the server confirms a subscription. */
export function onSubscribed(reducer: SubscribedReducer): () => void {
  subscribedReducers.add(reducer);
  return () => subscribedReducers.delete(reducer);
}

/** Tells every registered refresher that a subscription was confirmed (exported for tests). */
export function applySubscribed(qc: QueryClient, channel: Subscribed): void {
  for (const r of subscribedReducers) r(qc, channel);
}

/** The cache a channel's events keep live: a project's board and details; a task's page and the conversation open on it. */
function channelKeys(channel: Subscribed): QueryKey[] {
  if (channel.projectId !== undefined) return [keys.project(channel.projectId), keys.taskColumns(channel.projectId)];
  return [keys.task(channel.taskId), ['conversation']];
}

/** When each query's latest read began (`performance.now()`), from the cache's own notices. */
const readStarts = new WeakMap<Query, number>();

/** Notes when each read of the cache begins (installed with the app's client, before any read); returns its removal. */
export function trackReads(qc: QueryClient): () => void {
  return qc.getQueryCache().subscribe((e) => {
    if (e.type === 'updated' && e.action.type === 'fetch') readStarts.set(e.query, performance.now());
  });
}

/**
 * A screen reads its data and subscribes at the same moment, and the two travel apart: an event
 * published after the read was served but before the subscription took effect reaches nobody, and
 * a screen shown again from the cache has missed everything published while it was away. So once
 * the server confirms a subscription, the channel's queries are read again — the ones on screen
 * at once, the others marked stale — unless their read began within the channel's quiet (the
 * server says how long it had had no event), as a screen opened on a quiet project's board does.
 * A read still in flight may have been served before the subscription: it is read again when it
 * ends, so what the screen shows postdates the confirmation.
 */
export function rereadChannel(qc: QueryClient, channel: Subscribed): void {
  const { quietMs, at = performance.now() } = channel;
  const current = (query: Query): boolean => {
    const began = readStarts.get(query);
    return quietMs !== undefined && began !== undefined && at - began <= quietMs;
  };
  for (const queryKey of channelKeys(channel)) {
    for (const query of qc.getQueryCache().findAll({ queryKey })) {
      if (current(query)) continue;
      if (query.state.fetchStatus === 'idle') invalidate(qc, query);
      else afterFetch(qc, query, () => invalidate(qc, query));
    }
  }
}

function invalidate(qc: QueryClient, query: Query): void {
  void qc.invalidateQueries({ queryKey: query.queryKey, exact: true });
}

/** Calls `then` once the query's fetch in flight has ended; nothing if the query leaves the cache first. */
function afterFetch(qc: QueryClient, query: Query, then: () => void): void {
  const cache = qc.getQueryCache();
  const off = cache.subscribe((e) => {
    if (e.query !== query) return;
    if (e.type === 'removed') off();
    else if (query.state.fetchStatus === 'idle') {
      off();
      then();
    }
  });
}

onSubscribed(rereadChannel);

/** Applies one event to every registered reducer (exported for tests). */
export function applyServerEvent(qc: QueryClient, event: ServerEvent): void {
  for (const r of reducers) r(qc, event);
}

/** Inserts or replaces by id, keeping the list's order (new items first unless `append`). */
export function upsertById<T extends { id: number }>(list: T[] | undefined, item: T, append = false): T[] | undefined {
  if (!list) return list;
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) return append ? [...list, item] : [item, ...list];
  const copy = list.slice();
  copy[i] = item;
  return copy;
}

/** Runs with their new place in line (`runs.queue`); the list itself when none of them moved. */
export function withQueuePlaces(runs: AgentRunDto[] | undefined, queue: Record<number, RunQueueDto>): AgentRunDto[] | undefined {
  const placeOf = (r: AgentRunDto): RunQueueDto | undefined => (r.status === 'queued' ? queue[r.id] : undefined);
  if (!runs || !runs.some((r) => placeOf(r))) return runs;
  return runs.map((r) => {
    const place = placeOf(r);
    return place ? { ...r, queue: place } : r;
  });
}

/** A conversation's `questionWaiting`, in the task's list (the task page's banner) and in its own cache. */
function setQuestionWaiting(qc: QueryClient, taskId: number, conversationId: number, questionWaiting: boolean) {
  const set = (c: ConversationDto) => (c.id === conversationId && c.questionWaiting !== questionWaiting ? { ...c, questionWaiting } : c);
  qc.setQueryData<ConversationDto[]>(keys.taskConversations(taskId), (list) => list?.map(set));
  qc.setQueryData<ConversationDto>(keys.conversation(conversationId), (c) => (c ? set(c) : c));
}

onServerEvent((qc, event) => {
  switch (event.type) {
    case 'task.created':
    case 'task.updated':
      qc.setQueryData<TaskDto>(keys.task(event.taskId), event.task);
      break;
    case 'task.deleted':
      qc.removeQueries({ queryKey: keys.task(event.taskId), exact: true });
      break;
    case 'task.blocked':
      qc.setQueryData<TaskDto>(keys.task(event.taskId), (t) => (t ? { ...t, workflowBlocked: true, blockReason: event.reason } : t));
      break;
    case 'agent-run.updated':
      qc.setQueryData<AgentRunDto[]>(keys.taskRuns(event.taskId), (runs) => upsertById(runs, event.run));
      break;
    case 'runs.queue':
      // Every cached run list of a task may hold one of the runs that moved in line.
      qc.setQueriesData<AgentRunDto[]>({ predicate: (q) => q.queryKey[0] === 'task' && q.queryKey[2] === 'runs' }, (runs) =>
        withQueuePlaces(runs, event.queue),
      );
      break;
    case 'conversation.added':
      qc.setQueryData<ConversationDto[]>(keys.taskConversations(event.taskId), (list) => upsertById(list, event.conversation));
      qc.setQueryData<ConversationDto>(keys.conversation(event.conversation.id), event.conversation);
      break;
    case 'conversation.renamed': {
      const rename = (c: ConversationDto) => (c.id === event.conversationId ? { ...c, title: event.title } : c);
      qc.setQueryData<ConversationDto[]>(keys.taskConversations(event.taskId), (list) => list?.map(rename));
      qc.setQueryData<ConversationDto>(keys.conversation(event.conversationId), (c) => (c ? rename(c) : c));
      break;
    }
    case 'session.created':
      qc.setQueryData<ConversationDto>(keys.conversation(event.conversationId), (c) =>
        c ? { ...c, providerSessionId: event.providerSessionId } : c,
      );
      break;
    case 'conversation.usage': {
      const withUsage = (c: ConversationDto) => (c.id === event.conversationId ? { ...c, contextUsage: event.contextUsage } : c);
      qc.setQueryData<ConversationDto>(keys.conversation(event.conversationId), (c) => (c ? withUsage(c) : c));
      qc.setQueryData<ConversationDto[]>(keys.taskConversations(event.taskId), (list) => list?.map(withUsage));
      break;
    }
    case 'streaming.started':
    case 'streaming.ended': {
      const streaming = event.type === 'streaming.started';
      qc.setQueryData<ConversationLiveDto>(keys.conversationLive(event.conversationId), (l) =>
        l ? { ...l, streaming, thinking: streaming ? l.thinking : '', question: streaming ? l.question : null } : l,
      );
      // A turn that ends (or is stopped) leaves no question open.
      if (!streaming) setQuestionWaiting(qc, event.taskId, event.conversationId, false);
      break;
    }
    case 'question.asked':
      qc.setQueryData<ConversationLiveDto>(keys.conversationLive(event.conversationId), (l) =>
        l ? { ...l, question: { toolUseId: event.toolUseId, questions: event.questions } } : l,
      );
      setQuestionWaiting(qc, event.taskId, event.conversationId, true);
      break;
    case 'question.answered':
      qc.setQueryData<ConversationLiveDto>(keys.conversationLive(event.conversationId), (l) =>
        l && l.question?.toolUseId === event.toolUseId ? { ...l, question: null } : l,
      );
      setQuestionWaiting(qc, event.taskId, event.conversationId, false);
      break;
    case 'message':
      break;
  }
});

/** Connects the socket to the cache: events flow in, reconnects refetch. */
export function connectLive(qc: QueryClient, socket: LiveSocket = liveSocket): () => void {
  const offEvent = socket.onEvent((event) => applyServerEvent(qc, event));
  const offReconnect = socket.onReconnect(() => void qc.invalidateQueries());
  const offSubscribed = socket.onSubscribed((channel) => applySubscribed(qc, channel));
  // A dropped socket may mean the session was revoked (logout elsewhere, a
  // password change): re-read the auth status, which returns to login if so.
  const offState = socket.onState((state) => {
    if (state === 'closed') void qc.invalidateQueries({ queryKey: keys.authStatus });
  });
  socket.start();
  return () => {
    offEvent();
    offReconnect();
    offSubscribed();
    offState();
    socket.stop();
  };
}

/** Subscribes to the given tasks for as long as the component shows them. */
export function useTaskSubscriptions(taskIds: readonly number[], socket: LiveSocket = liveSocket): void {
  const key = [...new Set(taskIds)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (!key) return;
    const releases = key.split(',').map((id) => socket.subscribeTask(Number(id)));
    return () => releases.forEach((r) => r());
  }, [key, socket]);
}

/** Subscribes to every task event of a project (board, dashboard cards). */
export function useProjectSubscriptions(projectIds: readonly number[], socket: LiveSocket = liveSocket): void {
  const key = [...new Set(projectIds)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (!key) return;
    const releases = key.split(',').map((id) => socket.subscribeProject(Number(id)));
    return () => releases.forEach((r) => r());
  }, [key, socket]);
}

export function useConnectionState(socket: LiveSocket = liveSocket): ConnectionState {
  return useSyncExternalStore(
    (cb) => socket.onState(cb),
    () => socket.getState(),
  );
}
