// The one cost rule (docs/behaviour/usage.md#cost): what a turn cost, for the
// chat's per-turn line and for every usage total alike.
//
// 1. Per turn, never cumulative: a provider that reports the running total of
//    its whole session (Claude Code's `total_cost_usd`) is reduced to the
//    turn's own share — the difference from the session's previous total.
// 2. One price source: a model with a row in the admin price table is priced —
//    by the provider's own figure for the turn when it gave one, else by its
//    tokens × that row; a model without a row has no price, and no dollars are
//    ever shown for it (tokens are).
// `engine/usage-totals.ts` sums the same rule in SQL; its tests hold the two together.
import type { TokenUsage } from './messages';

/** US dollars per million tokens, as in the admin price table. */
export interface ModelRates {
  inputPerMtok: number;
  outputPerMtok: number;
  cacheReadPerMtok: number;
  cacheWritePerMtok: number;
}

const usable = (usd: number | null | undefined): usd is number => typeof usd === 'number' && Number.isFinite(usd) && usd >= 0;

/**
 * The turn's own share of a session's running total: `runningTotal` minus the
 * previous turn's running total. A total lower than the previous one means the
 * provider started counting again (a cleared or fresh session), so the whole
 * figure is this turn's. Null when the provider gave no usable figure.
 */
export function turnShareOfRunningTotal(runningTotalUsd: number | null, previousRunningTotalUsd: number | null): number | null {
  if (!usable(runningTotalUsd)) return null;
  if (!usable(previousRunningTotalUsd) || runningTotalUsd < previousRunningTotalUsd) return runningTotalUsd;
  return runningTotalUsd - previousRunningTotalUsd;
}

/**
 * What one turn cost: null when its model has no price (`rates` null), else the
 * provider's own per-turn figure when it gave one, else tokens × rates.
 */
export function turnCostUsd(turn: { usage: TokenUsage; providerCostUsd: number | null }, rates: ModelRates | null): number | null {
  if (rates === null) return null;
  if (usable(turn.providerCostUsd)) return turn.providerCostUsd;
  const u = turn.usage;
  return (
    (u.inputTokens * rates.inputPerMtok +
      u.outputTokens * rates.outputPerMtok +
      u.cacheReadTokens * rates.cacheReadPerMtok +
      u.cacheWriteTokens * rates.cacheWritePerMtok) /
    1_000_000
  );
}
