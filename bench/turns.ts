// What the per-turn overhead benchmarks (chat-turns, codex-turn, opencode-turn)
// share: chat turns driven through the product as the web app drives them (an
// HTTP request in, the turn's end seen on the WebSocket), and the paired rounds
// that compare them with the same turn run straight through the vendor's SDK.
// Each round measures two pairs — the first turn of a new conversation (a new
// session on both sides) and a follow-up turn in one long conversation (the
// same session resumed on both sides) — each pair with its two turns back to
// back, in alternating order, after the previous turn's leftovers are gone.
import { eventsOfFrame, type ProviderName, type ServerFrame } from '@bottega/protocol';
import WebSocket from 'ws';
import type { Deps } from '../apps/server/src/deps';
import { taskTurnSetup } from '../apps/server/src/engine/turn-setup';
import type { TurnOptions } from '../apps/server/src/harness/contract';
import { apiClient, measurePair, reportInterval, reportPairs } from './lib';

export interface ChatDriver {
  /** Starts a conversation with `message`; resolves when its turn has ended, with the time it took. */
  start(message: string): Promise<{ ms: number; conversationId: number }>;
  /** Sends `message` in the conversation; resolves when that turn has ended, with the time it took. */
  follow(conversationId: number, message: string): Promise<number>;
  close(): void;
}

/** Chat turns on one task through the product's API, timed from the request to `streaming.ended` on the WebSocket. */
export async function chatDriver(url: string, auth: string, taskId: number, provider: ProviderName, model: string): Promise<ChatDriver> {
  const call = apiClient(url, auth);
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: auth } });
  await new Promise((r) => ws.once('open', r));
  const ended = new Map<number, number>();
  const lastResult = new Map<number, string>();
  const waiters = new Map<number, { count: number; resolve: () => void }>();
  ws.on('message', (data) => {
    for (const e of eventsOfFrame(JSON.parse(String(data)) as ServerFrame)) {
      if (e.type === 'message' && e.message.type === 'result') lastResult.set(e.conversationId, e.message.status);
      if (e.type !== 'streaming.ended') continue;
      const n = (ended.get(e.conversationId) ?? 0) + 1;
      ended.set(e.conversationId, n);
      const w = waiters.get(e.conversationId);
      if (w && n >= w.count) {
        waiters.delete(e.conversationId);
        w.resolve();
      }
    }
  });
  await new Promise<void>((resolve) => {
    ws.once('message', () => resolve());
    ws.send(JSON.stringify({ action: 'subscribe', taskId }));
  });
  /** Waits for the conversation's `count`-th turn to end; a turn that did not succeed fails the benchmark. */
  const endOf = async (conversationId: number, count: number) => {
    if ((ended.get(conversationId) ?? 0) < count) await new Promise<void>((resolve) => waiters.set(conversationId, { count, resolve }));
    const status = lastResult.get(conversationId);
    if (status !== 'success') throw new Error(`the turn of conversation ${conversationId} ended with ${status ?? 'no result'}`);
  };
  return {
    async start(message) {
      const t0 = performance.now();
      const { conversation } = await call<{ conversation: { id: number } }>('POST', `/api/tasks/${taskId}/conversations`, {
        provider,
        model,
        message,
      });
      await endOf(conversation.id, 1);
      return { ms: performance.now() - t0, conversationId: conversation.id };
    },
    async follow(conversationId, message) {
      const count = (ended.get(conversationId) ?? 0) + 1;
      lastResult.delete(conversationId);
      const t0 = performance.now();
      await call('POST', `/api/conversations/${conversationId}/messages`, { message });
      await endOf(conversationId, count);
      return performance.now() - t0;
    },
    close: () => ws.close(),
  };
}

/** The baseline: the same turn straight through the vendor's SDK. */
export interface BareTurns {
  /** A new session's first turn: its time and the session it made. */
  first(): Promise<{ ms: number; session: string }>;
  /** A turn that resumes `session`. */
  follow(session: string): Promise<number>;
}

export interface PerTurnComparison {
  /** E.g. `Claude Code` (names the result lines). */
  label: string;
  prompt: string;
  pairs: number;
  /** The pause before every timed turn: the previous turn's process sweep and sandbox teardown run in it, untimed. */
  settleMs: number;
  bare: BareTurns;
  product: ChatDriver;
  /** Work the product does after a turn, outside the timed part (the new conversation's title): awaited before the next turn. */
  afterProductTurn: () => Promise<void>;
  target: number;
}

/** One timed turn: its wall-clock time and the CPU this process spent meanwhile (ms). */
interface Timed {
  ms: number;
  cpu: number;
}

/** Runs the warm-up and the paired rounds, then prints both comparisons beside the target. */
export async function comparePerTurn(c: PerTurnComparison): Promise<void> {
  /** Settles, then times `turn` and the CPU of this process during it (user and system, every thread). */
  const timed = async (turn: () => Promise<number>): Promise<Timed> => {
    await new Promise((r) => setTimeout(r, c.settleMs));
    const cpu0 = process.cpuUsage();
    const ms = await turn();
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpu: (cpu.user + cpu.system) / 1000 };
  };
  // Warm-up (a first turn and a follow-up on each side); the follow-ups of the rounds continue these two conversations.
  const { session } = await c.bare.first();
  await c.bare.follow(session);
  const { conversationId } = await c.product.start(c.prompt);
  await c.afterProductTurn();
  await c.product.follow(conversationId, c.prompt);
  const first: { baseline: Timed; product: Timed }[] = [];
  const follow: { baseline: Timed; product: Timed }[] = [];
  for (let round = 0; round < c.pairs; round++) {
    first.push(
      await measurePair(
        round,
        () => timed(async () => (await c.bare.first()).ms),
        async () => {
          const t = await timed(async () => (await c.product.start(c.prompt)).ms);
          await c.afterProductTurn();
          return t;
        },
      ),
    );
    follow.push(
      await measurePair(
        round,
        () => timed(() => c.bare.follow(session)),
        () => timed(() => c.product.follow(conversationId, c.prompt)),
      ),
    );
  }
  const report = (kind: string, names: { baseline: string; product: string }, pairs: { baseline: Timed; product: Timed }[]) => {
    // BENCH_RAW=1 prints every pair (the baseline ran first in even rounds) for a closer look.
    if (process.env.BENCH_RAW) for (const [round, p] of pairs.entries()) console.log(`RAW    ${kind} ${round} ${JSON.stringify(p)}`);
    reportPairs(
      { ...names, difference: `per-turn overhead added by Bottega on ${c.label}, ${kind}` },
      pairs.map((p) => ({ baseline: p.baseline.ms, product: p.product.ms })),
      c.target,
    );
    // The Bottega server runs in this process; so does the SDK on both sides: the difference is the product's own work.
    reportInterval(
      '  CPU of this process added per turn (the server; the SDK runs here on both sides), paired differences',
      pairs.map((p) => p.product.cpu - p.baseline.cpu),
      'ms',
    );
  };
  report(
    'first turn of a conversation',
    {
      baseline: `first turn, bare SDK (a new session; 2 model requests + 1 command)`,
      product: `first turn through Bottega (a new conversation: HTTP → runtime → store → WebSocket)`,
    },
    first,
  );
  report(
    'follow-up turn',
    {
      baseline: `follow-up turn, bare SDK (the session resumed)`,
      product: `follow-up turn through Bottega (a message in the conversation)`,
    },
    follow,
  );
}

/**
 * The options the product gives a chat turn on the task — its worktree, its context prompt as the system
 * prompt, its confinement, the user's provider environment — for the baseline's SDK call, so that both
 * sides make the CLI do the same work.
 */
export async function chatTurnOptions(
  deps: Deps,
  taskId: number,
  userId: number,
  provider: ProviderName,
  model: string,
  prompt: string,
): Promise<TurnOptions> {
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
  const setup = await taskTurnSetup(deps, project, task, userId);
  return {
    cwd: setup.cwd,
    confinement: setup.confinement,
    model,
    effort: null,
    systemPrompt: setup.systemPrompt,
    permissionMode: setup.permissionMode,
    disallowedTools: setup.disallowedTools,
    env: await deps.providers.get(provider).environmentFor(userId),
    signal: new AbortController().signal,
    prompt,
  };
}

/** The product's sandbox in these benchmarks: required (as shipped where bubblewrap works), or off with BOTTEGA_SANDBOX=off to see its share. */
export function benchSandbox(): 'required' | 'off' {
  return process.env.BOTTEGA_SANDBOX === 'off' ? 'off' : 'required';
}
