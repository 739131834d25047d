import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterResponse } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../testing/context';
import { newNodeIdentity, type NodeRole } from './node';
import { nodeState } from './overview';
import { NodeRegistry } from './registry';

describe('the cluster admin view', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  /** A node of `role` whose clock reads `at`. */
  async function node(role: NodeRole, at: Date, url: string | null = null) {
    const identity = newNodeIdentity(role);
    const registry = new NodeRegistry({ ...ctx.deps, node: identity, now: () => at }, { leaseMs: 15_000, slots: role === 'api' ? 0 : 4 });
    await registry.start(url);
    return { id: identity.id, registry };
  }

  it('lists live, stopped and lost nodes with the runs executing on each and the queue, to administrators only', async () => {
    ctx = await createTestContext();
    const admin = await ctx.user({ isAdmin: true });
    const member = await ctx.user();
    const project = await ctx.project({ members: [member] });
    const task = await ctx.task(project, member);
    const now = new Date();
    const api = await node('api', now, 'http://10.0.0.1:3001');
    const worker = await node('worker', now, 'http://127.0.0.1:4100');
    // A worker silent for a minute (its lease is 15 s): the view declares it dead.
    const crashed = await node('worker', new Date(now.getTime() - 60_000));
    const stopped = await node('api', new Date(now.getTime() - 60 * 60_000));
    await stopped.registry.stop();
    // Stopped two days ago: no longer listed.
    const old = await node('worker', new Date(now.getTime() - 48 * 60 * 60_000));
    await old.registry.stop();

    const onWorker = await ctx.run(task, null, 'running');
    await ctx.deps.db.updateTable('agent_runs').set({ node_id: worker.id }).where('id', '=', onWorker.id).execute();
    const unplaced = await ctx.run(task, null, 'running');
    await ctx.run(task, null, 'queued');
    await ctx.run(task, null, 'queued');
    await ctx.run(task, null, 'completed');

    expect((await ctx.request('GET', '/api/admin/cluster', { as: member })).status).toBe(403);
    expect((await ctx.request('GET', '/api/admin/cluster')).status).toBe(401);
    const res = await ctx.request('GET', '/api/admin/cluster', { as: admin });
    expect(res.status).toBe(200);
    const { cluster } = (await res.json()) as ClusterResponse;
    expect(cluster.nodeId).toBe(ctx.deps.node.id);
    expect(cluster.leaseSeconds).toBe(15);
    expect(cluster.queued).toBe(2);
    expect(cluster.unplaced).toEqual([{ runId: unplaced.id, taskId: task.id, projectId: project.id }]);
    const byId = new Map(cluster.nodes.map((n) => [n.id, n]));
    expect([...byId.keys()].sort()).toEqual([api.id, worker.id, crashed.id, stopped.id].sort());
    expect(byId.get(worker.id)).toMatchObject({
      role: 'worker',
      state: 'live',
      url: 'http://127.0.0.1:4100',
      slots: 4,
      running: 1,
      runs: [{ runId: onWorker.id, taskId: task.id, projectId: project.id }],
      stoppedAt: null,
      pid: process.pid,
    });
    expect(byId.get(api.id)).toMatchObject({ role: 'api', state: 'live', slots: 0, running: 0, runs: [] });
    expect(byId.get(crashed.id)?.state).toBe('lost');
    expect(byId.get(stopped.id)?.state).toBe('stopped');
    // Running nodes come first.
    expect(cluster.nodes.slice(0, 2).map((n) => n.state)).toEqual(['live', 'live']);
  });
});

describe("a node's state", () => {
  it('tells a node whose lease ran out but that nobody declared dead yet (stale) from a live one', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    const row = (heartbeat: string, stopped: string | null = null, reason: 'stopped' | 'lease_expired' | null = null) => ({
      heartbeat_at: heartbeat,
      stopped_at: stopped,
      stop_reason: reason,
    });
    expect(nodeState(row('2026-12-04T09:59:50Z'), now, 15_000)).toBe('live');
    expect(nodeState(row('2026-12-04T09:59:40Z'), now, 15_000)).toBe('stale');
    expect(nodeState(row('2026-12-04T09:59:40Z', '2026-12-04T09:59:59Z', 'lease_expired'), now, 15_000)).toBe('lost');
    expect(nodeState(row('2026-12-04T09:59:40Z', '2026-12-04T09:59:41Z', 'stopped'), now, 15_000)).toBe('stopped');
  });
});
