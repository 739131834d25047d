import { describe, expect, it } from 'vitest';
import { exactMedian, intervalVerdict, medianInterval, medianRank } from './stats';

describe('exactMedian', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(exactMedian([3, 1, 2])).toBe(2);
    expect(exactMedian([4, 1, 3, 2])).toBe(2.5);
    expect(exactMedian([])).toBeNaN();
  });
});

describe('medianRank', () => {
  // Binomial(n, ½) tails worked out by hand: P(B ≤ 0) for n = 5 is 1/32 = 3.1 % (> 2.5 %), for n = 6 1/64 = 1.6 %;
  // for n = 10, P(B ≤ 1) = 11/1024 = 1.1 % and P(B ≤ 2) = 56/1024 = 5.5 %.
  it('needs at least six values for 95 %', () => {
    expect(medianRank(5)).toBeNull();
    expect(medianRank(6)).toEqual({ k: 1, coverage: 1 - 2 / 64 });
  });

  it('takes the outermost ranks whose two tails stay within 2.5 % each', () => {
    expect(medianRank(10)?.k).toBe(2);
    expect(medianRank(10)?.coverage).toBeCloseTo(1 - 22 / 1024, 12);
    // n = 40: P(B ≤ 13) = 1.92 %, P(B ≤ 14) = 4.03 % (the published table's x(14)…x(27)).
    expect(medianRank(40)?.k).toBe(14);
    expect(medianRank(40)?.coverage).toBeCloseTo(0.9615, 4);
  });

  it('does not underflow for large n, and narrows towards the middle', () => {
    const r = medianRank(2000);
    expect(r).not.toBeNull();
    // Normal approximation: k ≈ n/2 − 1.96·√n/2 ≈ 956.
    expect(Math.abs(r!.k - 956)).toBeLessThanOrEqual(2);
    expect(r!.coverage).toBeGreaterThanOrEqual(0.95);
  });
});

describe('medianInterval', () => {
  it('bounds the median with the chosen order statistics', () => {
    const xs = Array.from({ length: 40 }, (_, i) => 40 - i); // 40 … 1, unsorted on purpose
    expect(medianInterval(xs)).toMatchObject({ median: 20.5, low: 14, high: 27, n: 40 });
  });

  it('has no interval for too few values', () => {
    expect(medianInterval([1, 2, 3])).toMatchObject({ median: 2, low: null, high: null, coverage: null });
  });
});

describe('intervalVerdict', () => {
  it('meets or misses a ceiling only when the whole interval is on one side', () => {
    expect(intervalVerdict({ low: 10, high: 40 }, 50)).toBe('MEETS');
    expect(intervalVerdict({ low: 10, high: 60 }, 50)).toBe('INCONCLUSIVE');
    expect(intervalVerdict({ low: 55, high: 60 }, 50)).toBe('MISSES');
    expect(intervalVerdict({ low: null, high: null }, 50)).toBe('INCONCLUSIVE');
  });

  it('and a floor likewise', () => {
    expect(intervalVerdict({ low: 120, high: 140 }, 100, 'above')).toBe('MEETS');
    expect(intervalVerdict({ low: 90, high: 140 }, 100, 'above')).toBe('INCONCLUSIVE');
    expect(intervalVerdict({ low: 60, high: 90 }, 100, 'above')).toBe('MISSES');
  });
});
