// The one cost rule end to end (docs/behaviour/usage.md#cost): a provider that
// reports its session's running total (Claude Code) gets per-turn costs — three
// identical turns cost the same each in the transcript, the usage records and
// the totals — and the chat shows dollars only for a model the Usage panel prices.
import type { ServerEvent, TranscriptPageDto, UnifiedMessage } from '@bottega/protocol';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { usageOfTask } from '../engine/usage-totals';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import { consumeTurn, type ConsumeTarget } from './consumer';
import type { ProviderMessage, TurnHandle } from './contract';
import { TranscriptStore } from './transcript-store';

let ctx: TestContext;
let user: TestUser;
let target: ConsumeTarget;
let taskId: number;
beforeEach(async () => {
  ctx = await createTestContext();
  user = await ctx.user();
  const p = await ctx.project({ members: [user] });
  const t = await ctx.task(p, user);
  const c = await ctx.conversation(t);
  await ctx.run(t, c, 'completed');
  taskId = t.id;
  target = { conversationId: c.id, projectId: p.id, taskId: t.id, provider: 'anthropic', model: 'test-model' };
});
afterEach(async () => ctx.close());

const usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };

function turn(i: number, runningCostUsd: number): TurnHandle {
  const result: ProviderMessage = {
    id: `r${i}`,
    providerSessionId: 'sess-1',
    raw: {},
    type: 'result',
    status: 'success',
    text: 'done',
    usage,
    contextUsage: null,
    costUsd: null,
    runningCostUsd,
    durationMs: 10,
  };
  async function* stream(): AsyncGenerator<ProviderMessage> {
    yield { id: `a${i}`, providerSessionId: 'sess-1', raw: {}, type: 'assistant', text: 'same answer' };
    yield result;
  }
  return { messages: stream(), sessionId: Promise.resolve('sess-1'), abort: async () => undefined, pid: null };
}

async function runTurns(totals: number[]): Promise<UnifiedMessage[]> {
  const store = new TranscriptStore(ctx.deps.db, () => new Date());
  const broadcast: UnifiedMessage[] = [];
  const off = ctx.deps.bus.subscribe((e: ServerEvent) => {
    if (e.type === 'message' && e.message.type === 'result') broadcast.push(e.message);
  });
  try {
    for (const [i, total] of totals.entries()) await consumeTurn(ctx.deps, store, target, turn(i, total), { thinking: '' });
  } finally {
    off();
  }
  return broadcast;
}

const costs = (messages: UnifiedMessage[]) => messages.map((m) => (m.type === 'result' ? m.costUsd : 'not a result'));

async function page(): Promise<UnifiedMessage[]> {
  const res = await ctx.request('GET', `/api/conversations/${target.conversationId}/messages`, { as: user });
  expect(res.status).toBe(200);
  return ((await res.json()) as TranscriptPageDto).messages.filter((m) => m.type === 'result');
}

it('stores and totals each turn’s own share of a running total, and shows no dollars for a model without a price', async () => {
  const broadcast = await runTurns([0.0555, 0.111, 0.1665]);
  const stored = (await new TranscriptStore(ctx.deps.db, () => new Date()).all(target.conversationId)).filter((m) => m.type === 'result');
  expect(costs(stored).map((c) => (typeof c === 'number' ? c.toFixed(4) : c))).toEqual(['0.0555', '0.0555', '0.0555']);
  const records = await ctx.deps.db.selectFrom('usage_records').select('reported_cost_usd').orderBy('id').execute();
  expect(records.map((r) => r.reported_cost_usd?.toFixed(4))).toEqual(['0.0555', '0.0555', '0.0555']);

  // No price row for the model: the Usage panel says "no price", and so does the chat — live and from history.
  expect((await usageOfTask(ctx.deps.db, taskId)).total.costUsd).toBeNull();
  expect(costs(broadcast)).toEqual([null, null, null]);
  expect(costs(await page())).toEqual([null, null, null]);
});

it('prices the chat’s turns from the same source as the Usage panel once the model has a price', async () => {
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
  const broadcast = await runTurns([0.0555, 0.111, 0.1665]);
  const shown = costs(await page()) as number[];
  expect(shown.map((c) => c.toFixed(4))).toEqual(['0.0555', '0.0555', '0.0555']);
  expect(costs(broadcast)).toEqual(shown);
  const total = (await usageOfTask(ctx.deps.db, taskId)).total.costUsd ?? Number.NaN;
  expect(total).toBeCloseTo(
    shown.reduce((a, b) => a + b, 0),
    10,
  );
});

it('continues from a result stored before running totals were kept apart (its cost was then the running total)', async () => {
  const store = new TranscriptStore(ctx.deps.db, () => new Date());
  const legacy: ProviderMessage = {
    id: 'old',
    providerSessionId: 'sess-1',
    raw: {},
    type: 'result',
    status: 'success',
    text: 'done',
    usage,
    contextUsage: null,
    costUsd: 0.111,
    durationMs: 10,
  };
  await store.append(target.conversationId, [legacy], 'anthropic');
  await runTurns([0.1665]);
  const results = (await store.all(target.conversationId)).filter((m) => m.type === 'result');
  expect(costs(results).map((c) => (typeof c === 'number' ? c.toFixed(4) : c))).toEqual(['0.1110', '0.0555']);
});
