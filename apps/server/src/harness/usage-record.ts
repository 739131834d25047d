// Writes one usage record per finished turn from the turn's `result` message
// (docs/behaviour/usage.md#usage-records). Runs, tasks and projects are totalled from these rows;
// the chat's per-turn cost is priced by the same rule from the same figures.
import { turnCostUsd, type ModelRates, type TokenUsage, type UnifiedMessage } from '@bottega/protocol';
import type { Deps } from '../deps';
import { iso } from '../time';

export interface TurnUsage {
  conversationId: number;
  provider: string;
  model: string;
  usage: TokenUsage;
  /** The provider's own figure for this turn alone (never a running total), when it reports one. */
  costUsd: number | null;
}

export async function recordTurnUsage(deps: Pick<Deps, 'db' | 'now'>, turn: TurnUsage): Promise<void> {
  const cost = turn.costUsd !== null && Number.isFinite(turn.costUsd) && turn.costUsd >= 0 ? turn.costUsd : null;
  await deps.db
    .insertInto('usage_records')
    .values({
      conversation_id: turn.conversationId,
      provider: turn.provider,
      model: turn.model,
      input_tokens: Math.max(0, Math.round(turn.usage.inputTokens)),
      output_tokens: Math.max(0, Math.round(turn.usage.outputTokens)),
      cache_read_tokens: Math.max(0, Math.round(turn.usage.cacheReadTokens)),
      cache_write_tokens: Math.max(0, Math.round(turn.usage.cacheWriteTokens)),
      reported_cost_usd: cost,
      created_at: iso(deps.now()),
    })
    .execute();
}

/** The price table's row for a model, or null: a model without one has no price. */
export async function modelRates(db: Deps['db'], provider: string | null, model: string | null): Promise<ModelRates | null> {
  if (provider === null || model === null) return null;
  const row = await db
    .selectFrom('model_prices')
    .select(['input_per_mtok', 'output_per_mtok', 'cache_read_per_mtok', 'cache_write_per_mtok'])
    .where('provider', '=', provider)
    .where('model', '=', model)
    .executeTakeFirst();
  if (!row) return null;
  return {
    inputPerMtok: row.input_per_mtok,
    outputPerMtok: row.output_per_mtok,
    cacheReadPerMtok: row.cache_read_per_mtok,
    cacheWritePerMtok: row.cache_write_per_mtok,
  };
}

/**
 * A message as the API serves it: a `result` carries the turn's cost by the one
 * cost rule (the figure its usage record is totalled with) — null when the model
 * has no price or the turn left no usage. Other messages are unchanged.
 */
export function withTurnCost(message: UnifiedMessage, rates: ModelRates | null): UnifiedMessage {
  if (message.type !== 'result') return message;
  const costUsd = message.usage ? turnCostUsd({ usage: message.usage, providerCostUsd: message.costUsd }, rates) : null;
  return { ...message, costUsd };
}

/**
 * A conversation's stored entries (those of seq `from` to `to` when given), in order, as the API
 * serves them: a `result` priced by the one cost rule.
 */
export async function servedEntries(
  db: Deps['db'],
  conversationId: number,
  range?: { from: number; to: number },
): Promise<UnifiedMessage[]> {
  let query = db.selectFrom('transcript_entries').select('payload').where('conversation_id', '=', conversationId);
  if (range) query = query.where('seq', '>=', range.from).where('seq', '<=', range.to);
  const messages = (await query.orderBy('seq').execute()).map((row) => JSON.parse(row.payload) as UnifiedMessage);
  if (!messages.some((m) => m.type === 'result')) return messages;
  const conversation = await db
    .selectFrom('conversations')
    .select(['provider', 'model'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  const rates = await modelRates(db, conversation?.provider ?? null, conversation?.model ?? 'unknown');
  return messages.map((m) => withTurnCost(m, rates));
}
