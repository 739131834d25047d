// The one cost rule: per-turn figures stay per turn when a provider reports its
// session's running total, and a model without a price never gets dollars.
import { describe, expect, it } from 'vitest';
import { turnCostUsd, turnShareOfRunningTotal, type ModelRates } from './cost';

const usage = { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 0 };
const rates: ModelRates = { inputPerMtok: 3, outputPerMtok: 15, cacheReadPerMtok: 0.3, cacheWritePerMtok: 3.75 };

describe('turnShareOfRunningTotal', () => {
  it('turns a running total into per-turn figures: three identical turns cost the same each', () => {
    const totals = [0.0555, 0.111, 0.1665];
    const perTurn = totals.map((t, i) => turnShareOfRunningTotal(t, i === 0 ? null : (totals[i - 1] ?? null)));
    expect(perTurn.map((c) => c?.toFixed(4))).toEqual(['0.0555', '0.0555', '0.0555']);
  });

  it('takes the whole figure when the counter started again, and nothing from an unusable one', () => {
    expect(turnShareOfRunningTotal(0.02, 0.5)).toBe(0.02);
    expect(turnShareOfRunningTotal(0.02, null)).toBe(0.02);
    expect(turnShareOfRunningTotal(0.5, 0.5)).toBe(0);
    expect(turnShareOfRunningTotal(null, 0.5)).toBeNull();
    expect(turnShareOfRunningTotal(Number.NaN, 0.5)).toBeNull();
    expect(turnShareOfRunningTotal(-1, null)).toBeNull();
  });
});

describe('turnCostUsd', () => {
  it('has no price, never dollars, for a model without a price row — even when the provider gave a figure', () => {
    expect(turnCostUsd({ usage, providerCostUsd: 0.0555 }, null)).toBeNull();
    expect(turnCostUsd({ usage, providerCostUsd: null }, null)).toBeNull();
  });

  it("prices a priced model by the provider's own figure for the turn when there is one", () => {
    expect(turnCostUsd({ usage, providerCostUsd: 0.0555 }, rates)).toBe(0.0555);
    expect(turnCostUsd({ usage, providerCostUsd: 0 }, rates)).toBe(0);
  });

  it('else by its tokens × the price table', () => {
    // 1M × $3 + 0.1M × $15 + 2M × $0.30 = $5.10
    expect(turnCostUsd({ usage, providerCostUsd: null }, rates)).toBeCloseTo(5.1, 10);
    expect(turnCostUsd({ usage, providerCostUsd: Number.NaN }, rates)).toBeCloseTo(5.1, 10);
  });
});
