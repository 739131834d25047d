// Integration tests of the WebSocket hub's lifecycle: revoked access dropped on
// re-validation, forced disconnects, resyncs, back-pressure on slow clients, heartbeat
// and shutdown — over a real HTTP server and real ws clients.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { events, eventsOf, startHub, type HubFixture, type TestClient } from './ws-hub.fixture';
import { RESYNC_CLOSE_CODE } from './ws-hub';

let f: HubFixture | undefined;

afterEach(async () => {
  await f?.stop();
  f = undefined;
});

async function subscribed(fx: HubFixture, token: string, taskId: number): Promise<TestClient> {
  const c = await fx.connect(token);
  expect(await c.request({ action: 'subscribe', taskId })).toMatchObject({ kind: 'ack' });
  return c;
}

describe('re-validation', () => {
  it('revalidate() drops subscriptions whose membership was revoked and tells the client', async () => {
    const fx = (f = await startHub());
    const c = await subscribed(fx, 'u1', 100);
    expect(await c.request({ action: 'subscribe-project', projectId: 10 })).toMatchObject({ kind: 'ack' });
    const admin = await subscribed(fx, 'u3', 100);

    fx.access.members.get(10)?.delete(1);
    await fx.hub.revalidate();

    expect(await c.next()).toEqual({ kind: 'error', code: 'NOT_FOUND', message: 'task not found', action: 'subscribe', taskId: 100 });
    expect(await c.next()).toMatchObject({ kind: 'error', code: 'NOT_FOUND', action: 'subscribe-project', projectId: 10 });
    fx.bus.publish(events.blocked(100, 10));
    expect(await c.drainUntilPong()).toEqual([]);
    expect(eventsOf(await admin.drainUntilPong())).toEqual([events.blocked(100, 10)]);
    expect(await c.request({ action: 'subscribe', taskId: 100 })).toMatchObject({ kind: 'error', code: 'NOT_FOUND' });
  });

  it('re-validates periodically on its own', async () => {
    const fx = (f = await startHub({ revalidateMs: 20 }));
    const c = await subscribed(fx, 'u1', 101);
    fx.access.tasks.delete(101);
    expect(await c.next()).toMatchObject({ kind: 'error', code: 'NOT_FOUND', taskId: 101 });
    fx.bus.publish(events.deleted(101, 10));
    expect(await c.drainUntilPong()).toEqual([]);
  });

  it('closes the socket on re-validation when reloadUser says the user is gone', async () => {
    const fx = (f = await startHub());
    fx.access.reloadUser = async (id) => (id === 1 ? null : { id, isAdmin: id === 3 });
    const gone = await subscribed(fx, 'u1', 100);
    const kept = await subscribed(fx, 'u3', 100);
    await fx.hub.revalidate();
    expect((await gone.closed).code).toBe(1008);
    expect(eventsOf(await kept.drainUntilPong())).toEqual([]);
    expect(fx.hub.clientCount()).toBe(1);
  });
});

describe('disconnectUser', () => {
  it('closes every socket of that user and no other', async () => {
    const fx = (f = await startHub());
    const a = await subscribed(fx, 'u1', 100);
    const b = await fx.connect('u1');
    const other = await subscribed(fx, 'u3', 100);
    expect(fx.hub.clientCount()).toBe(3);

    fx.hub.disconnectUser(1);
    expect(fx.hub.clientCount()).toBe(1);
    expect((await a.closed).code).toBe(1008);
    expect((await b.closed).code).toBe(1008);
    fx.bus.publish(events.message(100, 10));
    expect(eventsOf(await other.drainUntilPong())).toEqual([events.message(100, 10)]);
  });
});

describe('resync', () => {
  it('closes every socket with the resync code; clients that reconnect receive events again', async () => {
    const fx = (f = await startHub());
    const a = await subscribed(fx, 'u1', 100);
    const b = await subscribed(fx, 'u3', 100);
    fx.hub.resync('events missed');
    expect(fx.hub.clientCount()).toBe(0);
    expect(await a.closed).toEqual({ code: RESYNC_CLOSE_CODE, reason: 'resync' });
    expect((await b.closed).code).toBe(RESYNC_CLOSE_CODE);
    const again = await subscribed(fx, 'u1', 100);
    fx.bus.publish(events.message(100, 10));
    expect(eventsOf(await again.drainUntilPong())).toEqual([events.message(100, 10)]);
  });
});

describe('back-pressure', () => {
  it('terminates a client that stops reading while others keep receiving', async () => {
    const fx = (f = await startHub({ maxBufferedBytes: 256 * 1024 }));
    const fast = await subscribed(fx, 'u1', 100);
    const slow = await subscribed(fx, 'u3', 100);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const big = 'x'.repeat(128 * 1024);
    let sent = 0;
    // Each round waits for the fast client, so only the paused one falls behind;
    // the kernel's socket buffers absorb some megabytes before the hub notices.
    while (fx.hub.clientCount() === 2 && sent < 2000) {
      fx.bus.publish(events.message(100, 10, { n: sent, big }));
      const frame = await fast.next();
      expect(frame).toMatchObject({
        kind: 'event',
        event: { type: 'message', message: { text: expect.stringContaining(`"n":${sent},`) } },
      });
      sent += 1;
    }
    expect(fx.hub.clientCount()).toBe(1);
    fx.bus.publish(events.message(100, 10, 'after'));
    expect(eventsOf(await fast.drainUntilPong())).toEqual([events.message(100, 10, 'after')]);
  });
});

describe('heartbeat', () => {
  it('terminates a client that does not answer pings and keeps one that does', async () => {
    const fx = (f = await startHub({ heartbeatMs: 25 }));
    const silent = await fx.connect('u1', { autoPong: false });
    const lively = await fx.connect('u1');
    let pings = 0;
    const threePings = new Promise<void>((resolve) => {
      lively.ws.on('ping', () => {
        pings += 1;
        if (pings === 3) resolve();
      });
    });
    await silent.closed;
    await threePings;
    expect(fx.hub.clientCount()).toBe(1);
    expect(await lively.request({ action: 'ping' })).toEqual({ kind: 'pong' });
  });
});

describe('close', () => {
  it('terminates every client, stops routing and detaches from the server', async () => {
    const fx = (f = await startHub());
    const a = await subscribed(fx, 'u1', 100);
    const b = await fx.connect('u3');
    await fx.hub.close();
    expect(fx.hub.clientCount()).toBe(0);
    await a.closed;
    await b.closed;
    expect(fx.server.listenerCount('upgrade')).toBe(0);
    expect(() => fx.bus.publish(events.message(100, 10))).not.toThrow();
  });
});
