// Who listens to what: the two-way index between WebSocket connections and the
// task / project channels they subscribed to. Routing an event is a map lookup,
// never a scan of every connection; a connection appears at most once per event.
// It also knows how long each channel has been quiet, which a subscription's
// acknowledgement tells the client (see quietMs).
import type { ServerEvent, ServerEventType } from '@bottega/protocol';
import { assertNever } from '../errors';

/** Event types a project (board) subscription receives: what moves cards and changes what they show (a question waiting). */
export function isBoardEvent(type: ServerEventType): boolean {
  switch (type) {
    case 'task.created':
    case 'task.updated':
    case 'task.deleted':
    case 'task.blocked':
    case 'agent-run.updated':
    case 'project.clone':
    case 'runs.queue':
    case 'question.asked':
    case 'question.answered':
      return true;
    case 'conversation.added':
    case 'conversation.renamed':
    case 'streaming.started':
    case 'turn.queued':
    case 'streaming.ended':
    case 'session.created':
    case 'message':
    case 'conversation.usage':
      return false;
    default:
      return assertNever(type);
  }
}

/** How far back a channel's quiet is known; a longer quiet is reported as this. */
export const QUIET_HORIZON_MS = 60_000;

export class Channels<C> {
  private readonly tasks = new Map<number, Set<C>>();
  private readonly projects = new Map<number, Set<C>>();
  /** When each channel last had an event (monotonic ms), kept for QUIET_HORIZON_MS. */
  private readonly taskEvents = new Map<number, number>();
  private readonly projectEvents = new Map<number, number>();
  private readonly startedAt: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
  }

  addTask(conn: C, taskId: number): void {
    add(this.tasks, taskId, conn);
  }

  removeTask(conn: C, taskId: number): void {
    remove(this.tasks, taskId, conn);
  }

  addProject(conn: C, projectId: number): void {
    add(this.projects, projectId, conn);
  }

  removeProject(conn: C, projectId: number): void {
    remove(this.projects, projectId, conn);
  }

  /** Every connection that should receive `event`, each once. */
  targets(event: ServerEvent): Set<C> {
    const out = new Set<C>(event.taskId === undefined ? undefined : this.tasks.get(event.taskId));
    if (isBoardEvent(event.type)) {
      for (const conn of this.projects.get(event.projectId) ?? []) out.add(conn);
    }
    return out;
  }

  /** Notes an event on its channels, whether or not anyone listens yet. */
  sawEvent(event: ServerEvent): void {
    const at = this.now();
    if (event.taskId !== undefined) this.taskEvents.set(event.taskId, at);
    if (isBoardEvent(event.type)) this.projectEvents.set(event.projectId, at);
  }

  /**
   * How long the channel has had no event, rounded down, at most QUIET_HORIZON_MS (and no longer
   * than this node has been up). A client that began a read less than this long ago knows no
   * event it would have missed came between that read and its subscription.
   */
  quietMs(channel: { taskId: number } | { projectId: number }): number {
    const last = 'taskId' in channel ? this.taskEvents.get(channel.taskId) : this.projectEvents.get(channel.projectId);
    const now = this.now();
    return Math.max(0, Math.floor(Math.min(now - Math.max(last ?? -Infinity, this.startedAt), QUIET_HORIZON_MS)));
  }

  /** Forgets the channels quiet for longer than the horizon (their quiet reads as the horizon). */
  forgetQuiet(): void {
    const before = this.now() - QUIET_HORIZON_MS;
    for (const index of [this.taskEvents, this.projectEvents]) for (const [id, at] of index) if (at < before) index.delete(id);
  }

  /** Number of channels with at least one subscriber (for tests and metrics). */
  size(): number {
    return this.tasks.size + this.projects.size;
  }
}

function add<C>(index: Map<number, Set<C>>, key: number, conn: C): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(conn);
}

function remove<C>(index: Map<number, Set<C>>, key: number, conn: C): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(conn);
  if (set.size === 0) index.delete(key);
}
