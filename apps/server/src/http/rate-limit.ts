// Fixed-window failure limiter for login and registration, keyed by whatever
// the caller chooses (an IP, or an IP and a username). Only failures are
// counted (a successful login does not use up the allowance).
import { AppError } from '../errors';

export class FailureRateLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Throws RATE_LIMITED when `key` has used up its failures in the current window. */
  check(key: string): void {
    const w = this.current(key);
    if (w && w.failures >= this.limit) {
      const retry = Math.ceil((w.start + this.windowMs - this.now()) / 1000);
      throw new AppError('RATE_LIMITED', `too many attempts; try again in ${retry} s`);
    }
  }

  recordFailure(key: string): void {
    const w = this.current(key) ?? { start: this.now(), failures: 0 };
    w.failures += 1;
    this.windows.set(key, w);
    if (this.windows.size > 10_000) this.sweep();
  }

  /** Forgets the failures of `key` (a successful login clears its own IP-and-username window). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string) {
    const w = this.windows.get(key);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
