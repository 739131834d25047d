import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/context';
import { newNodeIdentity } from './node';
import { NodeRegistry } from './registry';

describe('node registry', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  function registry(clock: { t: number }, role: 'all' | 'api' | 'worker', onLost: () => void = () => {}) {
    const node = newNodeIdentity(role);
    const reg = new NodeRegistry({ ...ctx.deps, node, now: () => new Date(clock.t) }, { leaseMs: 10_000, slots: role === 'api' ? 0 : 4 });
    reg.onLost(onLost);
    return { node, reg };
  }

  it('declares a silent node dead exactly once, and the dead node learns it at its next heartbeat', async () => {
    ctx = await createTestContext();
    const clock = { t: Date.parse('2026-12-04T10:00:00Z') };
    let lost = 0;
    const a = registry(clock, 'worker', () => (lost += 1));
    const b = registry(clock, 'api');
    const c = registry(clock, 'worker');
    await a.reg.start(null);
    await b.reg.start(null);
    await c.reg.start(null);
    expect((await b.reg.live()).map((n) => n.id).sort()).toEqual([a.node.id, b.node.id, c.node.id].sort());

    clock.t += 9_000;
    await b.reg.beat();
    await c.reg.beat();
    expect(await b.reg.expireStale()).toEqual([]);

    clock.t += 2_000; // a has been silent 11 s, past its 10 s lease
    await b.reg.beat();
    await c.reg.beat();
    const [first, second] = await Promise.all([b.reg.expireStale(), c.reg.expireStale()]);
    expect([...first, ...second]).toEqual([a.node.id]);
    expect((await b.reg.live()).map((n) => n.id).sort()).toEqual([b.node.id, c.node.id].sort());

    await a.reg.beat();
    await a.reg.beat();
    expect(lost).toBe(1);
    expect(a.reg.isLost).toBe(true);
    const row = await ctx.deps.db.selectFrom('cluster_nodes').selectAll().where('id', '=', a.node.id).executeTakeFirstOrThrow();
    expect(row.stop_reason).toBe('lease_expired');

    await Promise.all([a.reg.stop(), b.reg.stop(), c.reg.stop()]);
  });

  it('a clean stop marks the node stopped, and it is no longer live', async () => {
    ctx = await createTestContext();
    const clock = { t: Date.parse('2026-12-04T10:00:00Z') };
    const a = registry(clock, 'all');
    await a.reg.start(null);
    await a.reg.stop();
    const row = await ctx.deps.db.selectFrom('cluster_nodes').selectAll().where('id', '=', a.node.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ role: 'all', slots: 4, stop_reason: 'stopped', pid: process.pid });
    expect(await a.reg.live()).toEqual([]);
  });
});
