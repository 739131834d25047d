// OpenCode's announced retries: short ones are its own backoff, long ones are
// taken over as a rate limit or a usage limit.
import { describe, expect, it } from 'vitest';
import { LONG_RETRY_MS, USAGE_LIMIT_WAIT_MS, classifyRetryWait } from './errors';

const now = Date.parse('2026-12-03T22:00:00Z');
const retry = (waitMs: number) => ({ attempt: 1, message: 'Rate limit reached (fake).', next: now + waitMs });

describe('classifyRetryWait', () => {
  it('leaves a short wait to OpenCode', () => {
    expect(classifyRetryWait(retry(2_000), now)).toBeNull();
    expect(classifyRetryWait(retry(LONG_RETRY_MS), now)).toBeNull();
    expect(classifyRetryWait({ ...retry(0), next: Number.NaN }, now)).toBeNull();
  });

  it('takes a longer wait over as a rate limit with retryAfterMs', () => {
    const e = classifyRetryWait(retry(90_000), now);
    expect(e).toMatchObject({ provider: 'opencode', kind: 'transient', code: 'rate_limit', retryAfterMs: 90_000, resetAt: null });
    expect(e?.message).toMatch(/for 90 s: Rate limit reached/);
  });

  it('takes a wait of a quota window over as a usage limit resetting when OpenCode would retry', () => {
    const e = classifyRetryWait(retry(USAGE_LIMIT_WAIT_MS), now);
    expect(e).toMatchObject({ kind: 'transient', code: 'usage_limit', retryAfterMs: null });
    expect(e?.resetAt?.toISOString()).toBe('2026-12-03T22:15:00.000Z');
  });
});
