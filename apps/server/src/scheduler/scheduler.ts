// The run scheduler (docs/behaviour/capacity.md): every agent run and every chat turn takes one
// run slot while its agent works. Runs wait in the database as `queued` rows (so the line
// survives a restart, kill -9 included) and in a FairQueue mirror for the decisions; chat turns
// wait in memory (their person is watching). A slot is given when the global limit, the user's
// limit and the machine's memory allow, in fair order (fair-queue.ts). A run whose provider's
// usage limit ran out waits for its reset (`waiting_for_quota`), and so does the rest of that
// user's work on that provider; everyone else's keeps flowing.
import type { CapacityDto, QueueReason, RunQueueDto } from '@bottega/protocol';
import type { AgentRunRow } from '../db/schema';
import type { Deps } from '../deps';
import { iso } from '../time';
import type { TurnGate } from '../harness/runtime';
import { FairQueue, PRIORITY, type QueueItem } from './fair-queue';
import { availableMemoryMb } from './machine';
import type { LineFigures, QueuedRun, RunLine } from './run-line';

type ChatTurn = Parameters<TurnGate['admitChat']>[0];

export type SchedulerDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now'>;

/** Starts a queued run that was given a slot; `release` gives the slot back when the run's turn has ended. */
export type RunDispatcher = (runId: number, release: () => void) => Promise<void>;

/** Brings a run whose quota reset back into the line (waiting_for_quota → queued); null when it is no longer waiting. */
export type QuotaResume = (runId: number) => Promise<AgentRunRow | null>;

interface Waiting extends QueueItem {
  projectId: number;
  taskId: number;
  runId: number | null;
  /** A chat turn's admission. */
  admit?: { resolve: () => void; reject: (err: Error) => void; conversationId: number };
}

interface Holder {
  userId: number;
  kind: 'run' | 'chat';
}

export interface SchedulerOptions {
  maxRunning: number;
  maxRunningSource: CapacityDto['maxRunningSource'];
  /** Below this much available memory (MiB) new work waits; 0 turns load shedding off. */
  minFreeMemoryMb: number;
  /** Overrides the machine's memory reading (benchmarks, tests). */
  memoryProbe?: () => number;
  /**
   * False for a node's own gate in a cluster (docs/deploy/cluster.md): its runs are in the
   * cluster's line (cluster-line.ts); only its chat turns take its slots.
   */
  executesRuns?: boolean;
}

const PER_USER_LIMIT_KEY = 'per_user_run_limit';
/** How often memory is read again while work waits for it, and at most how stale a reading may be. */
const MEMORY_RECHECK_MS = 2000;
const MEMORY_READING_MS = 1000;

export const runKey = (runId: number): string => `run:${runId}`;

/** The per-user limit an administrator set; `fallback` (the global limit) when none is set. */
export async function readPerUserLimit(deps: Pick<Deps, 'db'>, fallback: number): Promise<number> {
  const row = await deps.db.selectFrom('instance_settings').select('value').where('key', '=', PER_USER_LIMIT_KEY).executeTakeFirst();
  const n = row ? Number(row.value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export async function storePerUserLimit(deps: Pick<Deps, 'db' | 'now'>, limit: number): Promise<void> {
  const now = iso(deps.now());
  await deps.db
    .insertInto('instance_settings')
    .values({ key: PER_USER_LIMIT_KEY, value: String(limit), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(limit), updated_at: now }))
    .execute();
}
const chatKey = (conversationId: number): string => `chat:${conversationId}`;

export class RunScheduler implements RunLine {
  private readonly queue = new FairQueue<Waiting>();
  private readonly holders = new Map<string, Holder>();
  private readonly heldByUser = new Map<number, number>();
  /** `userId:provider` → when that subscription's usage limit resets. */
  private readonly quotaUntil = new Map<string, number>();
  private readonly quotaTimers = new Map<number, NodeJS.Timeout>();
  /** Runs given a slot and still starting: their start, for an enqueue that waits for it. */
  private readonly starting = new Map<number, Promise<void>>();
  private perUserLimit: number;
  private dispatcher: RunDispatcher | null = null;
  private quotaResume: QuotaResume | null = null;
  private memory = { mb: Number.POSITIVE_INFINITY, at: 0 };
  private memoryTimer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private publishScheduled = false;
  private readonly published = new Map<string, string>();
  private order: { version: number; places: Map<string, number> } = { version: -1, places: new Map() };
  private stopped = false;
  /** Chat turns wait in arrival order among themselves (only their priority puts them ahead of runs). */
  private chatSeq = 0;

  private readonly options: SchedulerOptions;

  constructor(
    private readonly deps: SchedulerDeps,
    options: SchedulerOptions,
  ) {
    this.options = { ...options };
    this.perUserLimit = options.maxRunning;
  }

  /** The engine's start of a queued run and its return from a quota wait (wired at boot: the engine imports the scheduler, not the reverse). */
  wire(dispatcher: RunDispatcher, quotaResume: QuotaResume): void {
    this.dispatcher = dispatcher;
    this.quotaResume = quotaResume;
  }

  get maxRunning(): number {
    return this.options.maxRunning;
  }

  /**
   * At boot, after recovery: the per-user limit, the queued runs in their order, and the runs
   * waiting for their quota (each resumes at its reset, or now if that passed while stopped).
   */
  async restore(): Promise<void> {
    this.perUserLimit = await this.readPerUserLimit();
    // A node's own gate in a cluster holds chat turns only: the runs' line is the leader's.
    if (this.options.executesRuns === false) return;
    const rows = await this.deps.db
      .selectFrom('agent_runs as r')
      .innerJoin('tasks as t', 't.id', 'r.task_id')
      .select(['r.id', 'r.task_id', 'r.started_by', 'r.provider', 'r.queue_priority', 'r.status', 'r.resume_at', 't.project_id'])
      .where('r.status', 'in', ['queued', 'waiting_for_quota'])
      .orderBy('r.id')
      .execute();
    for (const r of rows) {
      if (r.status === 'queued') this.add(r.id, r.task_id, r.project_id, r.started_by ?? 0, r.provider ?? '', r.queue_priority === 1);
      else this.parked(r.id, r.started_by ?? 0, r.provider ?? '', r.resume_at ? Date.parse(r.resume_at) : this.deps.now().getTime());
    }
    await this.pump();
  }

  /**
   * A queued run joins the line. Resolves once the scheduler has decided: when the run got a
   * slot at once, after its start (so the caller sees it running); otherwise right away.
   */
  async enqueue(run: QueuedRun, projectId: number): Promise<void> {
    if (this.options.executesRuns === false) return;
    // A run already in line or holding a slot (read back while its enqueue was on its way) is not added twice.
    if (!this.knows(run.id)) this.add(run.id, run.task_id, projectId, run.started_by ?? 0, run.provider ?? '', run.queue_priority === 1);
    await this.pump();
    await this.starting.get(run.id);
  }

  private add(runId: number, taskId: number, projectId: number, userId: number, provider: string, chained: boolean): void {
    this.queue.add({
      key: runKey(runId),
      runId,
      taskId,
      projectId,
      userId,
      provider,
      priority: chained ? PRIORITY.chained : PRIORITY.newWork,
      seq: runId,
    });
    this.schedulePublish();
  }

  /** Whether the run is in the line or holds a slot. */
  knows(runId: number): boolean {
    return this.queue.has(runKey(runId)) || this.holders.has(runKey(runId));
  }

  /** A run that executes already (the cluster's new leader reads it back) holds a slot until `releaseRun`. */
  adopt(runId: number, userId: number): void {
    if (!this.holders.has(runKey(runId))) this.hold(runKey(runId), userId, 'run');
  }

  /** A run's slot is free again (the cluster's leader hears a run's end from the node that executed it). */
  releaseRun(runId: number): void {
    this.release(runKey(runId));
  }

  /** The cluster's global limit changed (a node came or went): applied to the next decision. */
  resize(maxRunning: number, source: CapacityDto['maxRunningSource']): void {
    if (maxRunning === this.options.maxRunning && source === this.options.maxRunningSource) return;
    this.options.maxRunning = maxRunning;
    this.options.maxRunningSource = source;
    void this.pump();
    this.schedulePublish();
  }

  /** The runs holding slots now. */
  heldRuns(): number[] {
    return [...this.holders.keys()].filter((k) => k.startsWith('run:')).map((k) => Number(k.slice(4)));
  }

  /**
   * A queued or waiting run was cancelled: it leaves the line. A quota wait's timer stays: at the
   * reset it finds the run gone and lets the user's other work on that provider move on.
   */
  forget(runId: number): void {
    if (this.queue.remove(runKey(runId))) this.schedulePublish();
  }

  /**
   * A run's provider said its usage limit is reached until `resetAt`: the run waits (its row is
   * already `waiting_for_quota`) and so does its user's other work on that provider.
   */
  park(run: Pick<AgentRunRow, 'id' | 'started_by' | 'provider'>, resetAt: Date): void {
    this.parked(run.id, run.started_by ?? 0, run.provider ?? '', resetAt.getTime());
    this.schedulePublish();
  }

  private parked(runId: number, userId: number, provider: string, resetAtMs: number): void {
    const key = `${userId}:${provider}`;
    this.quotaUntil.set(key, Math.max(this.quotaUntil.get(key) ?? 0, resetAtMs));
    const delay = Math.max(0, resetAtMs - this.deps.now().getTime());
    const timer = setTimeout(() => {
      this.quotaTimers.delete(runId);
      if (this.stopped) return;
      // The reset this timer was set for has come, even when the timer fires a moment before the clock says so
      // (timers and the wall clock are not the same clock); a later reset parked meanwhile keeps waiting.
      if ((this.quotaUntil.get(key) ?? 0) <= Math.max(resetAtMs, this.deps.now().getTime())) this.quotaUntil.delete(key);
      void this.resumeAfterQuota(runId);
    }, delay);
    timer.unref();
    this.quotaTimers.set(runId, timer);
  }

  private async resumeAfterQuota(runId: number): Promise<void> {
    try {
      const row = await this.quotaResume?.(runId);
      const task = row
        ? await this.deps.db.selectFrom('tasks').select('project_id').where('id', '=', row.task_id).executeTakeFirst()
        : null;
      if (row && task) await this.enqueue(row, task.project_id);
    } catch (err) {
      this.deps.logger.error({ err, runId }, 'could not bring a run back from its quota wait');
    }
    // The user's other work on that provider may go now, whether or not the run itself came back.
    await this.pump();
  }

  /**
   * A chat turn asks for a slot. Null when it has one at once; otherwise a promise that resolves
   * when it gets one (ahead of its user's queued runs) or rejects when `signal` aborts (Stop).
   */
  admitChat(turn: ChatTurn): Promise<void> | null {
    const key = chatKey(turn.conversationId);
    if (this.queue.size === 0 && this.mayStart(turn.userId) && this.memoryAllows()) {
      this.hold(key, turn.userId, 'chat');
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.add({
        key,
        runId: null,
        taskId: turn.taskId,
        projectId: turn.projectId,
        userId: turn.userId,
        provider: turn.provider,
        priority: PRIORITY.chat,
        seq: (this.chatSeq += 1),
        admit: { resolve, reject, conversationId: turn.conversationId },
      });
      turn.signal.addEventListener(
        'abort',
        () => {
          if (this.queue.remove(key)) {
            reject(new Error('stopped while waiting for a run slot'));
            this.schedulePublish();
          }
        },
        { once: true },
      );
      this.schedulePublish();
      void this.pump();
    });
  }

  /** A waiting chat turn's place and why it waits; null when it is not waiting. */
  chatPlace(conversationId: number): RunQueueDto | null {
    const item = this.queue.get(chatKey(conversationId));
    return item ? this.queueOf(item) : null;
  }

  /** A chat turn's slot is free again (its turn ended). */
  releaseChat(conversationId: number): void {
    this.release(chatKey(conversationId));
  }

  private hold(key: string, userId: number, kind: Holder['kind']): void {
    this.holders.set(key, { userId, kind });
    this.heldByUser.set(userId, (this.heldByUser.get(userId) ?? 0) + 1);
    this.queue.markServed(userId);
  }

  private release(key: string): void {
    const holder = this.holders.get(key);
    if (!holder) return;
    this.holders.delete(key);
    const left = (this.heldByUser.get(holder.userId) ?? 1) - 1;
    if (left > 0) this.heldByUser.set(holder.userId, left);
    else this.heldByUser.delete(holder.userId);
    void this.pump();
  }

  private mayStart(userId: number): boolean {
    return this.holders.size < this.options.maxRunning && (this.heldByUser.get(userId) ?? 0) < this.perUserLimit;
  }

  private quotaWaits(item: Pick<QueueItem, 'userId' | 'provider'>): boolean {
    const until = this.quotaUntil.get(`${item.userId}:${item.provider}`);
    return until !== undefined && until > this.deps.now().getTime();
  }

  private memoryAllows(): boolean {
    return this.options.minFreeMemoryMb <= 0 || this.memory.mb >= this.options.minFreeMemoryMb;
  }

  private readMemory(): void {
    if (this.options.minFreeMemoryMb <= 0 || Date.now() - this.memory.at < MEMORY_READING_MS) return;
    this.memory = { mb: (this.options.memoryProbe ?? availableMemoryMb)(), at: Date.now() };
  }

  /** Gives free slots to waiting work, in fair order, until none is free or nothing may start. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        if (this.queue.size === 0 || this.stopped) break;
        this.readMemory();
        this.startWhatMay();
      } while (this.pumpAgain);
    })().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  /** The decision itself, synchronous: no other start can slip in between the check and the hold. */
  private startWhatMay(): void {
    if (!this.memoryAllows()) {
      this.recheckMemoryLater();
      this.schedulePublish();
      return;
    }
    for (;;) {
      if (this.holders.size >= this.options.maxRunning) break;
      const item = this.queue.next(
        (userId) => this.mayStart(userId),
        (i) => !this.quotaWaits(i),
      );
      if (!item) break;
      this.queue.remove(item.key);
      this.hold(item.key, item.userId, item.admit ? 'chat' : 'run');
      if (item.admit) item.admit.resolve();
      else if (item.runId !== null) this.startRun(item.runId, item.key);
    }
    this.schedulePublish();
  }

  private startRun(runId: number, key: string): void {
    const dispatch = this.dispatcher;
    if (!dispatch) {
      this.deps.logger.error({ runId }, 'a run was given a slot before the scheduler was wired');
      this.release(key);
      return;
    }
    const start = dispatch(runId, () => this.release(key))
      .catch((err: unknown) => {
        this.deps.logger.error({ err, runId }, 'a queued run could not start');
        this.release(key);
      })
      .finally(() => this.starting.delete(runId));
    this.starting.set(runId, start);
  }

  private recheckMemoryLater(): void {
    if (this.memoryTimer || this.stopped) return;
    this.memoryTimer = setTimeout(() => {
      this.memoryTimer = null;
      void this.pump();
    }, MEMORY_RECHECK_MS);
    this.memoryTimer.unref();
  }

  /** Why an item waits, from the current state. */
  private reasonFor(item: Waiting): QueueReason {
    if (this.quotaWaits(item)) return 'quota';
    if (!this.memoryAllows()) return 'memory';
    if ((this.heldByUser.get(item.userId) ?? 0) >= this.perUserLimit) return 'user_limit';
    return 'global_limit';
  }

  private places(): Map<string, number> {
    if (this.order.version !== this.queue.version) {
      const places = new Map<string, number>();
      this.queue.projectedOrder((i) => !this.quotaWaits(i)).forEach((item, i) => places.set(item.key, i + 1));
      this.order = { version: this.queue.version, places };
    }
    return this.order.places;
  }

  private queueOf(item: Waiting): RunQueueDto {
    const quota = this.quotaWaits(item);
    const until = this.quotaUntil.get(`${item.userId}:${item.provider}`);
    return {
      position: quota ? null : (this.places().get(item.key) ?? null),
      reason: this.reasonFor(item),
      resumeAt: quota && until !== undefined ? iso(new Date(until)) : null,
    };
  }

  /** A queued run's place and why it waits; null when it is not in the line. */
  placeOf(runId: number): RunQueueDto | null {
    const item = this.queue.get(runKey(runId));
    return item ? this.queueOf(item) : null;
  }

  /** Publishes the line's new places once per burst of changes (projects' runs, waiting chat turns). */
  private schedulePublish(): void {
    if (this.publishScheduled || this.stopped) return;
    this.publishScheduled = true;
    setImmediate(() => {
      this.publishScheduled = false;
      this.publishPlaces();
    });
  }

  private publishPlaces(): void {
    const byProject = new Map<number, Record<number, RunQueueDto>>();
    const seen = new Set<string>();
    for (const item of this.queue.items()) {
      const queue = this.queueOf(item);
      if (item.admit) {
        const channel = `chat:${item.admit.conversationId}`;
        seen.add(channel);
        this.publishIfChanged(channel, queue, () =>
          this.deps.bus.publish({
            type: 'turn.queued',
            projectId: item.projectId,
            taskId: item.taskId,
            conversationId: item.admit!.conversationId,
            queue,
          }),
        );
      } else if (item.runId !== null) {
        const map = byProject.get(item.projectId) ?? {};
        map[item.runId] = queue;
        byProject.set(item.projectId, map);
      }
    }
    for (const [projectId, queue] of byProject) {
      const channel = `project:${projectId}`;
      seen.add(channel);
      this.publishIfChanged(channel, queue, () => this.deps.bus.publish({ type: 'runs.queue', projectId, queue }));
    }
    // A project whose line emptied says so once; a chat turn that got its slot hears it in `turn.queued` from its runtime.
    for (const channel of [...this.published.keys()]) {
      if (seen.has(channel)) continue;
      this.published.delete(channel);
      if (channel.startsWith('project:')) this.deps.bus.publish({ type: 'runs.queue', projectId: Number(channel.slice(8)), queue: {} });
    }
  }

  private publishIfChanged(channel: string, value: unknown, publish: () => void): void {
    const json = JSON.stringify(value);
    if (this.published.get(channel) === json) return;
    this.published.set(channel, json);
    publish();
  }

  readPerUserLimit(): Promise<number> {
    return readPerUserLimit(this.deps, this.options.maxRunning);
  }

  /** An administrator set the per-user limit: stored, and applied to the next decision. */
  async setPerUserLimit(limit: number): Promise<void> {
    await storePerUserLimit(this.deps, limit);
    await this.reloadPerUserLimit();
  }

  /** The per-user limit as stored now (another node stored it), applied to the next decision. */
  async reloadPerUserLimit(): Promise<void> {
    this.perUserLimit = await this.readPerUserLimit();
    await this.pump();
    this.schedulePublish();
  }

  /** The figures of Admin → Capacity (the runs list is read from the database by the route). */
  async figures(): Promise<LineFigures> {
    if (this.options.minFreeMemoryMb > 0) this.memory = { mb: (this.options.memoryProbe ?? availableMemoryMb)(), at: Date.now() };
    const usersHolding = new Map<number, { running: number; chatting: number }>();
    for (const h of this.holders.values()) {
      const u = usersHolding.get(h.userId) ?? { running: 0, chatting: 0 };
      if (h.kind === 'run') u.running += 1;
      else u.chatting += 1;
      usersHolding.set(h.userId, u);
    }
    const mb = Number.isFinite(this.memory.mb) ? this.memory.mb : availableMemoryMb();
    return {
      maxRunning: this.options.maxRunning,
      maxRunningSource: this.options.maxRunningSource,
      perUserLimit: this.perUserLimit,
      memory: { availableMb: mb, thresholdMb: this.options.minFreeMemoryMb, shedding: !this.memoryAllows() && this.queue.size > 0 },
      running: [...this.holders.values()].filter((h) => h.kind === 'run').length,
      queued: [...this.queue.items()].filter((i) => i.runId !== null).length,
      waitingForQuota: this.quotaTimers.size,
      usersHolding,
    };
  }

  /** Slots taken now (runs and chat turns). */
  get held(): number {
    return this.holders.size;
  }

  close(): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  /** Shutdown: no timer outlives the server; queued runs stay queued in the database. */
  stop(): void {
    this.stopped = true;
    for (const t of this.quotaTimers.values()) clearTimeout(t);
    this.quotaTimers.clear();
    if (this.memoryTimer) clearTimeout(this.memoryTimer);
    for (const item of this.queue.items()) item.admit?.reject(new Error('the server is stopping'));
  }
}
