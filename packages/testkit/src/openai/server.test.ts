// The fake Responses API over HTTP: SSE in the order Codex reads it, usage on
// response.completed, key checks, injected failures and the request log.
import { afterEach, describe, expect, it } from 'vitest';
import { directive } from '@bottega/simulator';
import type { FakeOpenAI } from './server';
import { startFakeOpenAI, usageLimitBody } from './server';

let fake: FakeOpenAI | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const body = (prompt: string) => ({
  model: 'gpt-5.1-codex',
  stream: true,
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }],
  tools: [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }],
});

async function post(url: string, payload: unknown, key = 'k'): Promise<Response> {
  return fetch(`${url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(payload),
  });
}

function events(text: string): { type: string; [k: string]: unknown }[] {
  return text
    .split('\n\n')
    .map((frame) => frame.split('\n').find((l) => l.startsWith('data: ')))
    .filter((l): l is string => l !== undefined)
    .map((l) => JSON.parse(l.slice(6)) as { type: string });
}

describe('startFakeOpenAI', () => {
  it('streams the brain reply as output items and completes with usage', async () => {
    fake = await startFakeOpenAI();
    const res = await post(fake.baseUrl, body(directive.bash('ls')));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const evs = events(await res.text());
    expect(evs.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(evs[2]).toMatchObject({ item: { type: 'function_call', name: 'exec_command' } });
    const done = evs[3] as unknown as { response: { id: string; usage: { input_tokens: number; output_tokens: number } } };
    expect(done.response.id).toMatch(/^resp_/);
    expect(done.response.usage.input_tokens).toBeGreaterThan(0);
    expect(fake.modelRequests()).toHaveLength(1);
    expect(fake.modelRequests()[0]?.response).toEqual({ status: 200, kind: 'stream' });
  });

  it('refuses a wrong key with 401 and injects failures as HTTP errors or response.failed', async () => {
    fake = await startFakeOpenAI({ requireKey: 'right' });
    expect((await post(fake.baseUrl, body('hi'), 'wrong')).status).toBe(401);
    fake.failNext(429);
    const limited = await post(fake.baseUrl, body('hi'), 'right');
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_exceeded');
    fake.failNext(500, { afterStreamStart: true });
    const evs = events(await (await post(fake.baseUrl, body('hi'), 'right')).text());
    expect(evs.map((e) => e.type)).toEqual(['response.created', 'response.failed']);
    expect((await post(fake.baseUrl, { nope: true }, 'right')).status).toBe(400);
  });

  it('rate limits with retry-after, and injects a custom error body', async () => {
    fake = await startFakeOpenAI();
    fake.rateLimitNext({ retryAfterS: 4 });
    const limited = await post(fake.baseUrl, body('hi'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(await limited.json()).toMatchObject({ error: { type: 'rate_limit_exceeded' } });
    expect((await post(fake.baseUrl, body('hi'))).status).toBe(200);
    const quota = {
      error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
    };
    fake.failNext(429, { body: quota });
    expect(await (await post(fake.baseUrl, body('hi'))).json()).toEqual(quota);
  });

  it('refuses every request with usage_limit_reached until the reset, then answers', async () => {
    fake = await startFakeOpenAI();
    const resetAt = new Date(Date.now() + 1200);
    fake.usageLimitUntil(resetAt, { planType: 'pro' });
    for (let i = 0; i < 2; i++) {
      const res = await post(fake.baseUrl, body('hi'));
      expect(res.status).toBe(429);
      const resetsAt = Math.ceil(resetAt.getTime() / 1000);
      expect(res.headers.get('x-codex-primary-reset-at')).toBe(String(resetsAt));
      expect(await res.json()).toEqual({
        error: {
          type: 'usage_limit_reached',
          message: 'The usage limit has been reached',
          plan_type: 'pro',
          resets_at: resetsAt,
          eligible_promo: null,
          resets_in_seconds: expect.any(Number),
        },
      });
    }
    await new Promise((r) => setTimeout(r, resetAt.getTime() - Date.now() + 20));
    expect((await post(fake.baseUrl, body('hi'))).status).toBe(200);
    expect(fake.modelRequests().map((r) => r.response?.status)).toEqual([429, 429, 200]);
  });

  it('words the usage limit as the ChatGPT backend does', () => {
    const now = Date.parse('2026-12-03T22:00:00Z');
    const { body: refusal, headers } = usageLimitBody(new Date(now + 13_872_000), 'plus', now);
    expect(refusal).toMatchObject({
      error: { plan_type: 'plus', resets_at: Math.ceil((now + 13_872_000) / 1000), resets_in_seconds: 13_872 },
    });
    expect(headers['x-codex-primary-reset-after-seconds']).toBe('13872');
  });

  it('stalls the next stream after response.created until closed', async () => {
    fake = await startFakeOpenAI();
    fake.stallNext();
    const res = await post(fake.baseUrl, body('hi'));
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('response.created');
    const pending = reader?.read();
    await fake.close();
    await expect(pending).rejects.toThrow();
  });
});
