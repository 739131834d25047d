// The run line of a cluster on PostgreSQL (docs/decisions/0014-job-engine.md,
// docs/deploy/cluster.md#the-run-line). One node decides: the leader among the agent nodes (an
// advisory lock, cluster/leader.ts) keeps the line in a RunScheduler of its own — fairness, the
// per-user limit and quota waits as on one machine, the global limit being the live agent
// nodes' slots together — and a run it gives a slot to becomes a Graphile Worker job. Every agent
// node's job runner takes such jobs up to its own slots and executes each with the engine's
// dispatch; the job lasts as long as the run's turn, and its end goes back to the leader.
//
// Nodes that do not lead tell the leader through jobs only the leader's runner takes (a run
// queued, cancelled, parked, the per-user limit changed, a slot freed), so a message outlives a
// change of leader. A new leader reads the line back from the rows; every second or so it also
// looks again (the global limit, a freed slot whose message was lost, a run executing without a
// slot, a queued row it never heard of, and the jobs a dead node's workers still held), so
// nothing waits on one message.
import { EventEmitter } from 'node:events';
import { run, makeWorkerUtils, type Runner, type RunnerOptions, type WorkerUtils, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import type { RunQueueDto, ServerEvent } from '@bottega/protocol';
import type { AgentRunRow } from '../db/schema';
import type { Deps } from '../deps';
import { LeaderElection } from '../cluster/leader';
import { JOBS_SCHEMA, jobLogger, jobNames, type JobNames } from '../cluster/jobs';
import type { LineFigures, QueuedRun, RunLine } from './run-line';
import { readPerUserLimit, RunScheduler, storePerUserLimit, type QuotaResume } from './scheduler';

type ChatTurn = Parameters<RunLine['admitChat']>[0];

const RunJob = z.object({ runId: z.number().int().positive(), grant: z.string().min(1).max(120) });
const LineOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('enqueue'), runId: z.number().int().positive() }),
  z.object({ op: z.literal('released'), runId: z.number().int().positive(), grant: z.string().min(1).max(120) }),
  z.object({ op: z.literal('forget'), runId: z.number().int().positive() }),
  z.object({
    op: z.literal('park'),
    runId: z.number().int().positive(),
    userId: z.number().int().nullable(),
    provider: z.string().max(64).nullable(),
    resetAt: z.string().datetime(),
  }),
  z.object({ op: z.literal('limit') }),
]);
type LineOp = z.infer<typeof LineOp>;

/** Statuses of a run executing on a node: it holds a slot (a queued run holds one while its job waits for a worker). */
const EXECUTING = ['pending', 'running'] as const;

/** How long an enqueue on the leader waits for a run given a slot at once to be seen running. */
const START_WAIT_MS = 3000;
/** How often a candidate tries for the leadership. */
const LEADER_RETRY_MS = 1000;

export type ClusterLineDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now' | 'node' | 'config'>;

export interface ClusterLineOptions {
  pool: pg.Pool;
  url: string;
  /** The instance's schema (its jobs are told apart by it in the database's job schema). */
  schema: string | null;
  /** Agent runs this node executes at once; 0 on an API node (no job runner, never the leader). */
  slots: number;
  /** This node's own gate: its chat turns (admitted per node). */
  gate: RunScheduler;
  /** The engine's start of a run given a slot (`release` once its turn has ended). */
  dispatch: (runId: number, release: () => void) => Promise<void>;
  /** The engine's return of a run from its quota wait (waiting_for_quota → queued). */
  quotaResume: QuotaResume;
  /** How often the leader looks again (default: a third of the node lease, within 0.25–2 s). */
  reconcileMs?: number;
  /** How often a node that does not lead tries for the leadership (default 1 s). */
  leaderRetryMs?: number;
}

export class ClusterLine implements RunLine {
  /** The instance's job names: runs executed by any agent node (`run`), messages only the leader takes (`line`). */
  private readonly jobs: JobNames;
  private utils: WorkerUtils | null = null;
  private runner: Runner | null = null;
  private leaderRunner: Runner | null = null;
  private election: LeaderElection | null = null;
  /** While this node leads: the line's policy. */
  private policy: RunScheduler | null = null;
  /** While leading: the runs given a slot, and the grant their job carries (null for a run read back as running). */
  private readonly grants = new Map<number, string | null>();
  private grantSeq = 0;
  /** Runs whose job is being added (not yet visible to the leader's look). */
  private readonly granting = new Set<number>();
  private started: Promise<void> | null = null;
  private leadWork: Promise<void> | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;
  /** Places of queued runs as the leader last published them (`runs.queue`), for a node that does not lead. */
  private readonly places = new Map<number, Map<number, RunQueueDto>>();
  private readonly unsubscribe: () => void;
  private readonly events: WorkerEvents = new EventEmitter() as WorkerEvents;
  /** Which line admitted each chat turn of this node (the leader's, or the node's own gate). */
  private readonly chatLines = new Map<number, RunScheduler>();
  /** Resolves when the line stops: a job still waiting for its run's end lets go then. */
  private readonly stopping: { promise: Promise<void>; resolve: () => void };
  /** Enqueues on the leader waiting to see their run start. */
  private readonly waiters = new Set<(event: ServerEvent) => void>();
  private runnerStopped: Promise<void> | null = null;
  private leaderStopped: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: ClusterLineDeps,
    private readonly options: ClusterLineOptions,
  ) {
    this.jobs = jobNames(options.schema);
    let resolve!: () => void;
    this.stopping = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    this.unsubscribe = deps.bus.subscribe((event) => this.heard(event));
    // Which node each job worker belongs to: a dead node's held jobs are found by it.
    this.events.on('worker:create', ({ worker }) => {
      void this.deps.db
        .insertInto('cluster_job_workers')
        .values({ worker_id: worker.workerId, node_id: this.deps.node.id })
        .onConflict((oc) => oc.column('worker_id').doNothing())
        .execute()
        .catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message }, 'a job worker was not recorded'));
    });
  }

  get maxRunning(): number {
    return this.options.slots;
  }

  get held(): number {
    return (this.policy?.held ?? 0) + this.options.gate.held;
  }

  /** Whether this node decides for the cluster now. */
  get isLeader(): boolean {
    return this.policy !== null;
  }

  /**
   * Joins the line: the job engine, and on an agent node its job runner and its candidacy for the
   * leadership (awaiting the first try, so a lone node leads before it serves). A serving node
   * joins once it has started; a process that never registers (a test world) at its first run.
   */
  start(): Promise<void> {
    // A join that failed (the database did not answer) is tried again by the next caller.
    return (this.started ??= this.join().catch((err: unknown) => {
      this.started = null;
      throw err;
    }));
  }

  private async join(): Promise<void> {
    const shared = { pgPool: this.options.pool, schema: JOBS_SCHEMA, logger: jobLogger(this.deps.logger.child({ component: 'jobs' })) };
    this.utils = await makeWorkerUtils(shared);
    if (this.options.slots <= 0 || this.stopped) return;
    this.runner = await run({
      ...shared,
      concurrency: this.options.slots,
      noHandleSignals: true,
      events: this.events,
      taskList: { [this.jobs.run]: (payload) => this.execute(payload) },
    });
    if (this.stopped) return;
    this.election = new LeaderElection(
      { url: this.options.url, schema: this.options.schema, retryMs: this.options.leaderRetryMs ?? LEADER_RETRY_MS },
      { lead: () => (this.leadWork = this.takeLead().finally(() => (this.leadWork = null))), lost: () => this.unlead() },
      this.deps.logger.child({ component: 'leader' }),
    );
    await this.election.start();
    await this.leadWork;
  }

  // ——— what every node asks of the line ———

  async restore(): Promise<void> {
    // The runs' line is read back by the leader; this node's own gate only needs the per-user limit.
    await this.options.gate.restore();
    const work = await this.deps.db
      .selectFrom('agent_runs')
      .select('id')
      .where('status', 'in', ['queued', 'pending', 'running', 'waiting_for_quota'])
      .limit(1)
      .executeTakeFirst();
    if (work) await this.start();
  }

  async enqueue(run: QueuedRun, projectId: number): Promise<void> {
    await this.start();
    const policy = this.policy;
    if (!policy) return this.tell({ op: 'enqueue', runId: run.id });
    // Given a slot at once, the caller sees the run running — wherever it was taken up.
    const started = this.seenStarting(run.id);
    await policy.enqueue(run, projectId);
    if (this.grants.has(run.id)) await started.promise;
    started.cancel();
  }

  forget(runId: number): void {
    this.tellLater({ op: 'forget', runId });
  }

  park(run: Pick<AgentRunRow, 'id' | 'started_by' | 'provider'>, resetAt: Date): void {
    this.tellLater({ op: 'park', runId: run.id, userId: run.started_by, provider: run.provider, resetAt: resetAt.toISOString() });
  }

  /** For the callers that do not wait: the message goes once the line is joined. */
  private tellLater(op: LineOp): void {
    this.start()
      .then(() => this.tell(op))
      .catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message, op: op.op }, 'the line’s leader was not told'));
  }

  placeOf(runId: number): RunQueueDto | null {
    if (this.policy) return this.policy.placeOf(runId);
    for (const runs of this.places.values()) {
      const place = runs.get(runId);
      if (place) return place;
    }
    return null;
  }

  async setPerUserLimit(limit: number): Promise<void> {
    await storePerUserLimit(this.deps, limit);
    await this.options.gate.reloadPerUserLimit();
    await this.start();
    await this.tell({ op: 'limit' });
  }

  async figures(): Promise<LineFigures> {
    const own = await this.options.gate.figures();
    const maxRunning = await this.globalLimit();
    return { ...own, maxRunning, maxRunningSource: 'cluster', perUserLimit: await readPerUserLimit(this.deps, maxRunning) };
  }

  /**
   * A chat turn runs on the node its person reached. On the leader it waits in the cluster's line
   * with the runs (so one node alone behaves as one machine); on another node its node's own gate
   * admits it (docs/deploy/cluster.md#the-run-line).
   */
  admitChat(turn: ChatTurn): Promise<void> | null {
    const line = this.policy ?? this.options.gate;
    this.chatLines.set(turn.conversationId, line);
    const admitted = line.admitChat(turn);
    admitted?.then(undefined, () => this.chatLines.delete(turn.conversationId));
    return admitted;
  }

  releaseChat(conversationId: number): void {
    (this.chatLines.get(conversationId) ?? this.options.gate).releaseChat(conversationId);
    this.chatLines.delete(conversationId);
  }

  chatPlace(conversationId: number): RunQueueDto | null {
    return (this.chatLines.get(conversationId) ?? this.options.gate).chatPlace(conversationId);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.resolve();
    this.unsubscribe();
    this.options.gate.stop();
    this.stopLeading();
    void this.election?.stop();
    // No job is taken from now on; the ones executing end with their turns.
    this.stopRunner();
  }

  private stopRunner(): void {
    const runner = this.runner;
    this.runner = null;
    if (runner) this.runnerStopped = runner.stop().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.stop();
    await this.started?.catch(() => undefined);
    // What a start still in flight created after the stop.
    this.stopLeading();
    this.stopRunner();
    await this.election?.stop();
    await this.leaderStopped;
    await this.runnerStopped;
    // Once only: the job engine refuses a second release.
    const utils = this.utils;
    this.utils = null;
    await utils?.release();
  }

  // ——— the job an agent node executes ———

  private async execute(payload: unknown): Promise<void> {
    const job = RunJob.parse(payload);
    if (this.stopped) return;
    // The job lasts as long as the run's turn, so the runner's concurrency is the node's slots. A
    // stopping node lets its jobs go at once: its runs' fate is its recovery's or a takeover's.
    const ended = new Promise<void>((resolve) => {
      this.options.dispatch(job.runId, resolve).catch(() => resolve());
    });
    await Promise.race([ended, this.stopping.promise]);
    // A node declared dead writes nothing more: the leader finds its slots free by itself.
    if (this.stopped) return;
    await this.tell({ op: 'released', runId: job.runId, grant: job.grant });
  }

  /** A message for the leader: handled here when this node leads, else a job only the leader takes. */
  private async tell(op: LineOp): Promise<void> {
    if (this.policy) return this.handle(op);
    try {
      await this.utils?.addJob(this.jobs.line, op);
    } catch (err) {
      // The leader's next look finds what the message would have said (a queued row, a freed slot).
      this.deps.logger.warn({ err: (err as Error).message, op: op.op }, 'the line’s leader was not told');
    }
  }

  // ——— leading ———

  /** A leader that could not set up its line gives the lock back at once, for another node (or itself, a moment later). */
  private async takeLead(): Promise<void> {
    try {
      await this.lead();
    } catch (err) {
      this.deps.logger.error({ err: (err as Error).message }, 'this node could not take up the run line; it gives up the leadership');
      this.stopLeading();
      const election = this.election;
      await election?.stop();
      if (!this.stopped && election) void election.start();
    }
  }

  private async lead(): Promise<void> {
    const policy = new RunScheduler(
      { db: this.deps.db, bus: this.deps.bus, logger: this.deps.logger.child({ component: 'line' }), now: this.deps.now },
      { maxRunning: await this.globalLimit(), maxRunningSource: 'cluster', minFreeMemoryMb: 0 },
    );
    policy.wire((runId) => this.grant(runId), this.options.quotaResume);
    // Runs executing already hold their slots; then the queued ones and the quota waits.
    const holding = await this.deps.db.selectFrom('agent_runs').select(['id', 'started_by']).where('status', 'in', EXECUTING).execute();
    for (const r of holding) {
      policy.adopt(r.id, r.started_by ?? 0);
      this.grants.set(r.id, null);
    }
    if (this.stopped || !this.election?.isLeader) return;
    this.policy = policy;
    await policy.restore();
    // A leader before this one may have died holding a message: it goes back to the line's jobs.
    await this.unlockStaleLeaders();
    // One worker with a name of its own (the runner reads `workerId` when its concurrency is 1;
    // its options type leaves it out): a later leader knows this one's held message by it.
    const leaderOptions: RunnerOptions & { workerId: string } = {
      pgPool: this.options.pool,
      schema: JOBS_SCHEMA,
      logger: jobLogger(this.deps.logger.child({ component: 'jobs' })),
      concurrency: 1,
      workerId: this.leaderWorkerId,
      noHandleSignals: true,
      events: this.events,
      taskList: { [this.jobs.line]: (payload) => this.handle(LineOp.parse(payload)) },
    };
    this.leaderRunner = await run(leaderOptions);
    const every = this.options.reconcileMs ?? Math.min(2000, Math.max(250, Math.floor(this.deps.config.nodeLeaseMs / 3)));
    this.reconcileTimer = setInterval(() => {
      if (!this.reconciling) this.reconciling = this.reconcile().finally(() => (this.reconciling = null));
    }, every);
    this.reconcileTimer.unref();
    this.deps.logger.info({ node: this.deps.node.id }, 'this node now decides the run line');
  }

  private get leaderWorkerId(): string {
    return `leader:${this.deps.node.id}`;
  }

  private unlead(): void {
    this.deps.logger.warn({ node: this.deps.node.id }, 'this node no longer decides the run line');
    this.stopLeading();
  }

  private stopLeading(): void {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = null;
    this.policy?.stop();
    this.policy = null;
    this.grants.clear();
    if (this.leaderRunner) this.leaderStopped = this.leaderRunner.stop().catch(() => undefined);
    this.leaderRunner = null;
  }

  /** The policy gave a run a slot: it becomes a job for whichever agent node takes it. */
  private async grant(runId: number): Promise<void> {
    const grant = `${this.deps.node.id}:${(this.grantSeq += 1)}`;
    this.grants.set(runId, grant);
    this.granting.add(runId);
    try {
      await this.utils!.addJob(this.jobs.run, { runId, grant }, { jobKey: this.jobs.runKey(runId), jobKeyMode: 'replace', maxAttempts: 1 });
    } catch (err) {
      // The slot is given back; the run is still queued and is taken up again at the next look.
      this.grants.delete(runId);
      throw err;
    } finally {
      this.granting.delete(runId);
    }
  }

  /** Of these runs, those whose job still waits for a worker or is being executed. */
  private async waitingJobs(runIds: number[]): Promise<Set<number>> {
    if (runIds.length === 0) return new Set();
    const { rows } = await this.utils!.withPgClient((client) =>
      client.query<{ key: string }>(
        `select key from ${JOBS_SCHEMA}.jobs where key = any($1::text[]) and (locked_at is not null or attempts < max_attempts)`,
        [runIds.map((id) => this.jobs.runKey(id))],
      ),
    );
    return new Set(rows.flatMap((r) => this.jobs.runOfKey(r.key) ?? []));
  }

  private letGo(runId: number): void {
    if (!this.grants.delete(runId)) return;
    this.policy?.releaseRun(runId);
  }

  private async handle(op: LineOp): Promise<void> {
    const policy = this.policy;
    if (!policy) throw new Error('this node no longer decides the run line');
    switch (op.op) {
      case 'enqueue': {
        const row = await this.queuedRow(op.runId);
        if (row && !policy.knows(row.id)) await policy.enqueue(row, row.project_id);
        return;
      }
      case 'released': {
        const held = this.grants.get(op.runId);
        if (held === op.grant || held === null) this.letGo(op.runId);
        return;
      }
      case 'forget':
        return policy.forget(op.runId);
      case 'park':
        return policy.park({ id: op.runId, started_by: op.userId, provider: op.provider }, new Date(op.resetAt));
      case 'limit':
        return policy.reloadPerUserLimit();
    }
  }

  private queuedRow(runId: number) {
    return this.deps.db
      .selectFrom('agent_runs as r')
      .innerJoin('tasks as t', 't.id', 'r.task_id')
      .select(['r.id', 'r.task_id', 'r.started_by', 'r.provider', 'r.queue_priority', 't.project_id'])
      .where('r.id', '=', runId)
      .where('r.status', '=', 'queued')
      .executeTakeFirst();
  }

  /**
   * The leader's periodic look: the global limit as nodes come and go; the jobs a dead node's
   * workers held (let go, their runs' slots with them); slots of runs that ended without their
   * message arriving, or that were executing on a dead node; runs executing without a slot;
   * queued rows the line never heard of.
   */
  private async reconcile(): Promise<void> {
    const policy = this.policy;
    if (!policy) return;
    try {
      policy.resize(await this.globalLimit(), 'cluster');
      // With no per-user limit set it is the global limit, which nodes joining or leaving change; a lost `limit` message is caught up too.
      await policy.reloadPerUserLimit();
      await this.freeDeadWorkersJobs();
      const held = [...this.grants.keys()];
      if (held.length > 0) {
        const rows = await this.deps.db
          .selectFrom('agent_runs as r')
          .leftJoin('cluster_nodes as n', 'n.id', 'r.node_id')
          .select(['r.id', 'r.status', 'n.stopped_at'])
          .where('r.id', 'in', held)
          .execute();
        // A queued run holds its slot only while its job waits for a worker: one read back as running
        // (no job of this leader's) or whose job ended, then queued again (a dead node's run taken
        // over), would hold it for ever and never be given another.
        const waiting = await this.waitingJobs(rows.filter((r) => r.status === 'queued').map((r) => r.id));
        const live = new Set(
          rows
            .filter((r) =>
              r.status === 'queued'
                ? waiting.has(r.id) || this.granting.has(r.id)
                : (EXECUTING as readonly string[]).includes(r.status) && !r.stopped_at,
            )
            .map((r) => r.id),
        );
        for (const id of held) if (!live.has(id)) this.letGo(id);
      }
      // A run executing without a slot of this line's (started by a job of the leader before, in the
      // moment of the change) holds one from now on.
      const executing = await this.deps.db
        .selectFrom('agent_runs as r')
        .leftJoin('cluster_nodes as n', 'n.id', 'r.node_id')
        .select(['r.id', 'r.started_by'])
        .where('r.status', 'in', EXECUTING)
        .where('n.stopped_at', 'is', null)
        .execute();
      for (const r of executing) {
        if (this.policy !== policy || policy.knows(r.id)) continue;
        policy.adopt(r.id, r.started_by ?? 0);
        this.grants.set(r.id, null);
      }
      const queued = await this.deps.db
        .selectFrom('agent_runs as r')
        .innerJoin('tasks as t', 't.id', 'r.task_id')
        .select(['r.id', 'r.task_id', 'r.started_by', 'r.provider', 'r.queue_priority', 't.project_id'])
        .where('r.status', '=', 'queued')
        .orderBy('r.id')
        .execute();
      for (const row of queued) if (this.policy === policy && !policy.knows(row.id)) await policy.enqueue(row, row.project_id);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'the run line was not looked at again');
    }
  }

  /** Jobs held by workers of nodes that are no more: unlocked; a run's job is removed and its slot given back. */
  private async freeDeadWorkersJobs(): Promise<void> {
    const utils = this.utils!;
    const held = await utils.withPgClient((client) =>
      client.query<{ id: string; key: string | null; task_identifier: string; locked_by: string }>(
        `select j.id, j.key, j.task_identifier, j.locked_by
           from ${JOBS_SCHEMA}.jobs j
           join cluster_job_workers w on w.worker_id = j.locked_by
           join cluster_nodes n on n.id = w.node_id
          where n.stopped_at is not null and j.task_identifier in ($1, $2)`,
        [this.jobs.run, this.jobs.line],
      ),
    );
    if (held.rows.length === 0) return;
    await utils.forceUnlockWorkers([...new Set(held.rows.map((r) => r.locked_by))]);
    const runJobs = held.rows.filter((r) => r.task_identifier === this.jobs.run);
    if (runJobs.length > 0) await utils.completeJobs(runJobs.map((r) => r.id));
    for (const r of runJobs) {
      const runId = this.jobs.runOfKey(r.key);
      if (runId !== null) this.letGo(runId);
    }
    this.deps.logger.warn({ jobs: held.rows.length }, 'let go of jobs held by a node that is no more');
  }

  /** A leader that died holding a message leaves it locked: only one node leads, so any other leader's lock is stale. */
  private async unlockStaleLeaders(): Promise<void> {
    const utils = this.utils!;
    const stale = await utils.withPgClient((client) =>
      client.query<{ locked_by: string }>(
        `select distinct locked_by from ${JOBS_SCHEMA}.jobs where task_identifier = $1 and locked_by like 'leader:%' and locked_by <> $2`,
        [this.jobs.line, this.leaderWorkerId],
      ),
    );
    if (stale.rows.length > 0) await utils.forceUnlockWorkers(stale.rows.map((r) => r.locked_by));
  }

  /** The cluster's global limit: the slots of the live agent nodes together (this one counted even before its row is written). */
  private async globalLimit(): Promise<number> {
    const row = await this.deps.db
      .selectFrom('cluster_nodes')
      .select((eb) => eb.fn.sum<number>('slots').as('slots'))
      .where('stopped_at', 'is', null)
      .where('id', '<>', this.deps.node.id)
      .executeTakeFirst();
    return Number(row?.slots ?? 0) + this.options.slots;
  }

  // ——— what this node hears ———

  private heard(event: ServerEvent): void {
    if (event.type === 'runs.queue') {
      const runs = new Map(Object.entries(event.queue).map(([id, q]) => [Number(id), q]));
      if (runs.size > 0) this.places.set(event.projectId, runs);
      else this.places.delete(event.projectId);
    } else if (event.type === 'agent-run.updated' && event.run.status !== 'queued') {
      this.places.get(event.projectId)?.delete(event.run.id);
    }
    for (const waiter of this.waiters) waiter(event);
  }

  /** Resolves when the run is seen started (on this node or, bridged, on another), or after a while. */
  private seenStarting(runId: number): { promise: Promise<void>; cancel: () => void } {
    let done!: () => void;
    const promise = new Promise<void>((resolve) => (done = resolve));
    const waiter = (event: ServerEvent) => {
      // Started means its turn began: running with its conversation (or already over).
      if (event.type !== 'agent-run.updated' || event.run.id !== runId || event.run.status === 'queued') return;
      if (event.run.status !== 'running' || event.run.conversationId !== null) finish();
    };
    const timer = setTimeout(() => finish(), START_WAIT_MS);
    timer.unref();
    const finish = () => {
      clearTimeout(timer);
      this.waiters.delete(waiter);
      done();
    };
    this.waiters.add(waiter);
    return { promise, cancel: finish };
  }
}
