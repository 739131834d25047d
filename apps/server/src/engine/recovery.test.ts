import { afterEach, expect, it } from 'vitest';
import type { ServerEvent, UnifiedMessage } from '@bottega/protocol';
import type { ProviderMessage } from '../harness/contract';
import { newNodeIdentity } from '../cluster/node';
import { NodeRegistry } from '../cluster/registry';
import { agentMarker, agentMarkerOwner, agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { createTestContext, type TestContext } from '../testing/context';
import { recoverInterruptedRuns } from './recovery';

let world: TestContext | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

it('a boot interrupts the runs of no live node and leaves another live node’s running run alone', async () => {
  const ctx = await createTestContext();
  world = ctx;
  const u = await ctx.user();
  const p = await ctx.project({ members: [u] });
  const otherNode = newNodeIdentity('worker');
  const other = new NodeRegistry({ ...ctx.deps, node: otherNode }, { leaseMs: 60_000, slots: 2 });
  await other.start(null);
  // A node of this machine whose process is gone (a crash) is dead before its lease runs out;
  // 2^22 + 1 is above Linux's highest possible pid, so no process has it.
  const crashed = newNodeIdentity('all');
  const gone = new NodeRegistry({ ...ctx.deps, node: { ...crashed, pid: 2 ** 22 + 1 } }, { leaseMs: 60_000, slots: 2 });
  await gone.start(null);

  const runOf = async (nodeId: string | null) => {
    const run = await ctx.run(await ctx.task(p, u), null, 'running');
    await ctx.deps.db.updateTable('agent_runs').set({ node_id: nodeId }).where('id', '=', run.id).execute();
    return run.id;
  };
  const elsewhere = await runOf(otherNode.id);
  const crashedRun = await runOf(crashed.id);
  const unowned = await runOf(null);

  expect(await recoverInterruptedRuns(ctx.deps)).toBe(2);
  const status = async (id: number) =>
    (await ctx.deps.db.selectFrom('agent_runs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  expect([await status(elsewhere), await status(crashedRun), await status(unowned)]).toEqual(['running', 'interrupted', 'interrupted']);
  const crashedRow = await ctx.deps.db.selectFrom('cluster_nodes').selectAll().where('id', '=', crashed.id).executeTakeFirstOrThrow();
  expect(crashedRow.stop_reason).toBe('lease_expired');
  await Promise.all([other.stop(), gone.stop()]);
});

it('an agent process’s marker names the node that started it', () => {
  const prefix = agentMarkerPrefix('/srv/bottega');
  expect(agentMarkerOwner(agentMarker('/srv/bottega', 'node-a'), prefix)).toBe('node-a');
  // An older server's marker names no node: whoever finds it after a crash owns it.
  expect(agentMarkerOwner(agentMarker('/srv/bottega', undefined), prefix)).toBe('');
});

it('announces an interrupted run’s stored entries again, priced as the API serves them, before the note that it was interrupted', async () => {
  const ctx = await createTestContext();
  world = ctx;
  const u = await ctx.user();
  const p = await ctx.project({ members: [u] });
  const task = await ctx.task(p, u);
  const conversation = await ctx.conversation(task, { kind: 'agent_run', provider: 'anthropic', model: 'claude-sonnet-4-5' });
  const entry = (id: string, body: Record<string, unknown>): ProviderMessage =>
    ({ id, providerSessionId: 'session-1', raw: null, ...body }) as ProviderMessage;
  const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0 };
  const stored = await ctx.deps.harness.store.append(
    conversation.id,
    [
      entry('a1', { type: 'assistant', text: 'working' }),
      entry('res', { type: 'result', status: 'success', text: 'done', usage, contextUsage: null, costUsd: 123, durationMs: 10 }),
    ],
    'anthropic',
  );
  const run = await ctx.run(task, conversation, 'running');
  const published: ServerEvent[] = [];
  ctx.deps.bus.subscribe((e) => published.push(e));

  expect(await recoverInterruptedRuns(ctx.deps)).toBe(1);
  const messages = published.flatMap((e) => (e.type === 'message' && e.conversationId === conversation.id ? [e.message] : []));
  expect(messages.map((m) => [m.seq, m.type])).toEqual([
    [stored[0]!.seq, 'assistant'],
    [stored[1]!.seq, 'result'],
    [stored[1]!.seq + 1, 'system'],
  ]);
  // The one cost rule's figure, as the transcript API serves it, not the provider's stored one.
  const history = await ctx.request('GET', `/api/conversations/${conversation.id}/messages?limit=10`, { as: u });
  const served = ((await history.json()) as { messages: UnifiedMessage[] }).messages;
  expect(messages).toEqual(served);
  expect(run.conversation_id).toBe(conversation.id);
});
