// The database-bound benchmarks on PostgreSQL, on a throwaway cluster (stopped at the end):
// 1. GET a project's task list with 50,000 tasks: first page p50 < 10 ms, and the whole list (no
//    target), at the largest page and as the board loads it (task-lists.ts). The real server
//    (`bottega start` with DATABASE_URL=postgres://…?schema=…) makes the schema by its migrations; the
//    tasks are inserted straight through `pg` (multi-row INSERTs), ANALYZEd, then read over HTTP. The
//    list's own SQL, captured from `listTasks`, is timed with EXPLAIN ANALYZE; its plan is printed when
//    the page misses its target.
// 2. Transcript ingest with 10 WebSocket subscribers, exactly as ingest.bench.ts measures it on SQLite (the
//    same realistic stream: tool results of 2–20 KB, text deltas, no waits): first on the node running the turn, then on a second node on the same database (the issue's
//    target, ≥ 10,000 entries/s, is for subscribers on another node: every entry crosses LISTEN/NOTIFY).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { startPostgresCluster } from '@bottega/testkit';
import type { Database } from '../apps/server/src/db/schema';
import { listTasks } from '../apps/server/src/features/tasks/commands';
import { measureIngest } from './ingest.bench';
import { adminAuth, cleanup, percentile, processTreeCpuMs, report, reportLoad, startServer, tempHome } from './lib';
import { benchTask, measureTaskList } from './task-lists';

const TASKS = 50_000;
const ROWS_PER_INSERT = 1000;
const TARGET_MS = 10;

export async function run(): Promise<void> {
  const cluster = await startPostgresCluster({ maxConnections: 100 });
  try {
    const postmaster = Number((await readFile(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    reportLoad('at the start');
    await taskList(cluster.url, postmaster);
    reportLoad('after the task list');
    await measureIngest({
      database: { kind: 'postgres', url: cluster.url, schema: 'bench_ingest' },
      label: 'PostgreSQL, one node',
      target: 10_000,
      databaseCpuMs: () => processTreeCpuMs(postmaster),
    });
    reportLoad('after the one-node ingest');
    await measureIngest({
      database: { kind: 'postgres', url: cluster.url, schema: 'bench_ingest_nodes' },
      label: 'PostgreSQL, subscribers on another node',
      target: 10_000,
      databaseCpuMs: () => processTreeCpuMs(postmaster),
      subscribersOnAnotherNode: true,
    });
    reportLoad('after the ingest across nodes');
  } finally {
    await cluster.stop();
  }
}

async function taskList(clusterUrl: string, postmaster: number): Promise<void> {
  const schema = 'bench_tasks';
  const url = new URL(clusterUrl);
  url.searchParams.set('schema', schema);
  const env = { DATABASE_URL: url.toString() };
  const home = await tempHome('pg-tasklist');
  const pool = new pg.Pool({ connectionString: clusterUrl, max: 2, options: `-c search_path=${schema}` });
  try {
    const s = await startServer(home, env);
    try {
      const auth = await adminAuth(home, s.url, env);
      const owner = (await pool.query<{ id: number }>(`SELECT id FROM users WHERE username = 'bench'`)).rows[0]?.id;
      if (owner === undefined) throw new Error('no bench user');
      const now = new Date().toISOString();
      const project = await pool.query<{ id: number }>(
        'INSERT INTO projects (name, repo_path, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id',
        ['Bench', join(home, 'repo'), now],
      );
      const projectId = project.rows[0]!.id;
      const t0 = performance.now();
      await insertTasks(pool, projectId, owner, home);
      await pool.query('ANALYZE');
      report(`inserting ${TASKS} tasks (multi-row INSERTs of ${ROWS_PER_INSERT}) and ANALYZE`, performance.now() - t0, 'ms');

      const { firstP50, columnP50 } = await measureTaskList(s.url, auth, projectId, TASKS, {
        target: TARGET_MS,
        allRounds: 6,
        allTarget: null,
        label: 'PostgreSQL',
        serverPid: s.child.pid,
        databaseCpuMs: () => processTreeCpuMs(postmaster),
      });
      // The same request on a project of 101 tasks: what a page costs whatever the table's size.
      const small = await pool.query<{ id: number }>(
        'INSERT INTO projects (name, repo_path, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id',
        ['Small', join(home, 'small'), now],
      );
      await pool.query(
        `INSERT INTO tasks (project_id, owner_id, title, created_at, updated_at)
         SELECT $1, $2, 'Task ' || i, $3, $3 FROM generate_series(1, 101) AS i`,
        [small.rows[0]!.id, owner, now],
      );
      const floor: number[] = [];
      for (let i = 0; i < 120; i++) {
        const t1 = process.hrtime.bigint();
        const res = await fetch(`${s.url}/api/projects/${small.rows[0]!.id}/tasks`, { headers: { authorization: auth } });
        await res.json();
        if (i >= 20) floor.push(Number(process.hrtime.bigint() - t1) / 1e6);
      }
      report('  the same first page in a project of 101 tasks, p50', percentile(floor, 50), 'ms');
      const first = await listQuery(clusterUrl, schema, projectId, {});
      await explain(pool, 'first page', first, firstP50 >= TARGET_MS);
      const column = await listQuery(clusterUrl, schema, projectId, { status: 'in_review' });
      await explain(pool, 'one column', column, columnP50 >= TARGET_MS);
    } finally {
      await s.stop();
    }
  } finally {
    await pool.end();
    await cleanup(home);
  }
}

async function insertTasks(pool: pg.Pool, projectId: number, ownerId: number, home: string): Promise<void> {
  const columns = ['project_id', 'owner_id', 'title', 'status', 'branch_name', 'worktree_path', 'created_at', 'updated_at'];
  for (let from = 1; from <= TASKS; from += ROWS_PER_INSERT) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = from; i < Math.min(from + ROWS_PER_INSERT, TASKS + 1); i++) {
      const t = benchTask(home, i);
      const row = [projectId, ownerId, t.title, t.status, t.branch, t.worktree, t.at, t.at];
      tuples.push(`(${row.map((_, k) => `$${values.length + k + 1}`).join(', ')})`);
      values.push(...row);
    }
    await pool.query(`INSERT INTO tasks (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

/** The SQL `listTasks` sends for a first page (captured from Kysely's log, not executed twice). */
async function listQuery(clusterUrl: string, schema: string, projectId: number, filter: { status?: 'in_review' }): Promise<CompiledQuery> {
  let captured: CompiledQuery | null = null;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: clusterUrl, max: 1, options: `-c search_path=${schema}` }) }),
    log: (event) => {
      if (event.level === 'query') captured = event.query;
    },
  });
  try {
    await listTasks({ db }, projectId, { limit: 100, ...filter });
  } finally {
    await db.destroy();
  }
  if (!captured) throw new Error('listTasks sent no query');
  return captured;
}

/** The query's execution time in the database (median of 20 EXPLAIN ANALYZE runs); the plan when asked. */
async function explain(pool: pg.Pool, what: string, query: CompiledQuery, showPlan: boolean): Promise<void> {
  const times: number[] = [];
  let plan: string[] = [];
  for (let i = 0; i < 25; i++) {
    const res = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`, query.parameters as unknown[]);
    plan = res.rows.map((r) => r['QUERY PLAN']);
    const ms = Number(plan.find((l) => l.startsWith('Execution Time'))?.match(/([\d.]+) ms/)?.[1]);
    if (i >= 5) times.push(ms);
  }
  times.sort((a, b) => a - b);
  report(`  ${what}: the list query's execution time in PostgreSQL (EXPLAIN ANALYZE), p50`, times[Math.floor(times.length / 2)]!, 'ms');
  if (showPlan) console.log(`INFO   ${what}: plan of the list query\n${plan.map((l) => `         ${l}`).join('\n')}`);
}
