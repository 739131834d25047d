// Tests for the classification of Claude Code failures into ProviderErrors,
// using the error shapes the CLI was measured to report.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import type { SDKRateLimitEvent } from '@anthropic-ai/claude-agent-sdk';
import {
  classifyApiFailure,
  classifyThrown,
  credentialsRejected,
  isUnauthorized,
  rejectedUntil,
  usageLimitOf,
  withRejection,
  type ApiFailure,
} from './errors';

const f = (status: number | null, error: ApiFailure['error'], text = 'API Error'): ApiFailure => ({ status, error, text });

describe('classifyApiFailure', () => {
  it.each([
    [f(401, 'authentication_failed'), 'transient', 'auth'],
    [f(403, 'authentication_failed'), 'fatal', 'auth'],
    [f(null, 'billing_error'), 'fatal', 'auth'],
    [f(429, 'rate_limit'), 'transient', 'rate_limit'],
    [f(529, 'server_error'), 'transient', 'overloaded'],
    [f(null, 'overloaded'), 'transient', 'overloaded'],
    [f(500, 'server_error'), 'transient', 'network'],
    [f(503, null), 'transient', 'network'],
    [f(null, 'server_error', 'API Error: Connection refused (ECONNREFUSED)'), 'transient', 'network'],
    [f(404, 'model_not_found'), 'fatal', 'invalid_request'],
    [f(400, 'invalid_request'), 'fatal', 'invalid_request'],
    [f(413, null), 'fatal', 'invalid_request'],
    [f(null, 'max_output_tokens'), 'fatal', 'unknown'],
    [f(302, null), 'transient', 'unknown'],
  ] as const)('%o → %s %s', (failure, kind, code) => {
    const e = classifyApiFailure(failure);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ provider: 'anthropic', kind, code });
    expect(e.message).toContain(failure.text);
  });

  it('treats only 401 (or an auth failure without status) as a possibly stale credential', () => {
    expect(isUnauthorized(f(401, 'authentication_failed'))).toBe(true);
    expect(isUnauthorized(f(null, 'authentication_failed'))).toBe(true);
    expect(isUnauthorized(f(403, 'authentication_failed'))).toBe(false);
  });

  it('makes a persistent 401 fatal with a clear message', () => {
    expect(credentialsRejected(f(401, 'authentication_failed', 'Invalid API key'))).toMatchObject({
      kind: 'fatal',
      code: 'auth',
      message: expect.stringMatching(/^the Anthropic credentials were rejected \(401\): Invalid API key/),
    });
  });
});

// What Claude Code yielded for the fake's usage-limit refusal with an OAuth token (trimmed).
const usageLimitAssistant = {
  type: 'assistant',
  error: 'rate_limit',
  is_api_error_message: true,
  api_error_status: 429,
  api_error: 'usage_limit_reached',
  api_error_params: { rate_limit_info: { status: 'rejected', resetsAt: 1796346176, rateLimitType: 'five_hour', isUsingOverage: false } },
  api_error_type: 'rate_limit_error',
  message: { model: '<synthetic>', content: [{ type: 'text', text: "You've hit your 5-hour limit · resets 1:02am (UTC)" }] },
};
const rateLimitEvent = (info: SDKRateLimitEvent['rate_limit_info']): SDKRateLimitEvent => ({
  type: 'rate_limit_event',
  rate_limit_info: info,
  uuid: '00000000-0000-4000-8000-000000000000',
  session_id: 's',
});

describe('usage limits', () => {
  it('reads the usage limit and its reset from the messages Claude Code reports', () => {
    expect(usageLimitOf(usageLimitAssistant)).toEqual({ resetsAt: 1796346176 });
    expect(usageLimitOf({ ...usageLimitAssistant, api_error_params: null })).toEqual({ resetsAt: null });
    expect(usageLimitOf({ ...usageLimitAssistant, api_error: undefined })).toBeNull();
    expect(usageLimitOf(null)).toBeNull();
    expect(rejectedUntil(rateLimitEvent({ status: 'rejected', resetsAt: 1796346176, rateLimitType: 'five_hour' }))).toBe(1796346176);
    // A plain 429 with an OAuth token also yields a rejected event, without a reset.
    expect(rejectedUntil(rateLimitEvent({ status: 'rejected', isUsingOverage: false }))).toBeNull();
    expect(rejectedUntil(rateLimitEvent({ status: 'allowed_warning', resetsAt: 1796346176 }))).toBeNull();
  });

  it('makes a usage limit with a reset transient, carrying resetAt', () => {
    const text = "You've hit your 5-hour limit · resets 1:02am (UTC)";
    const e = classifyApiFailure({ ...f(429, 'rate_limit', text), usageLimit: { resetsAt: 1796346176 } });
    expect(e).toMatchObject({ provider: 'anthropic', kind: 'transient', code: 'usage_limit', retryAfterMs: null });
    expect(e.resetAt?.toISOString()).toBe('2026-12-04T01:02:56.000Z');
    expect(e.message).toContain(text);
  });

  it('takes the reset of a rejected rate_limit_event for a 429 that named none', () => {
    const failure = withRejection(f(429, 'rate_limit', 'API Error: 429'), 1796346176);
    expect(classifyApiFailure(failure)).toMatchObject({ code: 'usage_limit', resetAt: new Date(1796346176 * 1000) });
    expect(withRejection(f(500, 'server_error'), 1796346176).usageLimit).toBeUndefined();
    expect(withRejection(f(429, 'rate_limit'), null).usageLimit).toBeUndefined();
  });

  it('falls back on the reset in the text, and is fatal without any', () => {
    const text = "You've hit your 5-hour limit · resets 1:02am (UTC)";
    const parsed = classifyApiFailure({ ...f(429, 'rate_limit', text), usageLimit: { resetsAt: null } });
    expect(parsed).toMatchObject({ kind: 'transient', code: 'usage_limit' });
    expect(parsed.resetAt?.getUTCHours()).toBe(1);
    expect(classifyApiFailure(f(429, 'rate_limit', text))).toMatchObject({ kind: 'transient', code: 'usage_limit' });
    const none = classifyApiFailure({ ...f(429, 'rate_limit', "You've hit your limit"), usageLimit: { resetsAt: null } });
    expect(none).toMatchObject({ kind: 'fatal', code: 'usage_limit', resetAt: null });
    expect(none.message).toMatch(/usage limit is reached and no reset time was given/);
  });

  it('keeps a plain 429 a rate limit', () => {
    for (const text of [
      'API Error: Server is temporarily limiting requests (not your usage limit) · Number of request tokens has exceeded your per-minute rate limit (fake).',
      "API Error: Request rejected (429) · This request would exceed your account's rate limit. Please try again later.",
    ]) {
      expect(classifyApiFailure(f(429, 'rate_limit', text))).toMatchObject({ kind: 'transient', code: 'rate_limit', resetAt: null });
    }
  });
});

describe('classifyThrown', () => {
  it('classifies spawn failures as fatal and crashes as transient', () => {
    const enoent = Object.assign(new Error('spawn /x/claude ENOENT'), { code: 'ENOENT' });
    expect(classifyThrown(enoent)).toMatchObject({ kind: 'fatal', code: 'process' });
    expect(classifyThrown(new Error('Claude Code process exited with code 1'))).toMatchObject({ kind: 'transient', code: 'process' });
    expect(classifyThrown('weird')).toMatchObject({ kind: 'transient', message: 'Claude Code failed: weird' });
    expect(classifyThrown(new Error('Not logged in · Please run /login'))).toMatchObject({ kind: 'fatal', code: 'credentials_missing' });
  });

  it('passes a ProviderError through', () => {
    const e = new ProviderError('anthropic', 'fatal', 'invalid_request', 'x');
    expect(classifyThrown(e)).toBe(e);
  });
});
