import { afterEach, describe, expect, it } from 'vitest';
import { createApp, workerRoutes } from '../app/app';
import type { Deps } from '../deps';
import { createTestContext, type TestContext } from '../testing/context';
import { healthRoutes } from './health';
import { newNodeIdentity } from './node';
import { NodeRegistry } from './registry';

describe('health answers', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  const get = async (path: string) => {
    const res = await ctx.request('GET', path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('is live without a login; ready only once the node is registered, and no longer once another node declared it dead', async () => {
    ctx = await createTestContext();
    const { node } = ctx.deps;
    expect(await get('/api/health/live')).toEqual({ status: 200, body: { status: 'ok', node: node.id, role: 'all' } });
    expect(await get('/api/health/ready')).toEqual({
      status: 503,
      body: { status: 'not_ready', reason: 'this node is not registered yet' },
    });

    await ctx.deps.nodes.start('http://127.0.0.1:1');
    expect(await get('/api/health/ready')).toEqual({ status: 200, body: { status: 'ready', node: node.id, role: 'all' } });

    // Another node, a lease later, finds this one silent and declares it dead.
    const later = new Date(Date.now() + 60_000);
    const other = new NodeRegistry({ ...ctx.deps, node: newNodeIdentity('api'), now: () => later }, { leaseMs: 15_000, slots: 0 });
    expect(await other.expireStale()).toEqual([node.id]);
    const dead = { status: 503, body: { status: 'not_ready', reason: 'this node was declared dead by another node' } };
    expect(await get('/api/health/ready')).toEqual(dead);
    // Its own next heartbeat tells the node itself: still not ready, and live as long as it answers.
    await ctx.deps.nodes.beat();
    expect(ctx.deps.nodes.isLost).toBe(true);
    expect(await get('/api/health/ready')).toEqual(dead);
    expect((await get('/api/health/live')).status).toBe(200);
  });

  it('answers live without touching the database, and not ready when the database does not answer', async () => {
    ctx = await createTestContext();
    await ctx.deps.nodes.start(null);
    // Every use of this database fails, as when its server is gone.
    const gone = new Proxy({} as Deps['db'], {
      get() {
        throw new Error('connect ECONNREFUSED 10.0.0.9:5432 (user bottega)');
      },
    });
    const deps: Deps = { ...ctx.deps, db: gone };
    const app = createApp(deps, healthRoutes(deps), { webApp: false });
    const live = await app.request('/api/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok', node: deps.node.id, role: 'all' });
    const ready = await app.request('/api/health/ready');
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({ status: 'not_ready', reason: 'the database does not answer' });
    expect(text).not.toContain('10.0.0.9');
  });

  it('answers a worker node the same way, and nothing else on its listener but the signals', async () => {
    ctx = await createTestContext();
    const deps: Deps = { ...ctx.deps, node: { ...ctx.deps.node, role: 'worker' } };
    const app = createApp(deps, workerRoutes(deps), { webApp: false });
    expect(await (await app.request('/api/health/live')).json()).toEqual({ status: 'ok', node: deps.node.id, role: 'worker' });
    expect((await app.request('/api/tasks/1')).status).toBe(404);
    expect((await app.request('/api/auth/status')).status).toBe(404);
    expect((await app.request('/')).status).toBe(404);
    // The signals route is there: without a run token it refuses, rather than not knowing the path.
    const signal = await app.request('/api/signals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ signal: 'plan-complete' }),
    });
    expect(signal.status).toBe(401);
  });
});
