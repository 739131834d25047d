// The one typed event catalogue: used by the server's in-process bus and sent
// as-is over the WebSocket wire. Every event names the project and task it is
// about so the hub can route it to exactly the subscribers of that channel.
import { z } from 'zod';
import type { ContextUsage, UnifiedMessage, UserQuestion } from './messages';
import type { RunQueueDto } from './capacity';
import { RowId } from './domain';
import type { AgentRunDto, ConversationDto, ProjectCloneDto, TaskDto } from './presenters';

export type ServerEvent =
  /** A clone by URL moved on (phase, percent), failed (`clone.error`) or finished (`clone: null`). Project channel only. */
  | { type: 'project.clone'; projectId: number; taskId?: undefined; clone: ProjectCloneDto | null }
  | { type: 'task.created'; projectId: number; taskId: number; task: TaskDto }
  | { type: 'task.updated'; projectId: number; taskId: number; task: TaskDto }
  | { type: 'task.deleted'; projectId: number; taskId: number }
  | { type: 'task.blocked'; projectId: number; taskId: number; reason: string | null }
  | { type: 'agent-run.updated'; projectId: number; taskId: number; run: AgentRunDto }
  | { type: 'conversation.added'; projectId: number; taskId: number; conversation: ConversationDto }
  | { type: 'conversation.renamed'; projectId: number; taskId: number; conversationId: number; title: string }
  | { type: 'streaming.started'; projectId: number; taskId: number; conversationId: number }
  /** A chat turn waits for a run slot (`queue`), or got one (`queue: null`) just before it streams. */
  | { type: 'turn.queued'; projectId: number; taskId: number; conversationId: number; queue: RunQueueDto | null }
  /** Queued runs of the project moved in line: each one's place now (project channel only). */
  | { type: 'runs.queue'; projectId: number; taskId?: undefined; queue: Record<number, RunQueueDto> }
  | { type: 'streaming.ended'; projectId: number; taskId: number; conversationId: number }
  | { type: 'session.created'; projectId: number; taskId: number; conversationId: number; providerSessionId: string }
  | { type: 'message'; projectId: number; taskId: number; conversationId: number; message: UnifiedMessage }
  | { type: 'question.asked'; projectId: number; taskId: number; conversationId: number; toolUseId: string; questions: UserQuestion[] }
  /** The question no longer waits: answered, or its turn stopped before an answer came. */
  | { type: 'question.answered'; projectId: number; taskId: number; conversationId: number; toolUseId: string }
  | { type: 'conversation.usage'; projectId: number; taskId: number; conversationId: number; contextUsage: ContextUsage };

export type ServerEventType = ServerEvent['type'];

/** Client → server WebSocket frames. */
export const ClientFrame = z.discriminatedUnion('action', [
  z.object({ action: z.literal('subscribe'), taskId: RowId }),
  z.object({ action: z.literal('unsubscribe'), taskId: RowId }),
  z.object({ action: z.literal('subscribe-project'), projectId: RowId }),
  z.object({ action: z.literal('unsubscribe-project'), projectId: RowId }),
  z.object({ action: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/**
 * Server → client frames: an event, an acknowledgement, or an error. An error
 * about a subscription names the task/project it concerns — also when the
 * server drops a subscription whose access was revoked.
 */
export type ServerFrame =
  | { kind: 'event'; event: ServerEvent }
  /** Several events published together, in order (bursts of transcript messages). */
  | { kind: 'events'; events: ServerEvent[] }
  /**
   * A subscription's acknowledgement carries `quietMs`: how long its channel had had no event
   * (rounded down, at most a minute). A read begun less than that long before is still current.
   */
  | { kind: 'ack'; action: ClientFrame['action']; taskId?: number; projectId?: number; quietMs?: number }
  | { kind: 'error'; code: string; message: string; action?: string; taskId?: number; projectId?: number }
  | { kind: 'pong' };

/** The events a server frame carries (none for acks, errors and pongs). */
export function eventsOfFrame(frame: ServerFrame): ServerEvent[] {
  if (frame.kind === 'event') return [frame.event];
  if (frame.kind === 'events') return frame.events;
  return [];
}
