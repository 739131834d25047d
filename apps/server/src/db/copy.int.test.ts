// `bottega db copy`: a populated SQLite instance goes to PostgreSQL and back
// with every row intact, the server runs on the copy, and a target holding
// data is refused untouched. Runs in both suites: on PostgreSQL against the
// run's cluster, on SQLite against a cluster of its own.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster, type PostgresCluster } from '@bottega/testkit';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskPageDto, TranscriptPageDto } from '@bottega/protocol';
import type { DatabaseConfig } from '../config';
import type { ProviderMessage } from '../harness/contract';
import { TranscriptStore } from '../harness/transcript-store';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../testing/context';
import { testPostgresUrl } from '../testing/database';
import { copyDatabase, CopyError } from './copy';
import { migrateToLatest } from './migrate';
import { migrations } from './migrations/index';
import { openDatabase } from './open';

let cluster: PostgresCluster | null = null;
let postgresUrl: string;
let dir: string;

beforeAll(async () => {
  const url = testPostgresUrl();
  if (url) postgresUrl = url;
  else {
    cluster = await startPostgresCluster({ maxConnections: 100 });
    postgresUrl = cluster.url;
  }
  dir = await mkdtemp(join(tmpdir(), 'bottega-copy-'));
});
afterAll(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sqliteAt = (name: string): DatabaseConfig => ({ kind: 'sqlite', path: join(dir, name) });
const freshSchema = (): DatabaseConfig => ({ kind: 'postgres', url: postgresUrl, schema: `copy_${randomBytes(6).toString('hex')}` });

type Dump = Record<string, Record<string, unknown>[]>;

/** Every table's rows in key order, read straight from the catalog (schema_migrations and SQLite's own tables aside). */
async function dump(config: DatabaseConfig): Promise<Dump> {
  const opened = openDatabase(config);
  const db = opened.db as unknown as Kysely<unknown>;
  try {
    const tables =
      opened.dialect === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows
        : (
            await sql<{
              name: string;
            }>`select table_name as name from information_schema.tables where table_schema = ${opened.schema}`.execute(db)
          ).rows;
    const out: Dump = {};
    for (const { name } of tables) {
      if (name === 'schema_migrations') continue;
      const pk =
        opened.dialect === 'sqlite'
          ? (await sql<{ name: string }>`select name from pragma_table_info(${name}) where pk > 0 order by pk`.execute(db)).rows
          : (
              await sql<{ name: string }>`select k.column_name as name from information_schema.table_constraints c
                join information_schema.key_column_usage k on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
                where c.table_schema = ${opened.schema} and c.table_name = ${name} and c.constraint_type = 'PRIMARY KEY' order by k.ordinal_position`.execute(
                db,
              )
            ).rows;
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
      // In key order, compared the same way on both sides (numbers as numbers, text bytewise).
      const compare = (a: unknown, b: unknown) =>
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
      out[name] = rows.sort((a, b) => pk.reduce((r, c) => r || compare(a[c.name], b[c.name]), 0));
    }
    return out;
  } finally {
    await opened.close();
  }
}

async function sqliteSequence(config: DatabaseConfig): Promise<Record<string, unknown>[]> {
  const opened = openDatabase(config);
  try {
    return (await sql<Record<string, unknown>>`select name, seq from sqlite_sequence order by name`.execute(opened.db)).rows;
  } finally {
    await opened.close();
  }
}

async function login(ctx: TestContext, username: string): Promise<string> {
  const res = await ctx.request('POST', '/api/auth/login', { json: { username, password: TEST_PASSWORD } });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')?.split(';')[0] ?? '';
}

interface World {
  source: DatabaseConfig;
  projectId: number;
  conversationId: number;
  deletedTaskId: number;
}

/** An instance with rows in every kind of table, some made through the API, and a deleted task (its id must never come back). */
async function populate(source: DatabaseConfig): Promise<World> {
  const ctx = await createTestContext({ database: source });
  try {
    const admin = await ctx.user({ isAdmin: true, username: 'admin' });
    const member = await ctx.user({ username: 'member' });
    const project = await ctx.project({ members: [admin, member], name: 'Copied project' });
    const created = await ctx.request('POST', `/api/projects/${project.id}/tasks`, { as: admin, json: { title: 'Made through the API' } });
    expect(created.status).toBe(201);
    const task = await ctx.task(project, member, { title: 'Task with history', block_reason: null, yolo_mode: 1 });
    const doomed = await ctx.task(project, admin, { title: 'Deleted' });
    await ctx.deps.db.deleteFrom('tasks').where('id', '=', doomed.id).execute();
    const conversation = await ctx.conversation(task, { title: 'Ünïcödé “quotes” and emoji 🚀', context_usage: '{"used":12}' });
    await ctx.run(task, conversation, 'completed');
    await ctx.run(task, null, 'failed');
    const store = new TranscriptStore(ctx.deps.db, () => new Date());
    const messages: ProviderMessage[] = Array.from({ length: 1234 }, (_, i) => ({
      type: i % 2 === 0 ? 'assistant' : 'user',
      text: `line ${i}: ${'x'.repeat(i % 50)} 'quoted' \\ back\nslash`,
      id: `m-${i}`,
      providerSessionId: null,
      raw: null,
    }));
    for (let i = 0; i < messages.length; i += 300) await store.append(conversation.id, messages.slice(i, i + 300), 'anthropic');
    const at = new Date().toISOString();
    await ctx.deps.db
      .insertInto('usage_records')
      .values(
        [1, 2, 3].map((n) => ({
          conversation_id: conversation.id,
          provider: 'anthropic',
          model: 'claude-x',
          input_tokens: 1000 * n,
          output_tokens: 2_000_000_000 + n,
          cache_read_tokens: 0,
          cache_write_tokens: n,
          reported_cost_usd: n === 2 ? null : 0.1 + 0.2 * n,
          created_at: at,
        })),
      )
      .execute();
    expect((await ctx.request('PATCH', '/api/admin/settings', { as: admin, json: { triggerHandle: 'copied-bot' } })).status).toBe(200);
    expect(
      (
        await ctx.request('PUT', '/api/admin/prices', {
          as: admin,
          json: {
            provider: 'anthropic',
            model: 'claude-x',
            inputPerMTok: 1.5,
            outputPerMTok: 7.25,
            cacheReadPerMTok: 0.15,
            cacheWritePerMTok: 1.875,
          },
        })
      ).status,
    ).toBe(200);
    await ctx.deps.db
      .insertInto('user_agent_settings')
      .values({ user_id: member.row.id, agent_type: 'review', provider: 'anthropic', model: 'claude-x', effort: 'high', updated_at: at })
      .execute();
    await ctx.deps.db.insertInto('project_allowed_hosts').values({ project_id: project.id, host: 'registry.npmjs.org' }).execute();
    await ctx.deps.db
      .insertInto('webhook_deliveries')
      .values({ delivery_id: 'd-1', event: 'pull_request', outcome: 'ignored', received_at: at, subject: 'pr:1' })
      .execute();
    await ctx.deps.db
      .insertInto('pr_ci_rounds')
      .values({
        task_id: task.id,
        round: 1,
        head_sha: 'abc123',
        state: 'failure',
        failing_checks: '["lint"]',
        created_at: at,
        updated_at: at,
      })
      .execute();
    await ctx.deps.db
      .insertInto('pr_review_threads')
      .values({
        task_id: task.id,
        thread_id: 'T_1',
        path: 'src/a.ts',
        line: null,
        author: 'octocat',
        body: 'Please rename',
        url: 'https://github.com/o/r/pull/1#discussion_r1',
        resolved: 0,
        reply_count: 2,
        position: 0,
        updated_at: at,
      })
      .execute();
    return { source, projectId: project.id, conversationId: conversation.id, deletedTaskId: doomed.id };
  } finally {
    await ctx.deps.harness.shutdown();
    await ctx.close();
  }
}

describe('bottega db copy', () => {
  it('moves a populated SQLite instance to PostgreSQL and back with every row intact; the server runs on the copy', async () => {
    const world = await populate(sqliteAt('source.db'));
    const original = await dump(world.source);
    for (const table of ['users', 'tasks', 'transcript_entries', 'usage_records', 'instance_settings', 'model_prices', 'pr_review_threads'])
      expect(original[table]?.length, table).toBeGreaterThan(0);

    const target = freshSchema();
    const seen: string[] = [];
    const result = await copyDatabase(world.source, target, { batchRows: 100, onTable: (t) => seen.push(t) });
    // Parents before children.
    expect(seen.indexOf('users')).toBeLessThan(seen.indexOf('projects'));
    expect(seen.indexOf('tasks')).toBeLessThan(seen.indexOf('conversations'));
    expect(seen.indexOf('conversations')).toBeLessThan(seen.indexOf('transcript_entries'));
    expect(seen.indexOf('agent_runs')).toBeLessThan(seen.indexOf('pr_ci_rounds'));
    expect(result.tables.map((t) => t.table).sort()).toEqual(Object.keys(original).sort());
    for (const t of result.tables)
      expect(t, t.table).toEqual({ table: t.table, source: original[t.table]?.length, target: original[t.table]?.length });
    expect(await dump(target)).toEqual(original);

    // And back, into a SQLite file already migrated (its seeded price list makes way for the copy's).
    const back = sqliteAt('back.db');
    const opened = openDatabase(back);
    await migrateToLatest(opened.db as unknown as Kysely<unknown>, 'sqlite');
    await opened.close();
    await copyDatabase(target, back, { batchRows: 7 });
    expect(await dump(back)).toEqual(original);
    expect(await sqliteSequence(back)).toEqual(await sqliteSequence(world.source));

    // The server on the PostgreSQL copy: sign-in, the task list, a transcript, and a new task with an id never used.
    const ctx = await createTestContext({ database: target });
    try {
      const cookie = await login(ctx, 'admin');
      const headers = { cookie };
      const list = (await (await ctx.request('GET', `/api/projects/${world.projectId}/tasks`, { headers })).json()) as TaskPageDto;
      expect(list.tasks.map((t) => t.title).sort()).toEqual(['Made through the API', 'Task with history']);
      const page = await ctx.request('GET', `/api/conversations/${world.conversationId}/messages?limit=1000`, { headers });
      expect(page.status).toBe(200);
      const transcript = (await page.json()) as TranscriptPageDto;
      expect(transcript.messages[0]).toMatchObject({
        id: 'm-0',
        seq: 1,
        text: expect.stringContaining("line 0:  'quoted' \\ back\nslash"),
      });
      expect(transcript.messages.map((m) => m.id)).toContain('m-999');
      const created = await ctx.request('POST', `/api/projects/${world.projectId}/tasks`, { headers, json: { title: 'After the move' } });
      expect(created.status).toBe(201);
      const { task } = (await created.json()) as { task: { id: number } };
      expect(task.id).toBe(world.deletedTaskId + 1);
      const settings = await ctx.request('GET', '/api/admin/settings', { headers });
      expect(await settings.json()).toMatchObject({ triggerHandle: 'copied-bot' });
      expect(await login(ctx, 'member')).not.toBe('');
    } finally {
      await ctx.deps.harness.shutdown();
      await ctx.close();
    }
  });

  it('refuses a target that holds data and writes nothing to it', async () => {
    const world = await populate(sqliteAt('refuse-source.db'));
    const target = freshSchema();
    await copyDatabase(world.source, target);
    const before = await dump(target);
    await expect(copyDatabase(world.source, target)).rejects.toThrow(/the target \(PostgreSQL .*\) is not empty: table \w+ has rows/);
    expect(await dump(target)).toEqual(before);

    // A SQLite target with one user in it.
    const occupied = sqliteAt('occupied.db');
    const ctx = await createTestContext({ database: occupied });
    await ctx.user({ username: 'already-here' });
    await ctx.close();
    const occupiedBefore = await dump(occupied);
    await expect(copyDatabase(target, occupied)).rejects.toThrow('table users has rows');
    expect(await dump(occupied)).toEqual(occupiedBefore);
  });

  it('leaves the target without data when a row does not fit it', async () => {
    const source = sqliteAt('misfit.db');
    const ctx = await createTestContext({ database: source });
    const owner = await ctx.user({ username: 'fits' });
    const project = await ctx.project({ members: [owner] });
    await ctx.task(project, owner);
    // SQLite does not hold varchar lengths; PostgreSQL does.
    await ctx.user({ username: 'x'.repeat(100) });
    await ctx.close();
    const target = freshSchema();
    await expect(copyDatabase(source, target)).rejects.toThrow(/^table users: .*character varying\(64\).*; nothing was kept$/);
    const left = await dump(target);
    expect(Object.keys(left)).toContain('tasks');
    for (const [table, rows] of Object.entries(left)) if (table !== 'model_prices') expect(rows, table).toEqual([]);
    // Nothing half-done stands in the way of the next attempt once the row is fixed.
    const fix = openDatabase(source);
    await fix.db.updateTable('users').set({ username: 'shortened' }).where('username', '=', 'x'.repeat(100)).execute();
    await fix.close();
    await copyDatabase(source, target);
    expect((await dump(target)).users?.map((u) => u.username)).toEqual(['fits', 'shortened']);
  });

  it('refuses a source behind this version, a missing source, and the same database twice', async () => {
    const behind = sqliteAt('behind.db');
    const opened = openDatabase(behind);
    await migrateToLatest(opened.db as unknown as Kysely<unknown>, 'sqlite', { migrations: migrations.slice(0, 5) });
    await opened.close();
    const target = freshSchema();
    await expect(copyDatabase(behind, target)).rejects.toThrow(
      new RegExp(`${migrations.length - 5} migrations behind .* run \`bottega migrate\` against it first`),
    );
    await expect(copyDatabase(sqliteAt('nothing-here.db'), target)).rejects.toThrow(/nothing-here\.db does not exist/);
    await expect(copyDatabase(target, target)).rejects.toThrow(CopyError);
    await expect(copyDatabase(target, { ...target })).rejects.toThrow(/the same database/);
  });

  it('names an unreachable database without its password', async () => {
    const populated = sqliteAt('unreachable-source.db');
    const opened = openDatabase(populated);
    await migrateToLatest(opened.db as unknown as Kysely<unknown>, 'sqlite');
    await opened.close();
    const unreachable: DatabaseConfig = { kind: 'postgres', url: 'postgres://someone:hunter2@127.0.0.1:1/nowhere', schema: null };
    const err = (await copyDatabase(populated, unreachable).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(CopyError);
    expect(err.message).toMatch(/^cannot use PostgreSQL 127\.0\.0\.1:1\/nowhere: /);
    expect(err.message).not.toContain('hunter2');
  });
});
