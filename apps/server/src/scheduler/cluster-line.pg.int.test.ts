// The cluster's run line on a real PostgreSQL (cluster-line.ts, docs/decisions/0014-job-engine.md):
// several ClusterLine nodes in this process over one test world's schema, each with its own
// connection pool, node id and `cluster_nodes` row. PostgreSQL, Graphile Worker and the
// advisory-lock leader are real; only the engine's dispatch is replaced, by one that records which
// node started which run, moves its row queued → running → completed through the engine's
// transitions (conditional, so a run starts at most once), holds it for a while, then releases
// its slot. The real agent path is covered by tests/cluster.pg.int.test.ts.
//
// What is checked is correctness, never speed: every run starts exactly once (or once more after
// its node died), no user ever holds more than the per-user limit, no node more than its slots,
// the cluster never more than its live nodes' slots together.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type OpenedDb } from '../db/open';
import type { AgentRunRow, ProjectRow } from '../db/schema';
import { newNodeIdentity } from '../cluster/node';
import { NodeRegistry } from '../cluster/registry';
import {
  completeRunTransition,
  dispatchRunTransition,
  interruptLiveRuns,
  requeueRunTransition,
  cancelRunTransition,
} from '../engine/transitions/runs';
import { EventBus } from '../events/bus';
import { silentLogger } from '../logger';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import { JOBS_SCHEMA, jobNames } from '../cluster/jobs';
import { ClusterLine, type ClusterLineDeps } from './cluster-line';
import { RunScheduler, storePerUserLimit } from './scheduler';

// ——— helpers ———

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds (generous: these waits are about correctness, not speed). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/**
 * What every node's test dispatch reports: which runs started where and for whom, and what
 * executes now. Each start is checked against the limits at that moment; a breach is recorded
 * (and asserted empty at the end of each test).
 */
class Ledger {
  readonly starts: { runId: number; node: string; user: number }[] = [];
  /** How many times a run's job reached a dispatch (a duplicate is refused by the conditional update). */
  readonly calls = new Map<number, number>();
  readonly executing = new Map<number, { node: string; user: number }>();
  readonly breaches: string[] = [];
  /** Slots of the nodes that count: a node declared dead or stopped leaves. */
  readonly slots = new Map<string, number>();
  perUserLimit = Number.POSITIVE_INFINITY;
  maxAtOnce = 0;

  called(runId: number): void {
    this.calls.set(runId, (this.calls.get(runId) ?? 0) + 1);
  }

  start(runId: number, node: string, user: number): void {
    this.starts.push({ runId, node, user });
    this.executing.set(runId, { node, user });
    const all = [...this.executing.values()];
    const global = [...this.slots.values()].reduce((a, b) => a + b, 0);
    const ofUser = all.filter((e) => e.user === user).length;
    const onNode = all.filter((e) => e.node === node).length;
    this.maxAtOnce = Math.max(this.maxAtOnce, all.length);
    if (all.length > global) this.breaches.push(`run ${runId}: ${all.length} executing, global limit ${global}`);
    if (ofUser > this.perUserLimit) this.breaches.push(`run ${runId}: user ${user} holds ${ofUser} > ${this.perUserLimit}`);
    if (onNode > (this.slots.get(node) ?? 0)) this.breaches.push(`run ${runId}: node ${node} executes ${onNode} > its slots`);
  }

  end(runId: number): void {
    this.executing.delete(runId);
  }

  /** A node is gone (stopped, or declared dead): its runs no longer execute, its slots no longer count. */
  leave(node: string): void {
    for (const [runId, e] of this.executing) if (e.node === node) this.executing.delete(runId);
    this.slots.delete(node);
  }

  startsOf(runId: number): number {
    return this.starts.filter((s) => s.runId === runId).length;
  }

  executingOn(node: string): number[] {
    return [...this.executing].filter(([, e]) => e.node === node).map(([id]) => id);
  }
}

interface TestNode {
  name: string;
  id: string;
  line: ClusterLine;
  deps: ClusterLineDeps;
  registry: NodeRegistry;
  opened: OpenedDb;
  /** Set when the node is gone: its dispatch writes nothing more. */
  gone: boolean;
  closed: boolean;
}

interface NodeOptions {
  slots: number;
  /** How long each run it starts holds its slot; `hang` never releases (a frozen node). */
  hold?: number | 'hang';
  reconcileMs?: number;
  leaderRetryMs?: number;
}

let ctx: TestContext;
let ledger: Ledger;
/** The nodes share one bus, as the cluster bridge makes them hear each other's events. */
let bus: EventBus;
let nodes: TestNode[];
let owner: TestUser;
let project: ProjectRow;
/** Runs whose slot is held until the test calls their finisher (instead of after the node's hold). */
let heldBack: Set<number>;
let finishers: Map<number, () => void>;
/** Stops the takeovers' periodic sweeps. */
let sweepers: (() => Promise<void>)[];

beforeEach(async () => {
  ctx = await createTestContext();
  ledger = new Ledger();
  bus = new EventBus(silentLogger());
  nodes = [];
  heldBack = new Set();
  finishers = new Map();
  sweepers = [];
  owner = await ctx.user();
  project = await ctx.project({ members: [owner] });
});

afterEach(async () => {
  for (const stop of sweepers) await stop();
  for (const n of nodes) await stopNode(n);
  await ctx.close();
});

/** A node over the world's schema: its own pool, identity and registry row; joined to the line. */
async function addNode(name: string, options: NodeOptions): Promise<TestNode> {
  const opened = openDatabase(ctx.deps.config.database);
  if (!opened.pool || ctx.deps.config.database.kind !== 'postgres') throw new Error('a PostgreSQL test');
  const node = newNodeIdentity(options.slots > 0 ? 'worker' : 'api');
  const now = () => new Date();
  const logger = silentLogger();
  const deps: ClusterLineDeps = { db: opened.db, bus, logger, now, node, config: ctx.deps.config };
  const gate = new RunScheduler(
    { db: opened.db, bus, logger, now },
    { maxRunning: options.slots, maxRunningSource: 'config', minFreeMemoryMb: 0, executesRuns: false },
  );
  const hold = options.hold ?? 120;
  const self: TestNode = { name, id: node.id, deps, opened, gone: false, closed: false } as TestNode;
  self.line = new ClusterLine(deps, {
    pool: opened.pool,
    url: ctx.deps.config.database.url,
    schema: opened.schema,
    slots: options.slots,
    gate,
    reconcileMs: options.reconcileMs ?? 150,
    leaderRetryMs: options.leaderRetryMs ?? 50,
    quotaResume: () => Promise.resolve(null),
    dispatch: async (runId, release) => {
      ledger.called(runId);
      if (self.gone) return;
      // As the engine does: the run starts only if still queued (a duplicate job starts nothing).
      const run = await dispatchRunTransition(deps, runId, randomBytes(16).toString('hex'), node.id);
      if (!run) return release();
      // A start that landed as its node went away is the takeover's (it sweeps again, as NodeTakeover does).
      if (self.gone) return;
      ledger.start(runId, name, run.started_by ?? 0);
      if (hold === 'hang') return;
      const finish = () => {
        // A node that is gone writes nothing more: its run is taken over.
        if (self.gone) return;
        ledger.end(runId);
        completeRunTransition(deps, runId)
          .catch(() => undefined)
          .finally(release);
      };
      if (heldBack.has(runId)) finishers.set(runId, finish);
      else setTimeout(finish, hold);
    },
  });
  self.registry = new NodeRegistry({ db: opened.db, node, logger, now }, { leaseMs: 600_000, slots: options.slots });
  await self.registry.start(null);
  if (options.slots > 0) ledger.slots.set(name, options.slots);
  nodes.push(self);
  await self.line.start();
  return self;
}

/** The node's line stops and its connections close (idempotent). */
async function stopNode(n: TestNode): Promise<void> {
  if (n.closed) return;
  n.closed = true;
  n.gone = true;
  await n.line.close();
  await n.registry.stop();
  await n.opened.close();
}

/** Users with `count` queued runs each (one task per run, as a task has one live run), in id order. */
async function queueRuns(user: TestUser, count: number): Promise<AgentRunRow[]> {
  const rows: AgentRunRow[] = [];
  for (let i = 0; i < count; i++) {
    const task = await ctx.task(project, owner);
    const now = new Date().toISOString();
    rows.push(
      await ctx.deps.db
        .insertInto('agent_runs')
        .values({
          task_id: task.id,
          agent_type: 'implementation',
          status: 'queued',
          provider: 'anthropic',
          trigger: 'manual',
          started_by: user.row.id,
          queued_at: now,
          queue_priority: 0,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  return rows;
}

async function statuses(ids: number[]): Promise<Map<number, string>> {
  const rows = await ctx.deps.db.selectFrom('agent_runs').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function allCompleted(ids: number[], timeoutMs = 30_000): Promise<void> {
  try {
    await until(async () => [...(await statuses(ids)).values()].every((s) => s === 'completed'), 'every run completed', timeoutMs);
  } catch (err) {
    // What was left, to tell a lost slot from a lost run.
    const left = await ctx.deps.db
      .selectFrom('agent_runs')
      .select(['id', 'status', 'node_id'])
      .where('id', 'in', ids)
      .where('status', '<>', 'completed')
      .execute();
    const { rows: jobs } = await sql<{ key: string; locked_by: string | null; attempts: number }>`
      select key, locked_by, attempts from ${jobsTable()} where task_identifier in (${names().run}, ${names().line})`.execute(ctx.deps.db);
    const who = nodes.map((n) => `${n.name}=${n.id}${n.line.isLeader ? ' (leads)' : ''}`);
    throw new Error(`${(err as Error).message}: left ${JSON.stringify(left)}, jobs ${JSON.stringify(jobs)}, nodes ${who.join(', ')}`);
  }
}

/** The job engine's jobs (one schema per database; this world's are told apart by their task names). */
const jobsTable = () => sql.table(`${JOBS_SCHEMA}.jobs`);
const names = () => jobNames(nodes[0]!.opened.schema);

/** Messages for the leader not yet handled (a limit change must have reached it before runs flow). */
async function lineMessagesPending(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${jobsTable()} where task_identifier = ${names().line}`.execute(
    ctx.deps.db,
  );
  return rows[0]!.n;
}

/** Run jobs locked by the workers of `nodeId`. */
async function jobsHeldBy(nodeId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${jobsTable()} j
      join cluster_job_workers w on w.worker_id = j.locked_by
     where w.node_id = ${nodeId} and j.task_identifier = ${names().run}`.execute(ctx.deps.db);
  return rows[0]!.n;
}

/** The per-user limit, set through `via` (a node that does not lead), applied by the leader. */
async function setPerUserLimit(via: TestNode, limit: number): Promise<void> {
  expect(via.line.isLeader).toBe(false);
  await via.line.setPerUserLimit(limit);
  ledger.perUserLimit = limit;
  await until(async () => (await lineMessagesPending()) === 0, 'the leader handled the limit change');
}

/**
 * A node's end as the registry and the takeover see it: its row stopped, its active runs
 * interrupted and queued again — then again every 100 ms, as NodeTakeover sweeps (a start the
 * node wrote as it went away is taken over too). Returns the runs of the first sweep.
 */
async function takeOver(dead: TestNode, reason: 'stopped' | 'lease_expired'): Promise<AgentRunRow[]> {
  await ctx.deps.db
    .updateTable('cluster_nodes')
    .set({ stopped_at: new Date().toISOString(), stop_reason: reason })
    .where('id', '=', dead.id)
    .where('stopped_at', 'is', null)
    .execute();
  const sweep = async () => {
    const runs = await interruptLiveRuns(ctx.deps, { deadNode: dead.id });
    for (const run of runs) await requeueRunTransition(ctx.deps, run, 'interrupted', run.started_by);
    return runs;
  };
  const first = await sweep();
  let sweeping: Promise<unknown> | null = null;
  const timer = setInterval(() => (sweeping ??= sweep().finally(() => (sweeping = null))), 100);
  sweepers.push(async () => {
    clearInterval(timer);
    await sweeping;
  });
  return first;
}

const leaders = () => nodes.filter((n) => !n.closed && n.line.isLeader);

/** Exactly one live node leads (and only that one). */
async function oneLeader(among: TestNode[] = nodes): Promise<TestNode> {
  await until(() => leaders().length === 1 && among.includes(leaders()[0]!), 'one node leads');
  return leaders()[0]!;
}

/**
 * Every run started exactly once; a run the dead node had started and that was taken over
 * (`retried`) exactly once more, elsewhere.
 */
function expectEachStartedOnce(ids: number[], dead?: string, retried: number[] = []): void {
  for (const id of ids) {
    const starts = ledger.starts.filter((s) => s.runId === id);
    expect(starts.length, `starts of run ${id}`).toBe(retried.includes(id) ? 2 : 1);
    if (retried.includes(id)) expect(starts.map((s) => s.node)).toEqual([dead, expect.not.stringMatching(`^${dead}$`)]);
  }
}

// ——— the tests ———

it('spreads 60 runs of 3 users over 3 agent nodes: each starts once, within the per-user, node and global limits, fairly', async () => {
  const users = [owner, await ctx.user(), await ctx.user()];
  // The leader reads a larger limit when it begins; the change to 2 must reach it.
  await storePerUserLimit(ctx.deps, 4);
  const a = await addNode('a', { slots: 2 });
  const b = await addNode('b', { slots: 2 });
  const c = await addNode('c', { slots: 1 });
  // The first node to join leads (its first try finds the lock free).
  expect(await oneLeader()).toBe(a);
  await setPerUserLimit(b, 2);

  // The first user's 30 runs go in first (through the nodes that do not lead); once they flow,
  // the two others queue theirs. Without the limit change reaching the leader, the first user
  // would take every slot; without fairness the others would wait behind its backlog.
  const first = await queueRuns(users[0]!, 30);
  await Promise.all(first.map((r, i) => (i % 2 ? b : c).line.enqueue(r, project.id)));
  await until(() => ledger.starts.length >= 4, 'the first user’s runs flow');
  const queuedAt = ledger.starts.length;
  const [second, third] = [await queueRuns(users[1]!, 15), await queueRuns(users[2]!, 15)];
  await Promise.all(second.flatMap((r, i) => [b.line.enqueue(r, project.id), c.line.enqueue(third[i]!, project.id)]));
  const all = [...first, ...second, ...third].map((r) => r.id);
  await allCompleted(all);

  expect(ledger.breaches).toEqual([]);
  expectEachStartedOnce(all);
  expect(ledger.starts).toHaveLength(60);
  // Work was spread: every agent node executed runs, and more than one user's at once.
  const perNode = new Map(['a', 'b', 'c'].map((n) => [n, ledger.starts.filter((s) => s.node === n).length]));
  expect([...perNode.values()].filter((n) => n > 0).length).toBeGreaterThan(1);
  expect(ledger.maxAtOnce).toBeGreaterThan(2);
  // Fairness: the users who came later started within two global limits' worth of starts after
  // queueing (the first user's runs go on starting while their messages travel), not behind its backlog.
  for (const u of [users[1]!, users[2]!]) {
    const firstStart = ledger.starts.findIndex((s) => s.user === u.row.id);
    expect(firstStart - queuedAt).toBeLessThan(10);
  }
  // While all three had work waiting, each got a fair share of the starts.
  const lastOfEach = users.map((u) => ledger.starts.findLastIndex((s) => s.user === u.row.id));
  const window = ledger.starts.slice(queuedAt, Math.min(...lastOfEach));
  for (const u of users) expect(window.filter((s) => s.user === u.row.id).length).toBeGreaterThanOrEqual(window.length * 0.2);
  // Every message reached the leader and was handled (the last runs' ends may still be on their way).
  await until(async () => (await lineMessagesPending()) === 0, 'the line’s messages to be handled', 5000);
}, 60_000);

it('a leader that stops hands the line over: the next reads it back, running runs keep their slots, the rest complete once', async () => {
  const users = [owner, await ctx.user(), await ctx.user()];
  const a = await addNode('a', { slots: 2, hold: 200 });
  const b = await addNode('b', { slots: 2, hold: 200 });
  const c = await addNode('c', { slots: 1, hold: 200 });
  expect(await oneLeader()).toBe(a);
  await setPerUserLimit(c, 2);
  const runs = (await Promise.all(users.map((u) => queueRuns(u, 8)))).flat();
  await Promise.all(runs.map((r) => b.line.enqueue(r, project.id)));
  // Runs execute on the leader's node and on the others when it stops.
  await until(
    () => ledger.executingOn('a').length > 0 && ledger.executing.size >= 4 && ledger.starts.length >= 6,
    'runs flow on every side',
  );

  // The leader's process stops: its line closes, its turns end with it (they write nothing more),
  // its row says it stopped, and another node takes its runs over (interrupted, queued again).
  a.gone = true;
  ledger.leave('a');
  await a.line.close();
  const interrupted = await takeOver(a, 'stopped');
  const next = await oneLeader([b, c]);
  expect(next.line.isLeader).toBe(true);

  const ids = runs.map((r) => r.id);
  await allCompleted(ids);
  expect(ledger.breaches).toEqual([]);
  // What node a had started and not finished was taken over and started once more elsewhere.
  const startedOnA = new Set(ledger.starts.filter((s) => s.node === 'a').map((s) => s.runId));
  expectEachStartedOnce(
    ids,
    'a',
    interrupted.map((r) => r.id).filter((id) => startedOnA.has(id)),
  );
}, 60_000);

it('a leader whose election connection is cut steps down; another node leads and every run completes once', async () => {
  const users = [owner, await ctx.user(), await ctx.user()];
  // The first leader tries again only after a long while, so another node takes the lock first.
  const a = await addNode('a', { slots: 2, hold: 200, leaderRetryMs: 60_000 });
  const b = await addNode('b', { slots: 2, hold: 200 });
  const c = await addNode('c', { slots: 1, hold: 200 });
  expect(await oneLeader()).toBe(a);
  await setPerUserLimit(b, 2);
  const runs = (await Promise.all(users.map((u) => queueRuns(u, 8)))).flat();
  await Promise.all(runs.map((r) => c.line.enqueue(r, project.id)));
  await until(() => ledger.executing.size >= 4 && ledger.starts.length >= 6, 'runs flow');

  const admin = new pg.Client({ connectionString: ctx.deps.config.database.kind === 'postgres' ? ctx.deps.config.database.url : '' });
  await admin.connect();
  try {
    const schema = a.opened.schema;
    const { rows } = await admin.query<{ ended: boolean }>(
      `select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and granted and objid = (hashtext($1)::bigint & 4294967295)::oid`,
      [`bottega:leader:${schema}`],
    );
    expect(rows).toEqual([{ ended: true }]);
  } finally {
    await admin.end();
  }
  const next = await oneLeader([b, c]);
  expect(a.line.isLeader).toBe(false);
  expect(next).not.toBe(a);

  // Node a goes on executing as any agent node; its runs' ends reach the new leader as messages.
  const ids = runs.map((r) => r.id);
  await allCompleted(ids);
  expect(ledger.breaches).toEqual([]);
  expectEachStartedOnce(ids);
}, 60_000);

it('the jobs a dead node held are let go by the leader, and its runs complete on the live nodes, started once more only', async () => {
  const users = [owner, await ctx.user()];
  const a = await addNode('a', { slots: 2, hold: 150 });
  const b = await addNode('b', { slots: 1, hold: 150 });
  // Node d freezes: every run it starts hangs and never gives its slot back.
  const d = await addNode('d', { slots: 2, hold: 'hang' });
  expect(await oneLeader()).toBe(a);
  await setPerUserLimit(b, 3);
  const runs = (await Promise.all(users.map((u) => queueRuns(u, 10)))).flat();
  await Promise.all(runs.map((r) => b.line.enqueue(r, project.id)));
  await until(() => ledger.executingOn('d').length === 2, 'node d holds two runs');
  expect(await jobsHeldBy(d.id)).toBe(2);
  const held = ledger.executingOn('d');

  // Its lease expires: its row says so (as the registry does), and from then on it counts for nothing.
  d.gone = true;
  ledger.leave('d');
  await ctx.deps.db
    .updateTable('cluster_nodes')
    .set({ stopped_at: new Date().toISOString(), stop_reason: 'lease_expired' })
    .where('id', '=', d.id)
    .execute();
  // The leader lets its held jobs go by itself (node d is frozen: it writes nothing, its jobs stay locked by it until then).
  await until(async () => (await jobsHeldBy(d.id)) === 0, 'the dead node’s jobs are let go');
  // Later the node learns it was declared dead and stops (writing nothing); its runs are taken over.
  d.line.stop();
  const interrupted = await takeOver(d, 'lease_expired');
  expect(interrupted.map((r) => r.id).sort()).toEqual([...held].sort());

  const ids = runs.map((r) => r.id);
  await allCompleted(ids);
  expect(ledger.breaches).toEqual([]);
  expectEachStartedOnce(ids, 'd', held);
  for (const id of held) expect(ledger.starts.filter((s) => s.runId === id).map((s) => s.node)[1]).not.toBe('d');
}, 60_000);

it('an API node reaches the leader: its enqueue starts a run, its forget removes one, its placeOf shows the leader’s place', async () => {
  // Reconciling is slowed down so only the messages themselves can move the line.
  const a = await addNode('a', { slots: 2, hold: 100, reconcileMs: 60_000 });
  const api = await addNode('api', { slots: 0, reconcileMs: 60_000 });
  expect(await oneLeader()).toBe(a);
  expect(api.line.isLeader).toBe(false);
  await setPerUserLimit(api, 1);

  // An enqueue through the API node reaches the leader: the run starts.
  const [first] = await queueRuns(owner, 1);
  await api.line.enqueue(first!, project.id);
  await until(() => ledger.startsOf(first!.id) === 1, 'the run enqueued through the API node started');
  await allCompleted([first!.id]);

  // A long run holds the user's one slot; their next run waits, and the API node knows its place.
  const [blocker, waiting, later] = await queueRuns(owner, 3);
  heldBack.add(blocker!.id);
  await api.line.enqueue(blocker!, project.id);
  await until(() => ledger.startsOf(blocker!.id) === 1, 'the blocking run started');
  await api.line.enqueue(waiting!, project.id);
  await until(() => a.line.placeOf(waiting!.id) !== null, 'the leader has the waiting run in line');
  expect(a.line.placeOf(waiting!.id)).toEqual({ position: 1, reason: 'user_limit', resumeAt: null });
  await until(() => api.line.placeOf(waiting!.id) !== null, 'the API node heard the run’s place');
  expect(api.line.placeOf(waiting!.id)).toEqual(a.line.placeOf(waiting!.id));

  // Cancelled through the API node: it leaves the leader's line and is never given a slot.
  expect(await cancelRunTransition(ctx.deps, waiting!.id, 'tester')).not.toBeNull();
  api.line.forget(waiting!.id);
  await until(() => a.line.placeOf(waiting!.id) === null, 'the leader forgot the cancelled run');
  await until(() => api.line.placeOf(waiting!.id) === null, 'the API node no longer shows a place');
  // The next run of the same user starts after the blocker: the cancelled one, ahead of it, never reached a dispatch.
  await api.line.enqueue(later!, project.id);
  finishers.get(blocker!.id)!();
  await allCompleted([blocker!.id, later!.id]);
  expect(ledger.calls.get(waiting!.id)).toBeUndefined();
  expect(ledger.breaches).toEqual([]);
}, 60_000);

it('with no per-user limit set, one user may use the whole cluster, even the slots of nodes that joined after the leader', async () => {
  // The leader starts alone with one slot: the default per-user limit (the global limit) must follow the nodes that join.
  const a = await addNode('a', { slots: 1, hold: 300 });
  expect(await oneLeader()).toBe(a);
  const b = await addNode('b', { slots: 2, hold: 300 });
  await addNode('c', { slots: 2, hold: 300 });
  // The leader's next looks count the new nodes' slots (no message says they came).
  await sleep(600);
  const runs = await queueRuns(owner, 15);
  await Promise.all(runs.map((r) => b.line.enqueue(r, project.id)));
  const ids = runs.map((r) => r.id);
  await allCompleted(ids);
  expect(ledger.breaches).toEqual([]);
  expectEachStartedOnce(ids);
  expect(ledger.maxAtOnce).toBeGreaterThan(2);
}, 60_000);
