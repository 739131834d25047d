// The event bus across nodes (docs/decisions/0015-events-across-nodes.md). Events published
// locally leave in publish order through one serial sender, which puts whatever is waiting into as
// few notifications as fit; every notification from another node is turned back into its events
// and published here as remote, in arrival order per origin (a read from the database never lets a
// later event overtake), so the WebSocket clients of any node see every event. Notifications carry
// ids, not bodies: stored transcript entries are named by conversation and seq range, read back
// with one query; any other event goes inline when it fits, else through the outbox table. Stream
// deltas (live-only previews of a message the store keeps once it is whole) that wait to be sent
// are merged: a delta joins the waiting one of its message when nothing of its conversation and no
// other kind of event is queued after that one, so a fast stream travels as a few deltas rather
// than thousands. Each notification has its origin and a per-origin sequence number: a gap (a
// notification that could not be sent) makes this node's clients resync, as does a dropped
// listening connection.
import type { ServerEvent, UnifiedMessage } from '@bottega/protocol';
import type { Db } from '../db/open';
import type { EventBus } from '../events/bus';
import type { Logger } from '../logger';
import { servedEntries } from '../harness/usage-record';
import { byteLength, MAX_NOTIFY_BYTES, notify, readOutbox, writeOutbox } from './notify';

/** A run of stored transcript entries of one conversation, `from` to `to` (seq, both included). */
interface EntryRange {
  projectId: number;
  taskId: number;
  conversationId: number;
  from: number;
  to: number;
}

/** One or more events on the wire: inline (`e`), stored transcript entries (`m`), or an outbox row (`x`). */
type Item = { e: ServerEvent } | { m: EntryRange } | { x: number };

/** One notification: its origin, the origin's sequence number for it, and its items in publish order. */
interface Note {
  o: string;
  n: number;
  b: Item[];
}

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

/** Room for `to` growing while a range is extended (a safe integer has at most 16 digits). */
const RANGE_GROWTH_BYTES = 16;

/** A merged stream delta grows to this much text at most; the next delta starts another. */
const MAX_MERGED_DELTA_CHARS = 2048;

type MessageEvent = Extract<ServerEvent, { type: 'message' }>;
type StreamDelta = Extract<MessageEvent['message'], { type: 'stream_delta' }>;
type DeltaEvent = MessageEvent & { message: StreamDelta };

/** A stored transcript entry (seq > 0), read back from the store by the receivers; stream deltas are not stored. */
const storedEntry = (event: ServerEvent): MessageEvent | null => (event.type === 'message' && event.message.seq > 0 ? event : null);

const deltaKey = (delta: DeltaEvent): string => `${delta.conversationId}\u0000${delta.message.kind}\u0000${delta.message.parentId}`;

const streamDelta = (event: ServerEvent): DeltaEvent | null =>
  event.type === 'message' && event.message.type === 'stream_delta' ? (event as DeltaEvent) : null;

/**
 * Two deltas of one message as one: the text joined. A merged delta stands for several native
 * payloads, so it carries none (`raw` null); its id and time are the first one's.
 */
const mergedDelta = (first: DeltaEvent, next: DeltaEvent): DeltaEvent => ({
  ...first,
  message: { ...first.message, text: first.message.text + next.message.text, raw: null },
});

export class EventBridge {
  private seq = 0;
  /** Local events not sent yet, in publish order. */
  private readonly queue: ServerEvent[] = [];
  /** How many events were ever taken from the queue: `queue[i]` is event number `dequeued + i`. */
  private dequeued = 0;
  /** Where, by event number, the last waiting delta of each message is (by conversation, parent and kind). */
  private readonly lastDelta = new Map<string, number>();
  /** Where, by event number, the last waiting message event of each conversation is. */
  private readonly lastOfConversation = new Map<number, number>();
  /** The number of the last waiting event that is not a message event (no delta merges across it). */
  private lastOther = -1;
  private sending: Promise<void> | null = null;
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
    if (this.merged(event)) return;
    if (this.queue.length >= MAX_UNSENT) {
      // A sequence number never sent: the receivers notice the gap and resync their clients.
      this.seq += 1;
      this.deps.logger.warn({ eventType: event.type }, 'cluster event sender too far behind; event dropped');
      return;
    }
    const at = this.dequeued + this.queue.length;
    this.queue.push(event);
    if (event.type === 'message') {
      this.lastOfConversation.set(event.conversationId, at);
      const delta = streamDelta(event);
      if (delta) this.lastDelta.set(deltaKey(delta), at);
    } else this.lastOther = at;
    this.sending ??= this.sendQueued();
  }

  /** Joins a delta to the waiting delta of its message, when nothing that must stay after it was queued since. */
  private merged(event: ServerEvent): boolean {
    const delta = streamDelta(event);
    if (!delta) return false;
    const at = this.lastDelta.get(deltaKey(delta));
    if (at === undefined || at < this.dequeued || at < this.lastOther || this.lastOfConversation.get(delta.conversationId) !== at)
      return false;
    const waiting = this.queue[at - this.dequeued] as DeltaEvent;
    if (waiting.message.text.length + delta.message.text.length > MAX_MERGED_DELTA_CHARS) return false;
    this.queue[at - this.dequeued] = mergedDelta(waiting, delta);
    return true;
  }

  /** Takes `count` events from the head of the queue; the merge positions of events gone are forgotten. */
  private take(count: number): void {
    this.queue.splice(0, count);
    this.dequeued += count;
    if (this.queue.length === 0) {
      this.lastDelta.clear();
      this.lastOfConversation.clear();
    } else if (this.lastDelta.size + this.lastOfConversation.size > 4096) {
      for (const [key, at] of this.lastDelta) if (at < this.dequeued) this.lastDelta.delete(key);
      for (const [key, at] of this.lastOfConversation) if (at < this.dequeued) this.lastOfConversation.delete(key);
    }
  }

  /** Sends what is waiting, as few notifications as fit, each committed before the next (so received in order). */
  private async sendQueued(): Promise<void> {
    // Started after the current burst of publishes: the runtime publishes a stored batch in one go.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const n = ++this.seq;
      try {
        await notify(this.deps.db, this.deps.channel, await this.takeNote(n));
      } catch (err) {
        // The receivers notice the missing sequence number and resync their clients.
        this.deps.logger.warn({ err: (err as Error).message, n }, 'cluster events not sent');
      }
    }
    // In the same turn as the empty queue was seen: the next event starts a new sender.
    this.sending = null;
  }

  /**
   * Takes from the queue the events of one notification: as many as fit, consecutive stored entries
   * of one conversation as one range; or one event too large for a notification, through the outbox.
   */
  private async takeNote(n: number): Promise<string> {
    const o = this.deps.nodeId;
    const encode = (b: Item[]): string => JSON.stringify({ o, n, b } satisfies Note);
    let bytes = byteLength(encode([]));
    const first = this.queue[0]!;
    if (!storedEntry(first) && bytes + byteLength(JSON.stringify({ e: first })) > MAX_NOTIFY_BYTES) {
      this.take(1);
      return encode([{ x: await writeOutbox(this.deps.db, o, JSON.stringify(first), this.deps.now()) }]);
    }
    const items: Item[] = [];
    let taken = 0;
    for (; taken < this.queue.length; taken++) {
      const event = this.queue[taken]!;
      const entry = storedEntry(event);
      const last = items.at(-1);
      if (entry && last && 'm' in last && last.m.conversationId === entry.conversationId && last.m.to + 1 === entry.message.seq) {
        last.m.to = entry.message.seq;
        continue;
      }
      const item: Item = entry
        ? {
            m: {
              projectId: entry.projectId,
              taskId: entry.taskId,
              conversationId: entry.conversationId,
              from: entry.message.seq,
              to: entry.message.seq,
            },
          }
        : { e: event };
      // The comma, and room for a range's `to` to grow.
      const size = byteLength(JSON.stringify(item)) + 1 + (entry ? RANGE_GROWTH_BYTES : 0);
      if (bytes + size > MAX_NOTIFY_BYTES) break;
      items.push(item);
      bytes += size;
    }
    this.take(taken);
    return encode(items);
  }

  /** A notification on the events channel (in arrival order). */
  receive(payload: string): void {
    let note: Note;
    try {
      note = JSON.parse(payload) as Note;
      if (!Array.isArray(note.b)) throw new Error('no items');
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

  private async deliver(note: Note): Promise<void> {
    for (const item of note.b) {
      try {
        for (const event of await this.decode(item)) this.deps.bus.publishRemote(event);
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message, origin: note.o }, 'cluster event could not be read; clients resync');
        this.deps.resync('event unreadable');
      }
    }
  }

  private async decode(item: Item): Promise<ServerEvent[]> {
    if ('e' in item) return [item.e];
    if ('x' in item) {
      const payload = await readOutbox(this.deps.db, item.x);
      if (payload === null) throw new Error(`outbox row ${item.x} is gone`);
      return [JSON.parse(payload) as ServerEvent];
    }
    const { projectId, taskId, conversationId } = item.m;
    // A conversation deleted meanwhile: its entries are gone, and so is anyone's interest in them.
    const messages = await this.storedMessages(item.m);
    return messages.map((message) => ({ type: 'message', projectId, taskId, conversationId, message }));
  }

  /** The entries as the origin published them: as stored, a `result` priced by the one cost rule (as the API serves it). */
  private storedMessages({ conversationId, from, to }: EntryRange): Promise<UnifiedMessage[]> {
    return servedEntries(this.deps.db, conversationId, { from, to });
  }
}
