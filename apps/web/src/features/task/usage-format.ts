// How token counts and costs read on screen: compact token counts (12.3k,
// 1.2M), dollars with enough digits for small amounts, and "no price" where
// the server could not price a model (a cost is never guessed).
import type { UsageTotalsDto } from '@bottega/protocol';

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 999_500) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}

export function formatCost(usd: number | null): string {
  if (usd === null) return 'no price';
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** Every token a set of turns used: fresh input, output and both cache directions. */
export function totalTokens(u: UsageTotalsDto): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

/** One line: "12.3k tokens · $0.04". */
export function usageSummary(u: UsageTotalsDto): string {
  return `${formatTokens(totalTokens(u))} tokens · ${formatCost(u.costUsd)}`;
}

/** The breakdown behind the summary, for a tooltip or a screen reader. */
export function usageDetail(u: UsageTotalsDto): string {
  return `input ${formatTokens(u.inputTokens)}, output ${formatTokens(u.outputTokens)}, cache read ${formatTokens(u.cacheReadTokens)}, cache write ${formatTokens(u.cacheWriteTokens)}`;
}
