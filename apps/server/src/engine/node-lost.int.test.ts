// A node that finds it was declared dead (docs/behaviour/deployment.md#worker-failure) ends its
// turns and writes nothing of them: the run stays as the node that took it over will find it,
// with no stop, failure or interrupted note, and no agent process is left.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AgentRunDto } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { newNodeIdentity } from '../cluster/node';
import { NodeRegistry } from '../cluster/registry';
import { buildServer } from '../testing/build';
import { EventRecorder, startChatWorld, type ChatWorld } from '../testing/chat-world';
import { processesMatching } from '../testing/processes';

let w: ChatWorld;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld();
});
afterEach(async () => w.close());

it('a node declared dead ends its run’s turn without writing the run or its transcript', async () => {
  await w.ctx.deps.nodes.start(w.server.url);
  const dir = join(w.ctx.home, 'prompts');
  await mkdir(dir, { recursive: true });
  const marker = `sleep 41.${process.pid}`;
  await writeFile(join(dir, 'implementation.md'), `Work. ${directive.bash(`echo begin; ${marker}; echo end`)}`);
  const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner, json: { agentType: 'implementation' } });
  const run = ((await res.json()) as { run: AgentRunDto }).run;
  await rec.waitFor((e) => e.type === 'message' && e.message.type === 'tool_use');
  rec.close();
  for (let i = 0; i < 400 && (await processesMatching(marker)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect((await processesMatching(marker)).length).toBeGreaterThan(0);

  // Another node, an hour later by its clock, finds this one silent past its lease.
  const later = new Date(Date.now() + 3_600_000);
  const other = new NodeRegistry(
    { ...w.ctx.deps, node: newNodeIdentity('worker'), now: () => later },
    { leaseMs: w.ctx.deps.config.nodeLeaseMs, slots: 1 },
  );
  expect(await other.expireStale()).toEqual([w.ctx.deps.node.id]);
  const { conversation_id: conversationId } = await w.ctx.deps.db
    .selectFrom('agent_runs')
    .select('conversation_id')
    .where('id', '=', run.id)
    .executeTakeFirstOrThrow();
  const before = await w.ctx.deps.db
    .selectFrom('transcript_entries')
    .select(['seq', 'type', 'payload'])
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();

  await w.ctx.deps.nodes.beat();
  expect(w.ctx.deps.nodes.isLost).toBe(true);
  await w.ctx.deps.background.drain();

  expect(await processesMatching(marker)).toEqual([]);
  const row = await w.ctx.deps.db.selectFrom('agent_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'running', node_id: w.ctx.deps.node.id, failure_reason: null });
  const after = await w.ctx.deps.db
    .selectFrom('transcript_entries')
    .select(['seq', 'type', 'payload'])
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();
  expect(after.filter((e) => e.type === 'system')).toEqual(before.filter((e) => e.type === 'system'));
});
