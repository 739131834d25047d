// Usage accounting on a real SQLite database: every total is the SQL sum of
// its runs' turns; costs come from the provider's figure when the model is
// priced, else from the price table; an unpriced model shows tokens and no
// cost, and so does any total that contains it. Also the admin price routes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunDto, ModelPriceDto, ProjectUsageDto, TaskUsageDto, TokenUsage } from '@bottega/protocol';
import type { AgentRunRow, ConversationRow, ProjectRow, TaskRow } from '../../db/schema';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { recordTurnUsage } from '../../harness/usage-record';
import { usageOfProject, usageOfRuns, usageOfTask } from '../../engine/usage-totals';

let ctx: TestContext;
let owner: TestUser;
let admin: TestUser;
let project: ProjectRow;
let task: TaskRow;

beforeEach(async () => {
  ctx = await createTestContext();
  owner = await ctx.user();
  admin = await ctx.user({ isAdmin: true });
  project = await ctx.project({ members: [owner] });
  task = await ctx.task(project, owner);
});
afterEach(async () => ctx.close());

const tokens = (input: number, output: number, cacheRead = 0, cacheWrite = 0): TokenUsage => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
});

async function runWith(
  t: TaskRow,
  model: string,
  turns: { usage: TokenUsage; cost: number | null }[],
  agentType: AgentRunRow['agent_type'] = 'implementation',
): Promise<AgentRunRow> {
  const conversation = await ctx.conversation(t, { model, provider: 'anthropic' });
  const run = await ctx.run(t, conversation);
  await ctx.deps.db.updateTable('agent_runs').set({ agent_type: agentType, model }).where('id', '=', run.id).execute();
  for (const turn of turns)
    await recordTurnUsage(ctx.deps, {
      conversationId: conversation.id,
      provider: 'anthropic',
      model,
      usage: turn.usage,
      costUsd: turn.cost,
    });
  return { ...run, agent_type: agentType };
}

async function chatWith(t: TaskRow, model: string, usage: TokenUsage, cost: number | null): Promise<ConversationRow> {
  const conversation = await ctx.conversation(t, { model, kind: 'chat' });
  await recordTurnUsage(ctx.deps, { conversationId: conversation.id, provider: 'anthropic', model, usage, costUsd: cost });
  return conversation;
}

describe('cost of a turn', () => {
  it('computes it from the seeded price table when the provider reports none', async () => {
    // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million tokens.
    const run = await runWith(task, 'claude-sonnet-4-5', [{ usage: tokens(1_000_000, 100_000, 2_000_000, 400_000), cost: null }]);
    const usage = (await usageOfRuns(ctx.deps.db, [run.id])).get(run.id);
    expect(usage).toMatchObject({ inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 400_000 });
    expect(usage?.costUsd).toBeCloseTo(3 + 1.5 + 0.6 + 1.5, 10);
  });

  it("takes the provider's own figure over the table for a priced model", async () => {
    const run = await runWith(task, 'claude-sonnet-4-5', [{ usage: tokens(1_000_000, 0), cost: 0.25 }]);
    expect((await usageOfRuns(ctx.deps.db, [run.id])).get(run.id)?.costUsd).toBeCloseTo(0.25, 10);
  });

  it('gives an unpriced model its tokens and a null cost, even when the provider reported one', async () => {
    const run = await runWith(task, 'mystery-model', [{ usage: tokens(500, 20), cost: 9.99 }]);
    expect((await usageOfRuns(ctx.deps.db, [run.id])).get(run.id)).toEqual({
      inputTokens: 500,
      outputTokens: 20,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: null,
    });
  });

  it('gives a run that has not finished a turn zero tokens and zero cost', async () => {
    const run = await ctx.run(task, await ctx.conversation(task), 'running');
    expect((await usageOfRuns(ctx.deps.db, [run.id])).get(run.id)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
    });
  });
});

describe('totals', () => {
  it('sum per role, per task and per project to exactly the sum of their runs; chats are apart', async () => {
    const other = await ctx.task(project, owner);
    const runs = [
      await runWith(
        task,
        'claude-sonnet-4-5',
        [
          { usage: tokens(100, 10, 5, 1), cost: 0.01 },
          { usage: tokens(200, 20), cost: 0.02 },
        ],
        'planification',
      ),
      await runWith(task, 'claude-haiku-4-5', [{ usage: tokens(1000, 100), cost: null }], 'implementation'),
      await runWith(task, 'claude-sonnet-4-5', [{ usage: tokens(300, 30), cost: 0.03 }], 'implementation'),
      await runWith(other, 'claude-opus-4-5', [{ usage: tokens(50, 5), cost: 0.5 }], 'review'),
    ];
    await chatWith(task, 'claude-sonnet-4-5', tokens(7, 7), 0.07);
    const perRun = await usageOfRuns(
      ctx.deps.db,
      runs.map((r) => r.id),
    );
    const sum = (ids: AgentRunRow[]) => ({
      inputTokens: ids.reduce((a, r) => a + (perRun.get(r.id)?.inputTokens ?? 0), 0),
      outputTokens: ids.reduce((a, r) => a + (perRun.get(r.id)?.outputTokens ?? 0), 0),
      cacheReadTokens: ids.reduce((a, r) => a + (perRun.get(r.id)?.cacheReadTokens ?? 0), 0),
      cacheWriteTokens: ids.reduce((a, r) => a + (perRun.get(r.id)?.cacheWriteTokens ?? 0), 0),
      costUsd: ids.reduce((a, r) => a + (perRun.get(r.id)?.costUsd ?? 0), 0),
    });
    const taskRuns = runs.slice(0, 3);
    const t = await usageOfTask(ctx.deps.db, task.id);
    const { costUsd, ...taskTokens } = sum(taskRuns);
    expect(t.total).toMatchObject(taskTokens);
    expect(t.total.costUsd).toBeCloseTo(costUsd, 10);
    expect(t.total.inputTokens).toBe(1600);
    expect(t.byRole.map((r) => [r.agentType, r.runs, r.usage.inputTokens])).toEqual([
      ['implementation', 2, 1300],
      ['planification', 1, 300],
    ]);
    expect(t.chats).toMatchObject({ inputTokens: 7, outputTokens: 7 });
    expect(t.chats.costUsd).toBeCloseTo(0.07, 10);

    const p = await usageOfProject(ctx.deps.db, project.id);
    const all = sum(runs);
    expect(p.total).toMatchObject({
      inputTokens: all.inputTokens,
      outputTokens: all.outputTokens,
      cacheReadTokens: all.cacheReadTokens,
      cacheWriteTokens: all.cacheWriteTokens,
    });
    expect(p.total.costUsd).toBeCloseTo(all.costUsd, 10);
  });

  it('have no cost as soon as one run in them has an unpriced model, but keep every token', async () => {
    await runWith(task, 'claude-sonnet-4-5', [{ usage: tokens(100, 10), cost: 0.01 }]);
    await runWith(task, 'mystery-model', [{ usage: tokens(40, 4), cost: null }], 'review');
    const t = await usageOfTask(ctx.deps.db, task.id);
    expect(t.total).toEqual({ inputTokens: 140, outputTokens: 14, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null });
    expect(t.byRole.find((r) => r.agentType === 'implementation')?.usage.costUsd).toBeCloseTo(0.01, 10);
    expect((await usageOfProject(ctx.deps.db, project.id)).total.costUsd).toBeNull();
  });
});

describe('usage and price routes', () => {
  it('an admin price edit changes the computed cost; deleting the price leaves tokens without a cost', async () => {
    const run = await runWith(task, 'house-model', [{ usage: tokens(2_000_000, 1_000_000), cost: null }]);
    const read = async () =>
      ((await (await ctx.request('GET', `/api/tasks/${task.id}/agent-runs`, { as: owner })).json()) as { runs: AgentRunDto[] }).runs.find(
        (r) => r.id === run.id,
      )?.usage;
    expect((await read())?.costUsd).toBeNull();

    const price = {
      provider: 'anthropic',
      model: 'house-model',
      inputPerMTok: 1,
      outputPerMTok: 2,
      cacheReadPerMTok: 0,
      cacheWritePerMTok: 0,
    };
    expect((await ctx.request('PUT', '/api/admin/prices', { as: owner, json: price })).status).toBe(403);
    expect((await ctx.request('PUT', '/api/admin/prices', { as: admin, json: price })).status).toBe(200);
    expect((await read())?.costUsd).toBeCloseTo(2 + 2, 10);
    expect((await ctx.request('PUT', '/api/admin/prices', { as: admin, json: { ...price, inputPerMTok: 10 } })).status).toBe(200);
    expect((await read())?.costUsd).toBeCloseTo(20 + 2, 10);
    const list = ((await (await ctx.request('GET', '/api/admin/prices', { as: admin })).json()) as { prices: ModelPriceDto[] }).prices;
    expect(list.find((p) => p.model === 'house-model')).toMatchObject({ inputPerMTok: 10, outputPerMTok: 2 });
    expect(list.some((p) => p.model === 'claude-sonnet-4-5')).toBe(true);

    const del = await ctx.request('DELETE', '/api/admin/prices', { as: admin, json: { provider: 'anthropic', model: 'house-model' } });
    expect(await del.json()).toEqual({ deleted: true });
    expect(await read()).toEqual({
      inputTokens: 2_000_000,
      outputTokens: 1_000_000,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: null,
    });
  });

  it('rejects negative prices', async () => {
    const res = await ctx.request('PUT', '/api/admin/prices', {
      as: admin,
      json: { provider: 'anthropic', model: 'x', inputPerMTok: -1, outputPerMTok: 0, cacheReadPerMTok: 0, cacheWritePerMTok: 0 },
    });
    expect(res.status).toBe(400);
  });

  it('serves task and project totals to members', async () => {
    await runWith(task, 'claude-sonnet-4-5', [{ usage: tokens(10, 1), cost: 0.001 }], 'review');
    const t = ((await (await ctx.request('GET', `/api/tasks/${task.id}/usage`, { as: owner })).json()) as { usage: TaskUsageDto }).usage;
    expect(t).toMatchObject({ taskId: task.id, byRole: [{ agentType: 'review', runs: 1 }], total: { inputTokens: 10, outputTokens: 1 } });
    const p = ((await (await ctx.request('GET', `/api/projects/${project.id}/usage`, { as: owner })).json()) as { usage: ProjectUsageDto })
      .usage;
    expect(p).toMatchObject({ projectId: project.id, total: { inputTokens: 10, outputTokens: 1 } });
  });
});
