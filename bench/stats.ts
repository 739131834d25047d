// The statistics behind the benchmarks' verdicts, pure and small enough to
// check by hand: the median, its distribution-free confidence interval (two
// order statistics chosen with the binomial distribution; no assumption about
// the shape of the measurements), and the verdict of an interval against a
// target — MEETS or MISSES only when the whole interval is on one side.

/** The median (the mean of the two middle values when there is an even number of them). */
export function exactMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The rank k (1-based) of the order statistics x(k) and x(n+1−k) that bound a
 * confidence interval of the median of n values: the largest k with
 * P(Binomial(n, ½) ≤ k−1) ≤ (1 − confidence)/2. Each value falls below the true
 * median with probability ½, so the interval misses it only when k−1 or fewer
 * fall on one side. Null when n is too small for the confidence asked.
 * Also returns the interval's exact coverage, 1 − 2·P(Binomial(n, ½) ≤ k−1).
 */
export function medianRank(n: number, confidence = 0.95): { k: number; coverage: number } | null {
  const tail = (1 - confidence) / 2;
  // P(B = i) in logs, so large n does not underflow: log C(n, i) − n·log 2.
  let logP = -n * Math.LN2;
  let cdf = 0;
  let best: { k: number; coverage: number } | null = null;
  for (let i = 0; i < n / 2; i++) {
    cdf += Math.exp(logP); // P(B ≤ i)
    if (cdf > tail) break;
    best = { k: i + 1, coverage: 1 - 2 * cdf };
    logP += Math.log(n - i) - Math.log(i + 1);
  }
  return best;
}

export interface MedianInterval {
  median: number;
  /** The interval's bounds; null when there are too few values for the confidence asked. */
  low: number | null;
  high: number | null;
  /** The interval's exact coverage (≥ the confidence asked), or null. */
  coverage: number | null;
  n: number;
}

/** The median of `xs` and its distribution-free confidence interval (95 % unless told). */
export function medianInterval(xs: readonly number[], confidence = 0.95): MedianInterval {
  const s = [...xs].sort((a, b) => a - b);
  const rank = medianRank(s.length, confidence);
  return {
    median: exactMedian(s),
    low: rank ? s[rank.k - 1]! : null,
    high: rank ? s[s.length - rank.k]! : null,
    coverage: rank?.coverage ?? null,
    n: s.length,
  };
}

export type Verdict = 'MEETS' | 'MISSES' | 'INCONCLUSIVE';

/**
 * The verdict of an interval against a target that is a ceiling (`below`:
 * the figure must stay under it) or a floor (`above`: it must reach it).
 */
export function intervalVerdict(i: Pick<MedianInterval, 'low' | 'high'>, target: number, direction: 'below' | 'above' = 'below'): Verdict {
  if (i.low === null || i.high === null) return 'INCONCLUSIVE';
  if (direction === 'below') return i.high < target ? 'MEETS' : i.low >= target ? 'MISSES' : 'INCONCLUSIVE';
  return i.low >= target ? 'MEETS' : i.high < target ? 'MISSES' : 'INCONCLUSIVE';
}
