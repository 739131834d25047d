// Writes one usage record per finished turn from the turn's `result` message
// (docs/behaviour/usage.md#usage-records). Runs, tasks and projects are totalled from these rows.
import type { TokenUsage } from '@bottega/protocol';
import type { Deps } from '../deps';
import { iso } from '../time';

export interface TurnUsage {
  conversationId: number;
  provider: string;
  model: string;
  usage: TokenUsage;
  /** The provider's own figure for the turn, when it reports one. */
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
