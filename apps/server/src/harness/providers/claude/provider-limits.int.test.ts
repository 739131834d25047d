// The Claude provider against the fake's limits with the REAL CLI: a
// subscription (OAuth) usage limit ends the turn as usage_limit with the
// scripted reset and no retry; a 429 with retry-after is retried by the CLI
// itself (CLAUDE_MAX_RETRIES), so a short burst completes and a long one ends
// as a rate limit.
import { directive } from '@bottega/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { CLAUDE_MAX_RETRIES } from './credentials';
import { saveClaudeCredentials } from './credentials';
import { createWorld, drain, typesOf, type World } from './provider.fixture';

let world: World | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

async function setUp(auth: 'oauth' | 'key'): Promise<World> {
  world = await createWorld();
  const credential = auth === 'oauth' ? { oauthToken: 'sk-ant-oat01-limits-0000' } : { apiKey: 'sk-ant-api03-limits-0000' };
  await saveClaudeCredentials(world.home, 1, { ...credential, baseUrl: world.fake.url });
  return world;
}

describe('usage limit of a subscription', () => {
  it('rejects the turn with usage_limit carrying the reset, without retrying', async () => {
    const w = await setUp('oauth');
    const resetAt = new Date(Date.now() + 3 * 3600_000);
    w.fake.usageLimitUntil(resetAt);
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'anthropic', kind: 'transient', code: 'usage_limit', retryAfterMs: null });
    expect((error as ProviderError).resetAt?.getTime()).toBe(Math.ceil(resetAt.getTime() / 1000) * 1000);
    expect((error as ProviderError).message).toMatch(/You've hit your 5-hour limit · resets/);
    expect(typesOf(messages)).toEqual(['system/init', 'system/rate_limit', 'system/error', 'result']);
    expect(w.fake.modelRequests().map((r) => r.response?.status)).toEqual([429]);
  });

  it('lets the turn through once the limit has reset', async () => {
    const w = await setUp('oauth');
    // Far enough ahead that a slowly starting CLI still meets the limit.
    w.fake.usageLimitUntil(new Date(Date.now() + 5000));
    const first = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(first.error).toMatchObject({ code: 'usage_limit' });
    const wait = ((first.error as ProviderError).resetAt?.getTime() ?? 0) - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, wait) + 50));
    const second = await drain(w.provider.startTurn(await w.turn(1, directive.say('back again'))));
    expect(second.error).toBeNull();
    expect(second.messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'back again' });
  });
});

describe('usage limit without a reset', () => {
  it('is fatal, saying that no reset time was given', async () => {
    const w = await setUp('oauth');
    const headers = { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-representative-claim': 'five_hour' };
    w.fake.failNext(429, { headers, count: 3 });
    const { error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'fatal', code: 'usage_limit', resetAt: null });
    expect((error as ProviderError).message).toMatch(/no reset time was given/);
    expect(w.fake.modelRequests()).toHaveLength(1);
  });
});

describe('rate limit with retry-after', () => {
  it('completes when the CLI retries past a short burst of 429s', async () => {
    const w = await setUp('key');
    w.fake.rateLimitNext({ retryAfterS: 1, count: CLAUDE_MAX_RETRIES });
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, directive.say('through'))));
    expect(error).toBeNull();
    expect(typesOf(messages).filter((t) => t === 'system/retry')).toHaveLength(CLAUDE_MAX_RETRIES);
    expect(w.fake.modelRequests().map((r) => r.response?.status)).toEqual([...Array<number>(CLAUDE_MAX_RETRIES).fill(429), 200]);
  });

  it('ends as a transient rate limit when the 429s outlast the CLI retries', async () => {
    const w = await setUp('oauth');
    w.fake.rateLimitNext({ retryAfterS: 1, count: CLAUDE_MAX_RETRIES + 1 });
    const { error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'transient', code: 'rate_limit', resetAt: null });
    expect((error as ProviderError).message).toMatch(/not your usage limit/);
    expect(w.fake.modelRequests()).toHaveLength(CLAUDE_MAX_RETRIES + 1);
  });
});
