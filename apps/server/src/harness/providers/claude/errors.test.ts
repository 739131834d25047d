// Tests for the classification of Claude Code failures into ProviderErrors,
// using the error shapes the CLI was measured to report.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { classifyApiFailure, classifyThrown, credentialsRejected, isUnauthorized, type ApiFailure } from './errors';

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
