// The board's task list: each card's facts (creator, usage so far across runs
// and chats, a question waiting, whether work started after the plan) come
// with the page, and a page costs one SQL statement however many tasks it has.
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskDto, TaskPageDto } from '@bottega/protocol';
import type { ProjectRow } from '../../db/schema';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { listTasks } from './commands';

let ctx: TestContext;
let alice: TestUser;
let project: ProjectRow;

beforeEach(async () => {
  ctx = await createTestContext();
  alice = await ctx.user({ username: 'alice' });
  project = await ctx.project({ members: [alice] });
});
afterEach(async () => ctx.close());

async function page(query = ''): Promise<TaskPageDto> {
  const res = await ctx.request('GET', `/api/projects/${project.id}/tasks${query}`, { as: alice });
  expect(res.status).toBe(200);
  return (await res.json()) as TaskPageDto;
}

const byId = (p: TaskPageDto, id: number): TaskDto => {
  const t = p.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`task ${id} not listed`);
  return t;
};

async function usage(conversationId: number, input: number, output: number, cost: number | null) {
  await ctx.deps.db
    .insertInto('usage_records')
    .values({
      conversation_id: conversationId,
      provider: 'anthropic',
      model: 'test-model',
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reported_cost_usd: cost,
      created_at: new Date().toISOString(),
    })
    .execute();
}

describe('GET /api/projects/:projectId/tasks', () => {
  it("carries each card's creator, usage of runs and chats, waiting question and plan gate, and the iteration cap", async () => {
    await ctx.deps.db
      .insertInto('model_prices')
      .values({
        provider: 'anthropic',
        model: 'test-model',
        input_per_mtok: 3,
        output_per_mtok: 15,
        cache_read_per_mtok: 0.3,
        cache_write_per_mtok: 3.75,
        updated_at: new Date().toISOString(),
      })
      .execute();
    const busy = await ctx.task(project, alice, { planification_complete: 1, workflow_run_count: 3 });
    const planned = await ctx.task(project, alice, { planification_complete: 1, workflow_run_count: 1 });
    const orphan = await ctx.task(project, alice);
    await ctx.deps.db.updateTable('tasks').set({ owner_id: null }).where('id', '=', orphan.id).execute();

    const runConv = await ctx.conversation(busy);
    await ctx.run(busy, runConv, 'running');
    const chat = await ctx.conversation(busy, { kind: 'chat', pending_question: JSON.stringify({ toolUseId: 't1', questions: [] }) });
    await usage(runConv.id, 1000, 200, 0.5);
    await usage(chat.id, 10, 5, 0.25);
    const planConv = await ctx.conversation(planned);
    await ctx.deps.db
      .insertInto('agent_runs')
      .values({
        task_id: planned.id,
        agent_type: 'planification',
        status: 'completed',
        conversation_id: planConv.id,
        trigger: 'manual',
        created_at: new Date().toISOString(),
      })
      .execute();

    const p = await page();
    expect(p.maxIterations).toBe(25);
    expect(byId(p, busy.id).board).toEqual({
      creatorName: 'alice',
      usage: { inputTokens: 1010, outputTokens: 205, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.75 },
      questionWaiting: true,
      workStarted: true,
    });
    expect(byId(p, busy.id).workflowRunCount).toBe(3);
    expect(byId(p, planned.id).board).toMatchObject({ creatorName: 'alice', questionWaiting: false, workStarted: false });
    expect(byId(p, planned.id).board?.usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
    });
    expect(byId(p, orphan.id).board?.creatorName).toBeNull();
  });

  it('leaves the cost out when a turn has no price, and keeps paging by the cursor', async () => {
    const tasks = [];
    for (let i = 0; i < 5; i += 1) tasks.push(await ctx.task(project, alice, { updated_at: `2030-01-01T00:00:0${i}.000Z` }));
    const first = tasks[0];
    if (!first) throw new Error('no task');
    const conv = await ctx.conversation(first);
    await usage(conv.id, 7, 3, null);
    const one = await page('?limit=3');
    expect(one.tasks.map((t) => t.id)).toEqual([tasks[4]?.id, tasks[3]?.id, tasks[2]?.id]);
    expect(one.nextCursor).not.toBeNull();
    const two = await page(`?limit=3&cursor=${one.nextCursor ?? ''}`);
    expect(two.tasks.map((t) => t.id)).toEqual([tasks[1]?.id, first.id]);
    expect(two.nextCursor).toBeNull();
    expect(byId(two, first.id).board?.usage).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: null,
    });
  });

  it('reads a page of many tasks with their runs, chats and usage in one SQL statement', async () => {
    for (let i = 0; i < 40; i += 1) {
      const t = await ctx.task(project, alice);
      const conv = await ctx.conversation(t);
      await ctx.run(t, conv);
      await usage(conv.id, 1, 1, 0.01);
      await ctx.conversation(t, { kind: 'chat' });
    }
    let statements = 0;
    // Called once per executed statement (transformQuery also sees every nested subquery).
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: (args) => {
        statements += 1;
        return Promise.resolve(args.result);
      },
    };
    const listed = await listTasks({ db: ctx.deps.db.withPlugin(counter) }, project.id, { limit: 50 });
    expect(listed.rows).toHaveLength(40);
    expect(statements).toBe(1);
  });
});
