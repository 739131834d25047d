// The Codex provider against the fake's limits with the REAL CLI (which never
// retries: request_max_retries 0): a plan's usage_limit_reached ends the turn
// as usage_limit with the reset Codex printed (to the end of its minute); a
// 429 with retry-after ends as a rate limit; an exhausted quota is fatal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { drain } from '../claude/provider.fixture';
import { createCodexWorld, type CodexWorld } from './provider.fixture';

let world: CodexWorld;
beforeEach(async () => {
  world = await createCodexWorld();
  await world.connect(1, 'sk-codex-limits-0000');
});
afterEach(async () => {
  await world.close();
});

describe('Codex limits', () => {
  it.each([
    ['today', 90_000],
    ['another day', 3 * 86_400_000],
  ])('a usage limit resetting %s rejects the turn with usage_limit and its reset', async (_when, inMs) => {
    const resetAt = new Date(Date.now() + inMs);
    world.fake.usageLimitUntil(resetAt, { planType: 'plus' });
    const { error } = await drain(world.provider.startTurn(await world.turn(1, 'Hello.')));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', kind: 'transient', code: 'usage_limit', retryAfterMs: null });
    expect((error as ProviderError).message).toMatch(/hit your usage limit/);
    // Codex prints the minute of the reset; it is read as the end of that minute.
    const reset = (error as ProviderError).resetAt?.getTime() ?? 0;
    expect(reset).toBeGreaterThanOrEqual(resetAt.getTime());
    expect(reset - resetAt.getTime()).toBeLessThanOrEqual(60_000);
    expect(world.fake.modelRequests().map((r) => r.response?.status)).toEqual([429]);
  });

  it('a 429 with retry-after is a transient rate limit, not retried by Codex', async () => {
    world.fake.rateLimitNext({ retryAfterS: 2 });
    const { error } = await drain(world.provider.startTurn(await world.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'transient', code: 'rate_limit', resetAt: null });
    expect(world.fake.modelRequests()).toHaveLength(1);
  });

  it('an exhausted API quota is fatal', async () => {
    const quota = {
      error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    };
    world.fake.failNext(429, { body: quota });
    const { error } = await drain(world.provider.startTurn(await world.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'fatal', code: 'usage_limit', message: expect.stringMatching(/Quota exceeded/) });
  });
});
