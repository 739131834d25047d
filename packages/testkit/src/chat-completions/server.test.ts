// The fake Chat Completions API's limits over HTTP: a rate limit with
// retry-after, and a usage limit that refuses agent requests until its reset.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChatCompletions } from './server';
import { startFakeChatCompletions, usageLimitAnswer } from './server';

let fake: FakeChatCompletions | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const agentBody = {
  model: 'fake-model',
  messages: [{ role: 'user', content: 'hi' }],
  tools: [{ type: 'function', function: { name: 'bash', parameters: { type: 'object' } } }],
};
const titleBody = { model: 'fake-model', messages: [{ role: 'user', content: 'name this' }] };

function post(url: string, payload: unknown): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify(payload),
  });
}

describe('startFakeChatCompletions limits', () => {
  it('rate limits the next agent requests with retry-after, leaving title requests alone', async () => {
    fake = await startFakeChatCompletions({ apiKey: 'k' });
    fake.rateLimitNext({ retryAfterS: 3, count: 2 });
    expect((await post(fake.baseUrl, titleBody)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await post(fake.baseUrl, agentBody);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' } });
    }
    expect((await post(fake.baseUrl, agentBody)).status).toBe(200);
    fake.failNext(503, { headers: { 'retry-after-ms': '250' } });
    expect((await post(fake.baseUrl, agentBody)).headers.get('retry-after-ms')).toBe('250');
  });

  it('refuses agent requests until the reset with the time left as retry-after', async () => {
    fake = await startFakeChatCompletions({ apiKey: 'k' });
    const resetAt = new Date(Date.now() + 1200);
    fake.usageLimitUntil(resetAt);
    const res = await post(fake.baseUrl, agentBody);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect(await res.json()).toMatchObject({ error: { message: `Usage limit reached; it resets at ${resetAt.toISOString()} (fake).` } });
    expect((await post(fake.baseUrl, titleBody)).status).toBe(200);
    await new Promise((r) => setTimeout(r, resetAt.getTime() - Date.now() + 20));
    expect((await post(fake.baseUrl, agentBody)).status).toBe(200);
    fake.usageLimitUntil(new Date(Date.now() + 60_000));
    fake.usageLimitUntil(new Date(0));
    expect((await post(fake.baseUrl, agentBody)).status).toBe(200);
  });

  it('states the seconds left to the reset', () => {
    const now = Date.parse('2026-12-03T22:00:00Z');
    expect(usageLimitAnswer(new Date(now + 3_600_000), now).headers).toEqual({ 'retry-after': '3600' });
  });
});
