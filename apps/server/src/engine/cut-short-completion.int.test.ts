// A node that dies between completing a run and starting the loop's next step
// (docs/behaviour/deployment.md#worker-failure): a live agent node's look for dead nodes takes the
// step up — once — while a run completed on a live node, or whose task moved on, is left alone.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { directive } from '@bottega/testkit';
import { iso } from '../time';
import { buildServer } from '../testing/build';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';
import { NodeTakeover } from './node-takeover';

let w: ChatWorld;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld();
  const dir = join(w.ctx.home, 'prompts');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'review.md'), `Review. ${directive.bash('{{signalCommand}} workflow-blocked --reason "reviewed"')}`);
});
afterEach(async () => w.close());

/** A node's row: `stopped` is how it ended (null while it lives); its last heartbeat was a moment ago. */
async function nodeRow(id: string, stopped: 'lease_expired' | null): Promise<void> {
  const now = iso(new Date());
  await w.ctx.deps.db
    .insertInto('cluster_nodes')
    .values({
      id,
      role: 'worker',
      hostname: 'elsewhere',
      pid: 1,
      version: 'test',
      url: null,
      slots: 1,
      started_at: now,
      heartbeat_at: now,
      stopped_at: stopped ? now : null,
      stop_reason: stopped,
    })
    .execute();
}

/** An implementation run the node completed just now. */
async function completedOn(nodeId: string, taskId: number) {
  const task = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
  const run = await w.ctx.run(task, null, 'completed');
  await w.ctx.deps.db
    .updateTable('agent_runs')
    .set({ node_id: nodeId, started_by: w.owner.row.id, started_at: iso(new Date(Date.now() - 5000)), ended_at: iso(new Date()) })
    .where('id', '=', run.id)
    .execute();
  return run;
}

const runsOf = (taskId: number) =>
  w.ctx.deps.db.selectFrom('agent_runs').select(['id', 'agent_type', 'status']).where('task_id', '=', taskId).orderBy('id').execute();

it('starts the next step of a run a dead node completed without it, once', async () => {
  await nodeRow('dead-node', 'lease_expired');
  const done = await completedOn('dead-node', w.task.id);
  const takeover = new NodeTakeover(w.ctx.deps);
  await takeover.sweep();
  const after = await runsOf(w.task.id);
  expect(after.map((r) => r.agent_type)).toEqual(['implementation', 'review']);
  expect(after[0]).toMatchObject({ id: done.id, status: 'completed' });
  expect(after[1]!.status).not.toBe('failed');
  // Looked at again (by this node, or another that never did): the task has its next run, nothing more starts.
  await takeover.sweep();
  await new NodeTakeover(w.ctx.deps).sweep();
  expect((await runsOf(w.task.id)).map((r) => r.agent_type)).toEqual(['implementation', 'review']);
});

it('is taken up by one node when several look at once', async () => {
  await nodeRow('dead-node', 'lease_expired');
  const done = await completedOn('dead-node', w.task.id);
  const elsewhere = { ...w.ctx.deps, node: { ...w.ctx.deps.node, id: 'another-live-node' } };
  await Promise.all([new NodeTakeover(w.ctx.deps).sweep(), new NodeTakeover(elsewhere).sweep()]);
  expect((await runsOf(w.task.id)).map((r) => r.agent_type)).toEqual(['implementation', 'review']);
  const claimed = await w.ctx.deps.db.selectFrom('agent_runs').select('taken_up_by').where('id', '=', done.id).executeTakeFirstOrThrow();
  expect([w.ctx.deps.node.id, 'another-live-node']).toContain(claimed.taken_up_by);
});

it('leaves a run completed on a live node, and a blocked task, alone', async () => {
  await nodeRow('live-node', null);
  await completedOn('live-node', w.task.id);
  await nodeRow('dead-node', 'lease_expired');
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  const other = await w.ctx.task(project, w.owner);
  await completedOn('dead-node', other.id);
  await w.ctx.deps.db
    .updateTable('tasks')
    .set({ workflow_blocked: 1, block_reason: 'waiting for a person' })
    .where('id', '=', other.id)
    .execute();
  await new NodeTakeover(w.ctx.deps).sweep();
  expect((await runsOf(w.task.id)).map((r) => r.agent_type)).toEqual(['implementation']);
  expect((await runsOf(other.id)).map((r) => r.agent_type)).toEqual(['implementation']);
});
