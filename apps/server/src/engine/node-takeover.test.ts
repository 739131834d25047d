import { afterEach, expect, it } from 'vitest';
import { newNodeIdentity } from '../cluster/node';
import { NodeRegistry } from '../cluster/registry';
import { createTestContext, type TestContext } from '../testing/context';
import { NodeTakeover } from './node-takeover';

let world: TestContext | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('a sweep takes over the active runs of nodes that are no more, once, and leaves live nodes’ runs alone', async () => {
  const ctx = await createTestContext();
  world = ctx;
  const u = await ctx.user();
  const p = await ctx.project({ members: [u] });
  const registry = (now: () => Date) => {
    const node = newNodeIdentity('worker');
    return { node, reg: new NodeRegistry({ ...ctx.deps, node, now }, { leaseMs: 60_000, slots: 1 }) };
  };
  const live = registry(() => new Date());
  const stopped = registry(() => new Date());
  const silent = registry(() => new Date(Date.now() - 3_600_000));
  for (const n of [live, stopped, silent]) await n.reg.start(null);
  await stopped.reg.stop();

  const runOn = async (nodeId: string) => {
    const task = await ctx.task(p, u);
    const run = await ctx.run(task, await ctx.conversation(task), 'running');
    await ctx.deps.db.updateTable('agent_runs').set({ node_id: nodeId }).where('id', '=', run.id).execute();
    return run;
  };
  const onLive = await runOn(live.node.id);
  const onStopped = await runOn(stopped.node.id);
  const onSilent = await runOn(silent.node.id);
  // A node without a row may be one that has not written it yet: not taken for dead.
  const onUnknown = await runOn('not-yet-registered');

  const takeover = new NodeTakeover(ctx.deps);
  await takeover.sweep();
  await takeover.sweep();
  const status = async (id: number) =>
    (await ctx.deps.db.selectFrom('agent_runs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  expect(await Promise.all([onLive, onStopped, onSilent, onUnknown].map((r) => status(r.id)))).toEqual([
    'running',
    'interrupted',
    'interrupted',
    'running',
  ]);
  const silentRow = await ctx.deps.db.selectFrom('cluster_nodes').selectAll().where('id', '=', silent.node.id).executeTakeFirstOrThrow();
  expect(silentRow.stop_reason).toBe('lease_expired');
  // The transcript says the run was interrupted, once, whatever the number of sweeps.
  const notes = await ctx.deps.db
    .selectFrom('transcript_entries')
    .select('payload')
    .where('conversation_id', '=', onStopped.conversation_id ?? 0)
    .where('type', '=', 'system')
    .execute();
  expect(notes.map((n) => (JSON.parse(n.payload) as { subtype?: string }).subtype)).toEqual(['interrupted']);
  await takeover.stop();
  await Promise.all([live.reg.stop(), silent.reg.stop()]);
});
