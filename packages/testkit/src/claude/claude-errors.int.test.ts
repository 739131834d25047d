// How the real Claude Code CLI fails against the fake: API errors, a wrong key,
// a stalled stream stopped by abort, and which header carries which credential.
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '@anthropic-ai/claude-agent-sdk';
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { createClaudeWorld, trace } from './claude-cli.fixture';
import type { ClaudeWorld, TurnOutcome } from './claude-cli.fixture';
import type { FakeAnthropicOptions } from '@bottega/simulator';

let world: ClaudeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function open(options: FakeAnthropicOptions = {}): Promise<ClaudeWorld> {
  world = await createClaudeWorld(options);
  return world;
}

/**
 * With CLAUDE_CODE_MAX_RETRIES=0 an API error arrives three ways, in order:
 * 1. an `assistant` message with a synthetic reply (model `<synthetic>`): its
 *    text is the human-readable error, `error` is the SDK's category
 *    (`authentication_failed`, `rate_limit`, …), plus `api_error_status` and
 *    `api_error_type` (the API's error.type);
 * 2. a `result` whose subtype is still 'success' but with `is_error: true`,
 *    `api_error_status`, `terminal_reason: 'api_error'` and the same text;
 * 3. the iterator then throws `Error('Claude Code returned an error result: <text>')`.
 */
function expectApiError(outcome: TurnOutcome, status: number, category: string, text: RegExp): void {
  expect(trace(outcome.messages)).toEqual(['system/init', 'assistant:text', 'result/success']);
  const assistant = outcome.messages.find((m): m is Extract<SDKMessage, { type: 'assistant' }> => m.type === 'assistant');
  expect(assistant).toMatchObject({ error: category, api_error_status: status, message: { model: '<synthetic>' } });
  expect(assistant?.message.content).toEqual([{ type: 'text', text: expect.stringMatching(text) }]);
  expect(outcome.result).toMatchObject({
    is_error: true,
    api_error_status: status,
    terminal_reason: 'api_error',
    result: expect.stringMatching(text),
  });
  expect(outcome.error).toBeInstanceOf(Error);
  expect(String(outcome.error)).toMatch(/Claude Code returned an error result/);
}

describe('Claude Code failures against the fake', () => {
  it('ends the turn with an error result on a 401, without retrying', async () => {
    const w = await open();
    w.fake.failNext(401);
    const outcome = await w.turn('hello');
    expectApiError(outcome, 401, 'authentication_failed', /Invalid API key/);
    expect(outcome.messages[1]).toMatchObject({ api_error_type: 'authentication_error' });
    expect(w.fake.modelRequests()).toHaveLength(1);
  });

  it('reports a rate limit as its own category', async () => {
    const w = await open();
    w.fake.failNext(429);
    expectApiError(await w.turn('hello'), 429, 'rate_limit', /429/);
  });

  it('fails when the non-streaming fallback fails too', async () => {
    const w = await open();
    w.fake.failNext(500, { afterStreamStart: true, count: 2 });
    const outcome = await w.turn('hello');
    expectApiError(outcome, 500, 'server_error', /500|Internal server error/);
    expect(w.fake.modelRequests().map((r) => r.response?.kind)).toEqual(['stream-error', 'error']);
  });

  it('fails fast on a key the server does not accept', async () => {
    const w = await open({ requireAuth: { apiKey: 'the-right-key' } });
    const outcome = await w.turn('hello', { env: { apiKey: 'a-wrong-key' } });
    expectApiError(outcome, 401, 'authentication_failed', /Invalid API key/);
    expect(w.fake.modelRequests().map((r) => [r.headers['x-api-key'], r.response?.status])).toEqual([['a-wrong-key', 401]]);
  });

  it('waits on a stalled stream until aborted, then throws AbortError', async () => {
    const w = await open();
    w.fake.stallNext();
    const abort = new AbortController();
    const seen: SDKMessage[] = [];
    const running = w.turn('hello', { options: { abortController: abort }, onMessage: (m) => seen.push(m) });
    await w.fake.waitForRequest((r) => r.response?.kind === 'stalled-stream');
    expect(seen.some((m) => m.type === 'result')).toBe(false);
    abort.abort();
    const outcome = await running;
    expect(outcome.error).toBeInstanceOf(AbortError);
    expect(outcome.result).toBeUndefined();
    expect(w.fake.modelRequests()).toHaveLength(1);
  });

  it('sends ANTHROPIC_API_KEY as x-api-key and CLAUDE_CODE_OAUTH_TOKEN as a Bearer token', async () => {
    const w = await open({ requireAuth: { bearer: 'oauth-token-1' } });
    const outcome = await w.turn('hello', { env: { oauthToken: 'oauth-token-1' } });
    expect(outcome.result).toMatchObject({ subtype: 'success', is_error: false });
    // OAuth adds a beta flag, and the SDK then also yields a rate_limit_event.
    expect(trace(outcome.messages)).toContain('rate_limit_event');
    const [request] = w.fake.modelRequests();
    expect(request?.headers.authorization).toBe('Bearer oauth-token-1');
    expect(request?.headers['x-api-key']).toBeUndefined();
    expect(request?.headers['anthropic-beta']).toContain('oauth-2025-04-20');
  });
});

/** The retries the product allows the CLI (apps/server …/claude/credentials.ts, CLAUDE_MAX_RETRIES). */
const PRODUCT_RETRIES = { CLAUDE_CODE_MAX_RETRIES: '2' };

describe('Claude Code against rate limits and usage limits', () => {
  it('reports a subscription usage limit at once: a rejected rate_limit_event, then usage_limit_reached with the reset', async () => {
    const w = await open();
    const resetAt = new Date(Date.now() + 3 * 3600_000);
    w.fake.usageLimitUntil(resetAt);
    const outcome = await w.turn('hello', { env: { oauthToken: 'oauth-token-1', extra: PRODUCT_RETRIES } });
    const resetsAt = Math.ceil(resetAt.getTime() / 1000);
    expect(trace(outcome.messages)).toEqual(['system/init', 'rate_limit_event', 'assistant:text', 'result/success']);
    expect(outcome.messages[1]).toMatchObject({
      type: 'rate_limit_event',
      rate_limit_info: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' },
    });
    const assistant = outcome.messages[2] as unknown as Record<string, unknown>;
    expect(assistant).toMatchObject({
      error: 'rate_limit',
      api_error_status: 429,
      api_error: 'usage_limit_reached',
      api_error_params: { rate_limit_info: { status: 'rejected', resetsAt } },
      message: {
        content: [{ type: 'text', text: expect.stringMatching(/^You've hit your 5-hour limit · resets \d{1,2}(:\d{2})?[ap]m \(UTC\)$/) }],
      },
    });
    expect(outcome.result).toMatchObject({ is_error: true, api_error_status: 429, api_error: 'usage_limit_reached' });
    expect(w.fake.modelRequests()).toHaveLength(1);
  });

  it('does not see the usage limit with an API key: a plain 429, not retried while the reset is far', async () => {
    const w = await open();
    w.fake.usageLimitUntil(new Date(Date.now() + 3 * 3600_000));
    const outcome = await w.turn('hello', { env: { extra: PRODUCT_RETRIES } });
    expectApiError(
      outcome,
      429,
      'rate_limit',
      /^API Error: Request rejected \(429\) · This request would exceed your account's rate limit/,
    );
    expect(outcome.messages[1]).not.toHaveProperty('api_error');
    expect(w.fake.modelRequests()).toHaveLength(1);
  });

  it('retries a 429 after its retry-after, as often as CLAUDE_CODE_MAX_RETRIES allows', async () => {
    const w = await open();
    w.fake.rateLimitNext({ retryAfterS: 2, count: 3 });
    const outcome = await w.turn('hello', { env: { oauthToken: 'oauth-token-1', extra: PRODUCT_RETRIES } });
    const retries = outcome.messages.filter((m) => m.type === 'system' && m.subtype === 'api_retry');
    expect(retries).toHaveLength(2);
    // Its own first backoff is about half a second: the delay is the retry-after plus some jitter.
    for (const r of retries) {
      expect(r).toMatchObject({ error_status: 429, error: 'rate_limit', retry_delay_ms: expect.any(Number) });
      const delay = r.type === 'system' && r.subtype === 'api_retry' ? r.retry_delay_ms : 0;
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThan(3000);
    }
    // With OAuth the CLI also yields a rejected rate_limit_event, with no reset.
    const event = outcome.messages.find((m) => m.type === 'rate_limit_event');
    expect(event).toMatchObject({ rate_limit_info: { status: 'rejected' } });
    expect(event?.type === 'rate_limit_event' && event.rate_limit_info.resetsAt).toBeFalsy();
    expect(outcome.result).toMatchObject({
      is_error: true,
      api_error_status: 429,
      result: expect.stringMatching(/^API Error: Server is temporarily limiting requests \(not your usage limit\)/),
    });
    const times = w.fake.modelRequests().map((r) => r.receivedAt);
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1900);
  });
});
