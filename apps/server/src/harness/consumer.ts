// The one consumer of a turn's message stream (docs/behaviour/harness.md#stream-consumer): persists each batch
// (then, and only then, broadcasts it), captures the session id on first
// sight, keeps the live thinking text and the context usage, and reports how
// the stream ended. Deltas are broadcast but not stored: the complete message
// that follows them is. Each `result` also leaves a usage record (tokens and
// the provider's cost for that turn alone) that runs, tasks and projects are
// totalled from; a provider's session running total is first reduced to the
// turn's share, and the broadcast result carries the cost by the one cost rule.
import { turnShareOfRunningTotal, type ModelRates, type ServerEvent, type UnifiedMessage } from '@bottega/protocol';
import type { Deps } from '../deps';
import { modelRates, recordTurnUsage, withTurnCost } from './usage-record';
import { iso } from '../time';
import { withContextWindow } from './context-window';
import type { ProviderMessage, TurnHandle } from './contract';
import type { TranscriptStore } from './transcript-store';

export interface ConsumeTarget {
  conversationId: number;
  projectId: number;
  taskId: number;
  provider: UnifiedMessage['provider'];
  /** The conversation's model, stamped on its usage records. */
  model: string | null;
}

export interface LiveView {
  /** Thinking text streamed so far for the message in progress. */
  thinking: string;
}

export type StreamOutcome = { ok: true } | { ok: false; error: unknown };

type ConsumerDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now' | 'background'>;

export async function consumeTurn(
  deps: ConsumerDeps,
  store: TranscriptStore,
  target: ConsumeTarget,
  handle: TurnHandle,
  live: LiveView,
): Promise<StreamOutcome> {
  const route = { projectId: target.projectId, taskId: target.taskId, conversationId: target.conversationId };
  const publish = (event: ServerEvent) => deps.bus.publish(event);

  void handle.sessionId.then(
    (sessionId) =>
      // The write is background work: awaited on shutdown, its failure logged.
      deps.background.track(
        `session id conversation ${target.conversationId}`,
        (async () => {
          await deps.db
            .updateTable('conversations')
            .set({ provider_session_id: sessionId, updated_at: iso(deps.now()) })
            .where('id', '=', target.conversationId)
            .execute();
          publish({ type: 'session.created', ...route, providerSessionId: sessionId });
        })(),
      ),
    // No session: the turn ended before the provider started one; the stream below reports why.
    () => undefined,
  );

  // The session's running total as of the previous result (looked up once), and the model's price.
  let previousRunningCost: number | null | undefined;
  let rates: ModelRates | null | undefined;
  /** A result's cost for this turn alone, when its provider reports the session's running total. */
  const perTurn = async (message: ProviderMessage): Promise<ProviderMessage> => {
    if (message.type !== 'result' || message.runningCostUsd === undefined) return message;
    if (previousRunningCost === undefined) previousRunningCost = await store.lastRunningCost(target.conversationId, target.provider);
    const costUsd = turnShareOfRunningTotal(message.runningCostUsd, previousRunningCost);
    if (costUsd !== null) previousRunningCost = message.runningCostUsd ?? null;
    return { ...message, costUsd };
  };

  let pending: ProviderMessage[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let storeFailure: unknown = null;
  const flush = () => {
    const batch = pending;
    pending = [];
    const write = async () => {
      const turnBatch: ProviderMessage[] = [];
      for (const m of batch) turnBatch.push(await perTurn(m));
      const stored = await store.append(target.conversationId, turnBatch, target.provider);
      for (const message of stored) {
        if (message.type === 'result') rates ??= await modelRates(deps.db, target.provider, target.model ?? 'unknown');
        publish({ type: 'message', ...route, message: withTurnCost(message, rates ?? null) });
        if (message.type === 'result' && message.usage) {
          await recordTurnUsage(deps, {
            conversationId: target.conversationId,
            provider: target.provider,
            model: target.model ?? 'unknown',
            usage: message.usage,
            costUsd: message.costUsd,
          });
        }
        if (message.type === 'result' && message.contextUsage) {
          const contextUsage = withContextWindow(message.contextUsage, target.provider, target.model);
          await deps.db
            .updateTable('conversations')
            .set({ context_usage: JSON.stringify(contextUsage), updated_at: iso(deps.now()) })
            .where('id', '=', target.conversationId)
            .execute();
          publish({ type: 'conversation.usage', ...route, contextUsage });
        }
      }
    };
    flushing = flushing.then(write).catch((err: unknown) => {
      deps.logger.error({ err, conversationId: target.conversationId }, 'could not store transcript messages');
      storeFailure ??= err;
    });
    return flushing;
  };

  try {
    for await (const message of handle.messages) {
      if (message.type === 'stream_delta') {
        if (message.kind === 'thinking') live.thinking += message.text;
        publish({ type: 'message', ...route, message: { ...message, provider: target.provider, seq: 0, at: iso(deps.now()) } });
        continue;
      }
      if (message.type === 'assistant_thinking') live.thinking = '';
      pending.push(message);
      // Everything that arrived in the same tick goes into one transaction.
      if (pending.length === 1) setImmediate(() => void flush());
    }
    await flush();
    return storeFailure ? { ok: false, error: storeFailure } : { ok: true };
  } catch (error) {
    await flush();
    return { ok: false, error };
  }
}
