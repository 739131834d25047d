// Integration tests of the WebSocket hub's handshake, subscriptions and routing
// over a real HTTP server and real ws clients (docs/behaviour/accounts.md#authorization: every WebSocket action
// is authorized by project membership; §10: live updates per task and board).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events, eventsOf, startHub, type HubFixture } from './ws-hub.fixture';

let f: HubFixture;

beforeEach(async () => {
  f = await startHub({ maxSubscriptions: 3 });
});

afterEach(async () => {
  await f.stop();
});

describe('upgrade', () => {
  it('answers 401 to an unauthenticated upgrade and creates no connection', async () => {
    expect(await f.rejectedStatus(null)).toBe(401);
    expect(await f.rejectedStatus('not-a-token')).toBe(401);
    expect(f.hub.clientCount()).toBe(0);
  });

  it('answers 403 to a foreign Origin but accepts the same origin', async () => {
    const evil = { headers: { origin: 'http://evil.example' } };
    expect(await f.rejectedStatus('u1', evil)).toBe(403);
    expect(await f.rejectedStatus('u1', { headers: { origin: `http://127.0.0.1:${f.port + 1}` } })).toBe(403);
    expect(f.hub.clientCount()).toBe(0);
    const ok = await f.connect('u1', { headers: { origin: `http://127.0.0.1:${f.port}` } });
    expect(await ok.request({ action: 'ping' })).toEqual({ kind: 'pong' });
    expect(f.hub.clientCount()).toBe(1);
  });

  it('answers 404 to an upgrade on another path', async () => {
    expect(await f.rejectedStatus('u1', { path: '/other' })).toBe(404);
  });
});

describe('subscriptions', () => {
  it('acks an allowed subscribe and then delivers that task’s events only', async () => {
    const c = await f.connect('u1');
    expect(await c.request({ action: 'subscribe', taskId: 100 })).toEqual({
      kind: 'ack',
      action: 'subscribe',
      taskId: 100,
      quietMs: expect.any(Number),
    });
    f.bus.publish(events.streaming(101, 10));
    f.bus.publish(events.streaming(100, 10));
    f.bus.publish(events.message(100, 10));
    expect(eventsOf(await c.drainUntilPong())).toEqual([events.streaming(100, 10), events.message(100, 10)]);
  });

  it('answers NOT_FOUND alike for a foreign and a missing task and delivers nothing of it', async () => {
    const c = await f.connect('u1');
    const denied = await c.request({ action: 'subscribe', taskId: 200 });
    const missing = await c.request({ action: 'subscribe', taskId: 999 });
    expect(denied).toEqual({ kind: 'error', code: 'NOT_FOUND', message: 'task not found', action: 'subscribe', taskId: 200 });
    expect({ ...missing, taskId: 200 }).toEqual(denied);
    expect((await c.request({ action: 'subscribe', taskId: 100 })).kind).toBe('ack');
    f.bus.publish(events.message(200, 20));
    f.bus.publish(events.blocked(200, 20));
    f.bus.publish(events.message(100, 10, 'sentinel'));
    expect(await c.next()).toEqual({ kind: 'event', event: events.message(100, 10, 'sentinel') });
  });

  it('gives a user who is member of nothing no task and no project', async () => {
    const c = await f.connect('u2');
    expect(await c.request({ action: 'subscribe', taskId: 100 })).toMatchObject({ kind: 'error', code: 'NOT_FOUND' });
    expect(await c.request({ action: 'subscribe-project', projectId: 10 })).toMatchObject({ kind: 'error', code: 'NOT_FOUND' });
    f.bus.publish(events.streaming(100, 10));
    f.bus.publish(events.blocked(100, 10));
    expect(await c.drainUntilPong()).toEqual([]);
  });

  it('lets an admin subscribe to any existing task or project', async () => {
    const c = await f.connect('u3');
    expect(await c.request({ action: 'subscribe', taskId: 200 })).toEqual({
      kind: 'ack',
      action: 'subscribe',
      taskId: 200,
      quietMs: expect.any(Number),
    });
    expect(await c.request({ action: 'subscribe-project', projectId: 10 })).toEqual({
      kind: 'ack',
      action: 'subscribe-project',
      projectId: 10,
      quietMs: expect.any(Number),
    });
    expect(await c.request({ action: 'subscribe', taskId: 999 })).toMatchObject({ kind: 'error', code: 'NOT_FOUND' });
    f.bus.publish(events.message(200, 20));
    f.bus.publish(events.deleted(101, 10));
    expect(eventsOf(await c.drainUntilPong())).toEqual([events.message(200, 20), events.deleted(101, 10)]);
  });

  it('sends a burst published in one tick as one ordered `events` frame', async () => {
    const c = await f.connect('u1');
    await c.request({ action: 'subscribe', taskId: 100 });
    const raw = new Promise<string>((resolve) => c.ws.once('message', (data) => resolve(String(data))));
    const burst = [0, 1, 2, 3, 4].map((i) => events.message(100, 10, i));
    for (const e of burst) f.bus.publish(e);
    expect(JSON.parse(await raw)).toEqual({ kind: 'events', events: burst });
    expect(eventsOf(await c.drainUntilPong())).toEqual(burst);
    f.bus.publish(events.message(100, 10, 'alone'));
    expect(await c.next()).toEqual({ kind: 'event', event: events.message(100, 10, 'alone') });
  });

  it('sends each subscriber its own events of a burst as text, those with the same subscriptions the same frame', async () => {
    const clients = await Promise.all([f.connect('u1'), f.connect('u1'), f.connect('u1')]);
    await clients[0]!.request({ action: 'subscribe', taskId: 100 });
    await clients[1]!.request({ action: 'subscribe', taskId: 100 });
    await clients[2]!.request({ action: 'subscribe', taskId: 101 });
    const raw = clients.map(
      (c) =>
        new Promise<{ text: string; binary: boolean }>((resolve) =>
          c.ws.once('message', (data, binary) => resolve({ text: String(data), binary })),
        ),
    );
    // As many events of each task, interleaved: the batches differ in content, not in length.
    const burst = [0, 1, 2].flatMap((i) => [events.message(100, 10, i), events.message(101, 10, i)]);
    for (const e of burst) f.bus.publish(e);
    const [first, second, third] = await Promise.all(raw);
    expect([first?.binary, second?.binary, third?.binary]).toEqual([false, false, false]);
    expect(JSON.parse(first!.text)).toEqual({ kind: 'events', events: burst.filter((e) => e.type === 'message' && e.taskId === 100) });
    expect(second?.text).toBe(first?.text);
    expect(JSON.parse(third!.text)).toEqual({ kind: 'events', events: burst.filter((e) => e.type === 'message' && e.taskId === 101) });
  });

  it('stops delivery after unsubscribe', async () => {
    const c = await f.connect('u1');
    await c.request({ action: 'subscribe', taskId: 100 });
    await c.request({ action: 'subscribe', taskId: 101 });
    expect(await c.request({ action: 'unsubscribe', taskId: 100 })).toEqual({ kind: 'ack', action: 'unsubscribe', taskId: 100 });
    f.bus.publish(events.message(100, 10));
    f.bus.publish(events.message(101, 10, 'sentinel'));
    expect(await c.next()).toEqual({ kind: 'event', event: events.message(101, 10, 'sentinel') });
  });

  it('sends board events but not chat events to a project subscription', async () => {
    const c = await f.connect('u1');
    expect(await c.request({ action: 'subscribe-project', projectId: 10 })).toEqual({
      kind: 'ack',
      action: 'subscribe-project',
      projectId: 10,
      quietMs: expect.any(Number),
    });
    f.bus.publish(events.message(101, 10));
    f.bus.publish(events.streaming(101, 10));
    f.bus.publish(events.blocked(101, 10));
    f.bus.publish(events.deleted(100, 10));
    f.bus.publish(events.blocked(200, 20));
    expect(eventsOf(await c.drainUntilPong())).toEqual([events.blocked(101, 10), events.deleted(100, 10)]);
    expect(await c.request({ action: 'unsubscribe-project', projectId: 10 })).toMatchObject({ kind: 'ack', projectId: 10 });
    f.bus.publish(events.blocked(101, 10));
    expect(await c.drainUntilPong()).toEqual([]);
  });

  it("tells in each subscription's ack how long its channel has been quiet, events published before anyone listened included", async () => {
    const c = await f.connect('u1');
    const since = performance.now();
    f.bus.publish(events.blocked(101, 10));
    const task = await c.request({ action: 'subscribe', taskId: 101 });
    const project = await c.request({ action: 'subscribe-project', projectId: 10 });
    const elapsed = performance.now() - since;
    expect(task).toMatchObject({ kind: 'ack', taskId: 101 });
    expect(project).toMatchObject({ kind: 'ack', projectId: 10 });
    for (const ack of [task, project]) {
      const quiet = (ack as { quietMs: number }).quietMs;
      expect(quiet).toBeGreaterThanOrEqual(0);
      expect(quiet).toBeLessThanOrEqual(elapsed);
    }
  });

  it('delivers an event once to a connection subscribed to both its task and its project', async () => {
    const c = await f.connect('u1');
    await c.request({ action: 'subscribe', taskId: 100 });
    await c.request({ action: 'subscribe-project', projectId: 10 });
    f.bus.publish(events.blocked(100, 10));
    expect(eventsOf(await c.drainUntilPong())).toEqual([events.blocked(100, 10)]);
  });

  it('caps subscriptions per connection', async () => {
    const c = await f.connect('u3');
    for (const taskId of [100, 101, 200]) expect((await c.request({ action: 'subscribe', taskId })).kind).toBe('ack');
    expect(await c.request({ action: 'subscribe-project', projectId: 10 })).toMatchObject({
      kind: 'error',
      code: 'RATE_LIMITED',
      action: 'subscribe-project',
    });
    expect((await c.request({ action: 'subscribe', taskId: 100 })).kind).toBe('ack');
    await c.request({ action: 'unsubscribe', taskId: 100 });
    expect((await c.request({ action: 'subscribe-project', projectId: 10 })).kind).toBe('ack');
  });

  it('does not consult access per delivered event', async () => {
    const c = await f.connect('u1');
    await c.request({ action: 'subscribe', taskId: 100 });
    const before = f.access.checks;
    for (let i = 0; i < 50; i += 1) f.bus.publish(events.message(100, 10, i));
    expect(eventsOf(await c.drainUntilPong())).toHaveLength(50);
    expect(f.access.checks).toBe(before);
  });
});

describe('client frames', () => {
  it('answers invalid frames with VALIDATION_FAILED and stays usable', async () => {
    const c = await f.connect('u1');
    for (const bad of ['not json', '{"action":"dance"}', '{"action":"subscribe","taskId":"100"}', '[]']) {
      expect(await c.request(bad)).toMatchObject({ kind: 'error', code: 'VALIDATION_FAILED' });
    }
    expect(await c.request({ action: 'subscribe', taskId: 100 })).toMatchObject({ kind: 'ack' });
    expect(await c.request({ action: 'ping' })).toEqual({ kind: 'pong' });
  });

  it('closes the connection on a frame over 64 KiB', async () => {
    const c = await f.connect('u1');
    c.send({ action: 'ping', padding: 'x'.repeat(65 * 1024) });
    expect((await c.closed).code).toBe(1009);
    await expect.poll(() => f.hub.clientCount()).toBe(0);
  });
});
