// The control channel between nodes: a request about a turn goes to every live node, each
// replies whether it holds the turn (and did what was asked), and the asking node waits —
// bounded — for the holder's reply or for every node's "not here". Requests too large for a
// notification (long answers) travel through the outbox table like large events.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { byteLength, MAX_NOTIFY_BYTES, notify, readOutbox, writeOutbox } from './notify';
import type { ControlLink, TurnReply, TurnRequest } from './turn-controls';

type ControlNote =
  | { k: 'ask'; id: string; from: string; request: TurnRequest }
  | { k: 'ask'; id: string; from: string; x: number }
  | { k: 'reply'; id: string; from: string; to: string; live: boolean; done: boolean };

export interface ControlChannelDeps {
  db: Db;
  logger: Logger;
  now: () => Date;
  nodeId: string;
  channel: string;
  /** The ids of the nodes alive now (this one included or not). */
  liveNodes(): Promise<string[]>;
  /** Acts on a request from another node. */
  handle(request: TurnRequest): Promise<TurnReply>;
}

/**
 * How long the asking node waits. A Stop's reply comes once the turn has ended (its agent's
 * process tree included), which takes longer than handing over an answer.
 */
export const REPLY_TIMEOUT_MS: Record<TurnRequest['op'], number> = { stop: 15_000, answer: 5_000, live: 5_000 };

interface Waiting {
  expected: Set<string>;
  settle(reply: TurnReply): void;
}

export class ControlChannel implements ControlLink {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly deps: ControlChannelDeps) {}

  async ask(request: TurnRequest): Promise<TurnReply> {
    const { deps } = this;
    const others = (await deps.liveNodes()).filter((id) => id !== deps.nodeId);
    if (others.length === 0) return { live: false, done: false };
    const id = randomUUID();
    const replied = new Promise<TurnReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new AppError('CONFLICT', 'another node of the deployment did not answer in time; try again'));
      }, REPLY_TIMEOUT_MS[request.op]);
      this.waiting.set(id, {
        expected: new Set(others),
        settle: (reply) => {
          clearTimeout(timer);
          this.waiting.delete(id);
          resolve(reply);
        },
      });
    });
    try {
      let payload = JSON.stringify({ k: 'ask', id, from: deps.nodeId, request } satisfies ControlNote);
      if (byteLength(payload) > MAX_NOTIFY_BYTES) {
        const x = await writeOutbox(deps.db, deps.nodeId, JSON.stringify(request), deps.now());
        payload = JSON.stringify({ k: 'ask', id, from: deps.nodeId, x } satisfies ControlNote);
      }
      await notify(deps.db, deps.channel, payload);
    } catch (err) {
      this.waiting.get(id)?.settle({ live: false, done: false });
      throw err;
    }
    return replied;
  }

  /** A notification on the control channel. */
  receive(payload: string): void {
    let note: ControlNote;
    try {
      note = JSON.parse(payload) as ControlNote;
    } catch {
      this.deps.logger.warn('unreadable cluster control notification ignored');
      return;
    }
    if (note.from === this.deps.nodeId) return;
    if (note.k === 'reply') {
      if (note.to !== this.deps.nodeId) return;
      const waiting = this.waiting.get(note.id);
      if (!waiting) return;
      waiting.expected.delete(note.from);
      if (note.live) waiting.settle({ live: true, done: note.done });
      else if (waiting.expected.size === 0) waiting.settle({ live: false, done: false });
      return;
    }
    void this.answer(note).catch((err: unknown) => {
      this.deps.logger.warn({ err: (err as Error).message, from: note.from }, 'cluster control request not answered');
    });
  }

  private async answer(note: Extract<ControlNote, { k: 'ask' }>): Promise<void> {
    const { deps } = this;
    let request: TurnRequest;
    if ('x' in note) {
      const stored = await readOutbox(deps.db, note.x);
      if (stored === null) return;
      request = JSON.parse(stored) as TurnRequest;
    } else {
      request = note.request;
    }
    const reply = await deps.handle(request);
    const out: ControlNote = { k: 'reply', id: note.id, from: deps.nodeId, to: note.from, ...reply };
    await notify(deps.db, deps.channel, JSON.stringify(out));
  }
}
