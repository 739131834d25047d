// The live connection: one WebSocket per tab, reference-counted subscriptions
// per task and per project, automatic reconnection with backoff, and
// re-subscription of everything still wanted after each reconnect.
import type { ClientFrame, ServerEvent, ServerFrame } from '@bottega/protocol';
import { eventsOfFrame } from '@bottega/protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';
type EventListener = (event: ServerEvent) => void;
type StateListener = (state: ConnectionState) => void;
/** Called after a reconnect so caches can refetch what they may have missed. */
type ReconnectListener = () => void;
/**
 * A subscription the server confirmed: events of that channel flow from here on. `quietMs`: how
 * long the channel had had no event, as the server said; `at`: when the confirmation arrived
 * (`performance.now()`). Without them nothing is known of what came before.
 */
export type Subscribed = ({ taskId: number; projectId?: undefined } | { projectId: number; taskId?: undefined }) & {
  quietMs?: number;
  at?: number;
};
type SubscribedListener = (channel: Subscribed) => void;

const PING_EVERY_MS = 25_000;
const MAX_BACKOFF_MS = 10_000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private readonly tasks = new Map<number, number>();
  private readonly projects = new Map<number, number>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly reconnectListeners = new Set<ReconnectListener>();
  private readonly subscribedListeners = new Set<SubscribedListener>();
  private state: ConnectionState = 'closed';
  private attempts = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = true;

  constructor(private readonly url: () => string) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes for good (logout); subscriptions are forgotten. */
  stop(): void {
    this.stopped = true;
    this.tasks.clear();
    this.projects.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.everOpened = false;
    this.setState('closed');
  }

  getState(): ConnectionState {
    return this.state;
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onReconnect(listener: ReconnectListener): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Called when the server confirms a subscription. Whatever was read before
   * that moment may have missed events published in between; a cache that
   * follows a fast-changing state (a clone) re-reads it here.
   */
  onSubscribed(listener: SubscribedListener): () => void {
    this.subscribedListeners.add(listener);
    return () => this.subscribedListeners.delete(listener);
  }

  /** Subscribes to a task's events; the returned function releases it. */
  subscribeTask(taskId: number): () => void {
    return this.retain(this.tasks, taskId, 'subscribe', 'unsubscribe', 'taskId');
  }

  subscribeProject(projectId: number): () => void {
    return this.retain(this.projects, projectId, 'subscribe-project', 'unsubscribe-project', 'projectId');
  }

  private retain(
    counts: Map<number, number>,
    id: number,
    on: 'subscribe' | 'subscribe-project',
    off: 'unsubscribe' | 'unsubscribe-project',
    key: 'taskId' | 'projectId',
  ): () => void {
    const n = counts.get(id) ?? 0;
    counts.set(id, n + 1);
    if (n === 0) this.send({ action: on, [key]: id } as ClientFrame);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (counts.get(id) ?? 1) - 1;
      if (left > 0) {
        counts.set(id, left);
        return;
      }
      counts.delete(id);
      this.send({ action: off, [key]: id } as ClientFrame);
    };
  }

  private send(frame: ClientFrame): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState('connecting');
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      for (const id of this.tasks.keys()) this.send({ action: 'subscribe', taskId: id });
      for (const id of this.projects.keys()) this.send({ action: 'subscribe-project', projectId: id });
      this.setState('open');
      if (this.everOpened) for (const l of this.reconnectListeners) l();
      this.everOpened = true;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ action: 'ping' }), PING_EVERY_MS);
    };
    ws.onmessage = (msg) => {
      if (this.ws !== ws || typeof msg.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(msg.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.kind === 'ack') {
        const channel = subscribedChannel(frame);
        if (channel) for (const l of this.subscribedListeners) l(channel);
      }
      for (const event of eventsOfFrame(frame)) for (const l of this.eventListeners) l(event);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.stopped) return;
      this.setState('closed');
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempts) * (0.75 + Math.random() * 0.5);
      this.attempts += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }
}

function subscribedChannel(ack: Extract<ServerFrame, { kind: 'ack' }>): Subscribed | null {
  const quiet = typeof ack.quietMs === 'number' ? { quietMs: ack.quietMs, at: performance.now() } : {};
  if (ack.action === 'subscribe' && ack.taskId !== undefined) return { taskId: ack.taskId, ...quiet };
  if (ack.action === 'subscribe-project' && ack.projectId !== undefined) return { projectId: ack.projectId, ...quiet };
  return null;
}

export function defaultSocketUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/ws`;
}

export const liveSocket = new LiveSocket(defaultSocketUrl);
