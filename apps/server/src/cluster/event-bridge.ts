// The event bus across nodes (docs/decisions/0015-events-across-nodes.md). Every event published
// locally leaves as one notification, in publish order (one serial sender); every notification
// from another node is turned back into its event and published here as remote, in arrival order
// per origin (a read from the database never lets a later event overtake), so the WebSocket
// clients of any node see every event. Notifications carry ids, not bodies: a stored transcript
// entry is named by conversation and seq; any other event goes inline when it fits, else
// through the outbox table. Each notification has its origin and a per-origin sequence number: a
// gap (a notification that could not be sent) makes this node's clients resync, as does a
// dropped listening connection.
import type { ServerEvent, UnifiedMessage } from '@bottega/protocol';
import type { Db } from '../db/open';
import type { EventBus } from '../events/bus';
import type { Logger } from '../logger';
import { modelRates, withTurnCost } from '../harness/usage-record';
import { byteLength, MAX_NOTIFY_BYTES, notify, readOutbox, writeOutbox } from './notify';

/** One event on the wire: inline (`e`), a stored transcript entry (`m`), or an outbox row (`x`). */
type EventNote = { o: string; n: number } & (
  { e: ServerEvent } | { m: { projectId: number; taskId: number; conversationId: number; seq: number } } | { x: number }
);

export interface EventBridgeDeps {
  db: Db;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  /** This node's id (the origin of what it sends). */
  nodeId: string;
  channel: string;
  /** The node's clients may have missed events: make them reload. */
  resync(reason: string): void;
}

/** Events waiting to be sent beyond this are dropped (the receivers see the gap and resync). */
const MAX_UNSENT = 10_000;

export class EventBridge {
  private seq = 0;
  private sending: Promise<void> = Promise.resolve();
  private unsent = 0;
  /** Per origin: the last sequence number received, and the chain that publishes its events in order. */
  private readonly origins = new Map<string, { last: number; chain: Promise<void> }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: EventBridgeDeps) {
    this.unsubscribe = deps.bus.subscribe((event, origin) => {
      // An event from another node is never sent back out.
      if (!origin.remote) this.send(event);
    });
  }

  /** Stops sending and waits for what was already queued, sent or received. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.sending;
    await this.received();
  }

  /** Resolves once every event received so far was published here (or given up). */
  async received(): Promise<void> {
    await Promise.all([...this.origins.values()].map((state) => state.chain));
  }

  /** Forgets every origin's position: after a reconnect nothing can be compared with before. */
  reset(): void {
    for (const state of this.origins.values()) state.last = -1;
  }

  private send(event: ServerEvent): void {
    const n = ++this.seq;
    if (this.unsent >= MAX_UNSENT) {
      this.deps.logger.warn({ eventType: event.type }, 'cluster event sender too far behind; event dropped');
      return;
    }
    this.unsent += 1;
    this.sending = this.sending
      .then(async () => {
        await notify(this.deps.db, this.deps.channel, await this.encode(n, event));
      })
      .catch((err: unknown) => {
        // The receivers notice the missing sequence number and resync their clients.
        this.deps.logger.warn({ err: (err as Error).message, eventType: event.type }, 'cluster event not sent');
      })
      .finally(() => {
        this.unsent -= 1;
      });
  }

  private async encode(n: number, event: ServerEvent): Promise<string> {
    const o = this.deps.nodeId;
    // Stored entries (seq > 0) are read back from the transcript store; stream deltas are not stored.
    if (event.type === 'message' && event.message.seq > 0) {
      const { projectId, taskId, conversationId } = event;
      return JSON.stringify({ o, n, m: { projectId, taskId, conversationId, seq: event.message.seq } } satisfies EventNote);
    }
    const inline = JSON.stringify({ o, n, e: event } satisfies EventNote);
    if (byteLength(inline) <= MAX_NOTIFY_BYTES) return inline;
    const id = await writeOutbox(this.deps.db, o, JSON.stringify(event), this.deps.now());
    return JSON.stringify({ o, n, x: id } satisfies EventNote);
  }

  /** A notification on the events channel (in arrival order). */
  receive(payload: string): void {
    let note: EventNote;
    try {
      note = JSON.parse(payload) as EventNote;
    } catch {
      this.deps.logger.warn('unreadable cluster event notification ignored');
      return;
    }
    if (note.o === this.deps.nodeId) return;
    let state = this.origins.get(note.o);
    if (!state) {
      state = { last: note.n - 1, chain: Promise.resolve() };
      this.origins.set(note.o, state);
    }
    if (state.last >= 0 && note.n !== state.last + 1) {
      this.deps.logger.warn({ origin: note.o, expected: state.last + 1, got: note.n }, 'cluster events missed; clients resync');
      this.deps.resync('events missed');
    }
    state.last = note.n;
    state.chain = state.chain.then(() => this.deliver(note));
  }

  private async deliver(note: EventNote): Promise<void> {
    try {
      const event = await this.decode(note);
      if (event) this.deps.bus.publishRemote(event);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, origin: note.o }, 'cluster event could not be read; clients resync');
      this.deps.resync('event unreadable');
    }
  }

  private async decode(note: EventNote): Promise<ServerEvent | null> {
    if ('e' in note) return note.e;
    if ('x' in note) {
      const payload = await readOutbox(this.deps.db, note.x);
      if (payload === null) throw new Error(`outbox row ${note.x} is gone`);
      return JSON.parse(payload) as ServerEvent;
    }
    const { projectId, taskId, conversationId, seq } = note.m;
    const message = await this.storedMessage(conversationId, seq);
    // A conversation deleted meanwhile: its entries are gone, and so is anyone's interest in them.
    return message && { type: 'message', projectId, taskId, conversationId, message };
  }

  /** The entry as the origin published it: as stored, a `result` priced by the one cost rule (as the API serves it). */
  private async storedMessage(conversationId: number, seq: number): Promise<UnifiedMessage | null> {
    const { db } = this.deps;
    const row = await db
      .selectFrom('transcript_entries')
      .select('payload')
      .where('conversation_id', '=', conversationId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) return null;
    const message = JSON.parse(row.payload) as UnifiedMessage;
    if (message.type !== 'result') return message;
    const conversation = await db
      .selectFrom('conversations')
      .select(['provider', 'model'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return withTurnCost(message, await modelRates(db, conversation?.provider ?? null, conversation?.model ?? 'unknown'));
  }
}
