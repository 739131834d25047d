// The fake Messages API over real HTTP: stream and JSON bodies, recorded
// requests, and the failure controls (failNext, stallNext, delays, auth).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request, user } from './brain.fixture';
import { directive } from './directives';
import { startFakeAnthropic } from './server';
import type { FakeAnthropic, FakeAnthropicOptions } from './server';
import { decodeSse } from './sse';
import type { SseEvent } from './sse';

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
});

async function restart(options: FakeAnthropicOptions): Promise<void> {
  await fake.close();
  fake = await startFakeAnthropic(options);
}

function post(body: unknown, headers: Record<string, string> = {}, path = '/v1/messages?beta=true', signal?: AbortSignal) {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

const prompt = `${directive.think('plan')} ${directive.bash('echo hi')}`;

function deltas(events: SseEvent[], type: string, key: string): string {
  return events
    .filter((e) => e.event === 'content_block_delta' && (e.data.delta as Record<string, unknown>).type === type)
    .map((e) => (e.data.delta as Record<string, string>)[key])
    .join('');
}

describe('POST /v1/messages', () => {
  it('streams the reply in the API event order, echoing any model name', async () => {
    const res = await post({ ...request([user(prompt)]), model: 'any-model-name', stream: true });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/^event: message_start\ndata: \{.*\}\n\n/);
    const events = decodeSse(text);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    const start = events[0]?.data.message as Record<string, unknown>;
    expect(start).toMatchObject({ id: expect.stringMatching(/^msg_/), model: 'any-model-name', content: [], stop_reason: null });
    expect(events[2]?.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(deltas(events, 'thinking_delta', 'thinking')).toBe('plan');
    expect(deltas(events, 'signature_delta', 'signature')).not.toBe('');
    expect(events[7]?.data.content_block).toMatchObject({ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Bash' });
    expect(JSON.parse(deltas(events, 'input_json_delta', 'partial_json'))).toEqual({ command: 'echo hi', description: 'Run echo hi' });
    expect(events[12]?.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('answers stream:false with the whole message as JSON, with fresh ids each time', async () => {
    type Body = { id: string; content: { id?: string }[] };
    const bodies = await Promise.all([1, 2].map(async () => (await (await post(request([user(prompt)]))).json()) as Body));
    expect(bodies[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      stop_reason: 'tool_use',
      content: [
        { type: 'thinking', thinking: 'plan' },
        { type: 'tool_use', name: 'Bash', input: { command: 'echo hi' } },
      ],
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    const ids = bodies.flatMap((b) => [b.id, b.content[1]?.id]);
    expect(new Set(ids).size).toBe(4);
  });

  it('records every request with lower-case headers, credentials and the parsed body', async () => {
    await post(request([user('hi')]), { Authorization: 'Bearer tok' });
    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/messages',
        url: '/v1/messages?beta=true',
        headers: expect.objectContaining({ 'x-api-key': 'k', authorization: 'Bearer tok' }),
        body: expect.objectContaining({ model: 'claude-sonnet-4-5' }),
        response: { status: 200, kind: 'json' },
      }),
    ]);
    expect(fake.modelRequests()).toHaveLength(1);
  });
});

describe('other routes', () => {
  it('estimates tokens, refuses bad JSON and answers 404 elsewhere', async () => {
    const count = await post(request([user('hello')]), {}, '/v1/messages/count_tokens');
    expect(await count.json()).toEqual({ input_tokens: expect.any(Number) });
    const bad = await post('{nope');
    expect([bad.status, await bad.json()]).toEqual([
      400,
      { type: 'error', error: { type: 'invalid_request_error', message: expect.any(String) } },
    ]);
    const missing = await fetch(`${fake.url}/api/hello`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(fake.modelRequests()).toHaveLength(1);
  });
});

describe('failure controls', () => {
  it.each([
    [401, 'authentication_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
    [400, 'invalid_request_error'],
  ])('failNext(%i) answers with %s, then recovers', async (status, type) => {
    fake.failNext(status);
    const res = await post(request([user('hi')]));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
    expect((await post(request([user('hi')]))).status).toBe(200);
  });

  it('fails count requests with a custom body', async () => {
    fake.failNext(503, { count: 2, body: { type: 'error', error: { type: 'api_error', message: 'custom' } } });
    for (let i = 0; i < 2; i++) expect(await (await post(request([user('hi')]))).json()).toMatchObject({ error: { message: 'custom' } });
    expect((await post(request([user('hi')]))).status).toBe(200);
  });

  it('rate limits the next requests with a retry-after header, then answers', async () => {
    fake.rateLimitNext({ retryAfterS: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await post(request([user('hi')]));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('anthropic-ratelimit-unified-status')).toBeNull();
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    }
    expect((await post(request([user('hi')]))).status).toBe(200);
    fake.failNext(429, { headers: { 'retry-after': '2' } });
    expect((await post(request([user('hi')]))).headers.get('retry-after')).toBe('2');
  });

  it('refuses every request with the unified usage-limit answer until the reset, then answers', async () => {
    const resetAt = new Date(Date.now() + 1500);
    fake.usageLimitUntil(resetAt, { window: 'seven_day' });
    for (let i = 0; i < 2; i++) {
      const res = await post({ ...request([user('hi')]), stream: true });
      expect(res.status).toBe(429);
      const reset = Number(res.headers.get('anthropic-ratelimit-unified-reset'));
      expect(reset).toBe(Math.ceil(resetAt.getTime() / 1000));
      expect(res.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
      expect(res.headers.get('anthropic-ratelimit-unified-representative-claim')).toBe('seven_day');
      expect(res.headers.get('anthropic-ratelimit-unified-7d-status')).toBe('rejected');
      expect(res.headers.get('anthropic-ratelimit-unified-7d-reset')).toBe(String(reset));
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(2);
      expect(await res.json()).toEqual({
        type: 'error',
        error: { type: 'rate_limit_error', message: "This request would exceed your account's rate limit. Please try again later." },
      });
    }
    await new Promise((r) => setTimeout(r, resetAt.getTime() - Date.now() + 20));
    expect((await post(request([user('hi')]))).status).toBe(200);
    expect(fake.modelRequests().map((r) => r.response?.status)).toEqual([429, 429, 200]);
  });

  it('can leave retry-after off the usage-limit answer, and a past reset lifts the limit', async () => {
    fake.usageLimitUntil(new Date(Date.now() + 60_000), { retryAfter: false });
    const res = await post(request([user('hi')]));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('anthropic-ratelimit-unified-5h-status')).toBe('rejected');
    fake.usageLimitUntil(new Date(0));
    expect((await post(request([user('hi')]))).status).toBe(200);
  });

  it('can fail after the stream started, with an SSE error event', async () => {
    fake.failNext(529, { afterStreamStart: true });
    const res = await post({ ...request([user('hi')]), stream: true });
    expect(res.status).toBe(200);
    const events = decodeSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'error']);
    expect(events[1]?.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('stalls the next stream after its first events, until the server closes', async () => {
    fake.stallNext({ afterEvents: 2 });
    const res = await post({ ...request([user('hi')]), stream: true });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const events = decodeSse(new TextDecoder().decode(first.value));
    expect(events.map((e) => e.event)).toEqual(['message_start', 'ping']);
    await fake.waitForRequest((r) => r.response?.kind === 'stalled-stream');
    await fake.close();
    await expect(reader.read()).rejects.toThrow();
  });

  it('fails and stalls only the requests a match accepts, JSON ones included', async () => {
    const isSide = (r: { model: string }) => r.model === 'side-model';
    fake.failNext(500, { match: isSide });
    fake.stallNext({ match: isSide });
    expect((await post(request([user('hi')]))).status).toBe(200);
    expect((await post({ ...request([user('hi')]), model: 'side-model' })).status).toBe(500);
    const controller = new AbortController();
    const stalled = post({ ...request([user('hi')]), model: 'side-model' }, {}, undefined, controller.signal);
    await fake.waitForRequest((r) => r.response?.kind === 'stalled-stream');
    expect((await post({ ...request([user('hi')]), stream: true })).status).toBe(200);
    controller.abort();
    await expect(stalled).rejects.toThrow();
  });

  it('holds responses for the configured delay, and for a sleep directive', async () => {
    fake.setDelay(60_000);
    const pending = post(request([user('hi')]));
    const seen = await fake.waitForRequest();
    expect(seen.response).toBeUndefined();
    await fake.close();
    await expect(pending).rejects.toThrow();

    await restart({ delayMs: 30 });
    let started = Date.now();
    await post(request([user('hi')]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    fake.setDelay(0);
    started = Date.now();
    await post(request([user(directive.sleep(40))]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('requires the configured api key or bearer token', async () => {
    await restart({ requireAuth: { apiKey: 'good', bearer: 'tok' } });
    const wrong = await post(request([user('hi')]), { 'x-api-key': 'bad' });
    expect([wrong.status, await wrong.json()]).toEqual([
      401,
      { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
    ]);
    expect((await post(request([user('hi')]), { 'x-api-key': 'good' })).status).toBe(200);
    expect((await post(request([user('hi')]), { 'x-api-key': '', authorization: 'Bearer tok' })).status).toBe(200);
    expect((await post(request([user('hi')]), { 'x-api-key': 'bad' }, '/v1/messages/count_tokens')).status).toBe(401);
  });

  it('times out a wait with what it saw, and cancels waits on close', async () => {
    await post(request([user('hi')]));
    await expect(fake.waitForRequest((r) => r.path === '/nothing', 20)).rejects.toThrow(/seen: POST \/v1\/messages\?beta=true/);
    const waiting = fake.waitForRequest((r) => r.path === '/nothing');
    await fake.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
