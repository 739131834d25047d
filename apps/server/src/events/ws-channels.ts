// Who listens to what: the two-way index between WebSocket connections and the
// task / project channels they subscribed to. Routing an event is a map lookup,
// never a scan of every connection; a connection appears at most once per event.
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

export class Channels<C> {
  private readonly tasks = new Map<number, Set<C>>();
  private readonly projects = new Map<number, Set<C>>();

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
