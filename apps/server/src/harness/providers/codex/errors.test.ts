// Codex's failure texts (as the CLI printed them against the fake) classified.
import { describe, expect, it } from 'vitest';
import { classifyThrown, classifyTurnFailure } from './errors';

describe('classifyTurnFailure', () => {
  it.each([
    ['unexpected status 401 Unauthorized: Incorrect API key provided., url: http://127.0.0.1:1/v1/responses', 'fatal', 'auth'],
    ['exceeded retry limit, last status: 429 Too Many Requests', 'transient', 'rate_limit'],
    ['We’re currently experiencing high demand, which may cause temporary errors.', 'transient', 'overloaded'],
    ['Selected model is at capacity. Please try a different model.', 'transient', 'overloaded'],
    ['{"error":{"message":"bad","type":"invalid_request_error","code":"invalid_request_error","param":null}}', 'fatal', 'invalid_request'],
    ['stream disconnected before completion: idle timeout waiting for SSE', 'transient', 'stalled'],
    ['error sending request for url (http://127.0.0.1:1/v1/responses)', 'transient', 'network'],
  ])('%s → %s/%s', (text, kind, code) => {
    expect(classifyTurnFailure([text])).toMatchObject({ provider: 'openai', kind, code });
  });
});

describe('usage limits and quota', () => {
  it('makes a plan usage limit with a reset transient, carrying resetAt', () => {
    const text =
      'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at Dec 6th, 2099 11:08 PM.';
    const e = classifyTurnFailure([text]);
    expect(e).toMatchObject({ provider: 'openai', kind: 'transient', code: 'usage_limit', retryAfterMs: null });
    expect(e.resetAt?.getFullYear()).toBe(2099);
    expect(e.resetAt?.getHours()).toBe(23);
    expect(e.resetAt?.getMinutes()).toBe(9);
    expect(e.message).toContain(text);
    const today = classifyTurnFailure([
      'You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 10:08 PM.',
    ]);
    expect(today).toMatchObject({ kind: 'transient', code: 'usage_limit' });
    expect(today.resetAt!.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
  });

  it('is fatal for a usage limit without a reset, and for an exhausted API quota', () => {
    expect(classifyTurnFailure(["You've hit your usage limit. Try again later."])).toMatchObject({
      kind: 'fatal',
      code: 'usage_limit',
      resetAt: null,
    });
    expect(classifyTurnFailure(['Quota exceeded. Check your plan and billing details.'])).toMatchObject({
      kind: 'fatal',
      code: 'usage_limit',
      message: expect.stringMatching(/no quota left/),
    });
    expect(
      classifyTurnFailure(['To use Codex with your ChatGPT plan, upgrade to Plus: https://openai.com/chatgpt/pricing.']),
    ).toMatchObject({
      kind: 'fatal',
      code: 'auth',
    });
  });
});

describe('classifyThrown', () => {
  it('treats a missing binary as fatal and a crash as transient', () => {
    expect(classifyThrown(Object.assign(new Error('spawn codex ENOENT'), { code: 'ENOENT' }))).toMatchObject({
      kind: 'fatal',
      code: 'process',
    });
    expect(classifyThrown(new Error('Codex Exec exited with signal SIGSEGV'))).toMatchObject({ kind: 'transient', code: 'process' });
  });
});
