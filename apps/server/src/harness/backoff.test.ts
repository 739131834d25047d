import { describe, expect, it } from 'vitest';
import { backoffDelay, type BackoffPolicy } from './runtime';

const policy: BackoffPolicy = { retries: 5, baseMs: 1000, capMs: 30_000 };

describe('the wait before a rate-limited run tries again', () => {
  it('doubles with each attempt, with jitter between half and all of it', () => {
    expect(backoffDelay(0, null, policy, () => 0)).toBe(500);
    expect(backoffDelay(0, null, policy, () => 1)).toBe(1000);
    expect(backoffDelay(3, null, policy, () => 1)).toBe(8000);
    expect(backoffDelay(3, null, policy, () => 0.5)).toBe(6000);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(10, null, policy, () => 1)).toBe(30_000);
  });

  it("waits at least the vendor's Retry-After, itself bounded by the cap", () => {
    expect(backoffDelay(0, 7000, policy, () => 1)).toBe(7000);
    expect(backoffDelay(0, 10 * 60_000, policy, () => 1)).toBe(30_000);
  });

  it('spreads runs limited at the same moment', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffDelay(2, null, policy)));
    expect(waits.size).toBeGreaterThan(1);
  });
});
