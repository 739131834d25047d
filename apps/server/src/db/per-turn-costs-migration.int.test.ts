// Migration 0011 on a database built with the migrations before it, holding
// turns recorded before the one cost rule: Claude Code's session running
// totals stored as each turn's cost, in the usage records and the transcript.
// After it every turn costs its own share, the totals add up, newer per-turn
// figures and other providers are untouched, and the next turn continues from
// the running total the transcript now keeps apart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { usageOfTask } from '../engine/usage-totals';
import { TranscriptStore } from '../harness/transcript-store';
import { migrateToLatest } from './migrate';
import { migrations } from './migrations/index';
import { openDatabase, type OpenedDb } from './open';

let dir: string;
let opened: OpenedDb;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-migration-'));
  opened = openDatabase({ kind: 'sqlite', path: join(dir, 'bottega.db') });
});
afterEach(async () => {
  await opened.close();
  await rm(dir, { recursive: true, force: true });
});

const at = (minute: number) => `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000Z`;
const usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** A result as the transcript stored it; `runningCostUsd` only once the rule existed. */
function result(provider: string, costUsd: number | null, runningCostUsd?: number) {
  return {
    id: `r-${Math.random()}`,
    provider,
    type: 'result',
    status: 'success',
    text: 'done',
    usage,
    contextUsage: null,
    costUsd,
    ...(runningCostUsd === undefined ? {} : { runningCostUsd }),
    durationMs: 10,
  };
}

it('turns running totals stored before the per-turn rule into per-turn figures, and only those', async () => {
  const { db } = opened;
  expect(await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite', { migrations: migrations.slice(0, 10) })).toHaveLength(10);
  const now = at(0);
  const user = await db
    .insertInto('users')
    .values({
      username: 'ada',
      password_hash: 'x',
      is_active: 1,
      is_admin: 0,
      is_technical: 1,
      has_completed_onboarding: 1,
      token_version: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const project = await db
    .insertInto('projects')
    .values({ name: 'P', repo_path: '/srv/p', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task = await db
    .insertInto('tasks')
    .values({
      project_id: project.id,
      owner_id: user.id,
      title: 'T',
      status: 'in_progress',
      yolo_mode: 0,
      planification_complete: 1,
      workflow_complete: 0,
      workflow_blocked: 0,
      workflow_run_count: 3,
      refinement_complete: 0,
      pr_agent_complete: 0,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const conversation = async (provider: string) => {
    const c = await db
      .insertInto('conversations')
      .values({ task_id: task.id, kind: 'agent_run', provider, model: 'm', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('agent_runs')
      .values({
        task_id: task.id,
        agent_type: 'implementation',
        status: 'completed',
        conversation_id: c.id,
        trigger: 'manual',
        created_at: now,
      })
      .execute();
    return c.id;
  };
  /** One turn: its assistant message, its result, then its usage record a moment later. */
  const turn = async (conversationId: number, seq: number, minute: number, message: ReturnType<typeof result>, recorded: number | null) => {
    await db
      .insertInto('transcript_entries')
      .values([
        {
          conversation_id: conversationId,
          seq,
          entry_id: `a${seq}`,
          type: 'assistant',
          payload: JSON.stringify({ id: `a${seq}`, provider: message.provider, type: 'assistant', text: 'same answer' }),
          created_at: at(minute),
        },
        {
          conversation_id: conversationId,
          seq: seq + 1,
          entry_id: message.id,
          type: 'result',
          payload: JSON.stringify(message),
          created_at: at(minute),
        },
      ])
      .execute();
    await db
      .insertInto('usage_records')
      .values({
        conversation_id: conversationId,
        provider: message.provider,
        model: 'm',
        input_tokens: 1000,
        output_tokens: 100,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        reported_cost_usd: recorded,
        created_at: at(minute),
      })
      .execute();
  };

  // Before the rule: three equal turns stored as 0.05, 0.10, 0.15, then a count started afresh.
  const old = await conversation('anthropic');
  await turn(old, 1, 1, result('anthropic', 0.05), 0.05);
  await turn(old, 3, 2, result('anthropic', 0.1), 0.1);
  await turn(old, 5, 3, result('anthropic', 0.15), 0.15);
  await turn(old, 7, 4, result('anthropic', 0.02), 0.02);
  // Upgraded mid-conversation: two old turns, then one under the rule (already per turn).
  const mixed = await conversation('anthropic');
  await turn(mixed, 1, 5, result('anthropic', 0.2), 0.2);
  await turn(mixed, 3, 6, result('anthropic', 0.3), 0.3);
  await turn(mixed, 5, 7, result('anthropic', 0.1, 0.4), 0.1);
  // A provider that always reported per turn.
  const codex = await conversation('openai');
  await turn(codex, 1, 8, result('openai', 0.3), 0.3);
  await turn(codex, 3, 9, result('openai', 0.3), 0.3);

  // This migration is the first to run now (later ones follow it).
  expect((await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite'))[0]).toBe('0011_per_turn_costs');

  const records = async (conversationId: number) =>
    (
      await db.selectFrom('usage_records').select('reported_cost_usd').where('conversation_id', '=', conversationId).orderBy('id').execute()
    ).map((r) => r.reported_cost_usd?.toFixed(4) ?? null);
  expect(await records(old)).toEqual(['0.0500', '0.0500', '0.0500', '0.0200']);
  expect(await records(mixed)).toEqual(['0.2000', '0.1000', '0.1000']);
  expect(await records(codex)).toEqual(['0.3000', '0.3000']);

  const store = new TranscriptStore(db, () => new Date());
  const results = async (conversationId: number) =>
    (await store.all(conversationId)).flatMap((m) =>
      m.type === 'result' ? [[m.costUsd?.toFixed(4) ?? null, m.runningCostUsd?.toFixed(4) ?? null]] : [],
    );
  expect(await results(old)).toEqual([
    ['0.0500', '0.0500'],
    ['0.0500', '0.1000'],
    ['0.0500', '0.1500'],
    ['0.0200', '0.0200'],
  ]);
  expect(await results(mixed)).toEqual([
    ['0.2000', '0.2000'],
    ['0.1000', '0.3000'],
    ['0.1000', '0.4000'],
  ]);
  expect(await results(codex)).toEqual([
    ['0.3000', null],
    ['0.3000', null],
  ]);
  // Other entries are as they were; the next turn continues from the kept running total.
  expect((await store.all(old)).filter((m) => m.type === 'assistant')).toHaveLength(4);
  expect(await store.lastRunningCost(old, 'anthropic')).toBeCloseTo(0.02, 10);

  // The totals are the sums of the turns (priced: the model is in the price table).
  await db
    .insertInto('model_prices')
    .values({
      provider: 'anthropic',
      model: 'm',
      input_per_mtok: 1,
      output_per_mtok: 1,
      cache_read_per_mtok: 1,
      cache_write_per_mtok: 1,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('model_prices')
    .values({
      provider: 'openai',
      model: 'm',
      input_per_mtok: 1,
      output_per_mtok: 1,
      cache_read_per_mtok: 1,
      cache_write_per_mtok: 1,
      updated_at: now,
    })
    .execute();
  expect((await usageOfTask(db, task.id)).total.costUsd).toBeCloseTo(0.05 * 3 + 0.02 + 0.2 + 0.1 + 0.1 + 0.3 + 0.3, 10);
});
