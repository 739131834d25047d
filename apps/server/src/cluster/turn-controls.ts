// Stop and question answers for a turn wherever it runs (docs/decisions/0015-events-across-nodes.md):
// a turn lives in the memory of the node executing it (its agent process, the promise its question
// waits on), so a request that reaches another node is sent over the control channel, the node
// holding the turn acts, and the asking node answers from its reply. On SQLite (one process), and
// for a turn live here, the local runtime acts directly.
import { assertNever } from '../errors';
import type { HarnessRuntime } from '../harness/runtime';
import type { QuestionAnswers } from '../harness/contract';

export type TurnRequest =
  | { op: 'stop'; conversationId: number; by?: string }
  | { op: 'answer'; conversationId: number; toolUseId: string; answers: QuestionAnswers }
  | { op: 'live'; conversationId: number };

/** A node's reply: whether the turn is live there, and whether the request was carried out. */
export interface TurnReply {
  live: boolean;
  done: boolean;
}

/** The way to the other nodes: asks them all, resolves with the reply of the one holding the turn. */
export interface ControlLink {
  ask(request: TurnRequest): Promise<TurnReply>;
}

type LiveState = Awaited<ReturnType<HarnessRuntime['liveState']>>;

const NOT_HERE: TurnReply = { live: false, done: false };

export class TurnControls {
  private link: ControlLink | null = null;

  constructor(private readonly harness: Pick<HarnessRuntime, 'isLive' | 'stop' | 'answer' | 'liveState'>) {}

  /** Set when the cluster bridge starts (PostgreSQL); cleared when it stops. */
  connect(link: ControlLink | null): void {
    this.link = link;
  }

  /**
   * Stops the turn: here when it is live here, else on the node where it is. The node holding the
   * turn runs the whole stop, the run's Stop transition included: the run must be failed before
   * its process ends (docs/behaviour/loop.md#stop), and only that node knows the turn's run.
   */
  async stop(conversationId: number, by?: string): Promise<boolean> {
    if (this.harness.isLive(conversationId) || !this.link) return this.harness.stop(conversationId, by);
    const reply = await this.link.ask({ op: 'stop', conversationId, ...(by === undefined ? {} : { by }) });
    return reply.done;
  }

  /** `answered` when the question waiting with that id got the answer, `live` when the turn runs without it, `idle` when no node runs the turn. */
  async answer(conversationId: number, toolUseId: string, answers: QuestionAnswers): Promise<'answered' | 'live' | 'idle'> {
    if (this.harness.answer(conversationId, toolUseId, answers)) return 'answered';
    if (this.harness.isLive(conversationId)) return 'live';
    if (!this.link) return 'idle';
    const reply = await this.link.ask({ op: 'answer', conversationId, toolUseId, answers });
    return reply.done ? 'answered' : reply.live ? 'live' : 'idle';
  }

  /**
   * The conversation's live state as `GET …/live` serves it. The waiting question is read from the
   * database either way; a turn running on another node shows as streaming (its thinking so far
   * and its place in a queue stay with that node; its events bring them here as they change).
   */
  async liveState(conversationId: number): Promise<LiveState> {
    const here = await this.harness.liveState(conversationId);
    if (here.streaming || here.queue !== null || this.harness.isLive(conversationId) || !this.link) return here;
    return (await this.link.ask({ op: 'live', conversationId })).live ? { ...here, streaming: true } : here;
  }

  /** Whether a turn of the conversation runs on any node. */
  async isLive(conversationId: number): Promise<boolean> {
    if (this.harness.isLive(conversationId)) return true;
    if (!this.link) return false;
    return (await this.link.ask({ op: 'live', conversationId })).live;
  }

  /** Carries out another node's request when the turn is live here. */
  async handle(request: TurnRequest): Promise<TurnReply> {
    if (!this.harness.isLive(request.conversationId)) return NOT_HERE;
    switch (request.op) {
      case 'stop':
        return { live: true, done: await this.harness.stop(request.conversationId, request.by) };
      case 'answer':
        return { live: true, done: this.harness.answer(request.conversationId, request.toolUseId, request.answers) };
      case 'live':
        return { live: true, done: true };
      default:
        return assertNever(request);
    }
  }
}
