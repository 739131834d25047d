// The run scheduler under a long line (docs/behaviour/capacity.md):
//  1. the start decision with 1,000 queued runs (target < 5 ms) and the place-in-line projection;
//  2. the server's memory with 1,000 queued runs, and Admin → Capacity's latency with them;
//  3. the hand-off from a finishing run to the next queued run's process start (target p50 < 50 ms).
// Run alone (`node --expose-gc bench/run-all.mjs scheduler`): the figures are timings on a shared
// machine, printed beside its load average.
import { createHook } from 'node:async_hooks';
import childProcess from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapacityResponse, RunResponse, ServerEvent } from '@bottega/protocol';
import { directive, startFakeAnthropic } from '@bottega/testkit';
import { boot } from '../apps/server/src/app/boot';
import { startServer } from '../apps/server/src/app/server';
import { dispatchQueuedRun, resumeAfterQuota } from '../apps/server/src/engine/run-starter';
import { newTaskRow } from '../apps/server/src/engine/transitions/tasks';
import { readCapacity } from '../apps/server/src/features/capacity/routes';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { availableMemoryMb } from '../apps/server/src/scheduler/machine';
import { RunScheduler } from '../apps/server/src/scheduler/scheduler';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, percentile, report, reportLoad } from './lib';

/** The production default threshold of load shedding: the memory reading is on the decision path as in production. */
const MIN_FREE_MEMORY_MB = 1024;

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  reportLoad('at the start');
  await decisionLatency();
  await memoryWithLongLine();
  await handOff(MIN_FREE_MEMORY_MB, `load shedding on (the default, below ${MIN_FREE_MEMORY_MB} MiB available)`);
  await handOff(0, 'load shedding off (BOTTEGA_MIN_FREE_MEMORY_MB=0: no memory reading before a decision)');
  reportLoad('at the end');
}

// --- 1. The start decision ------------------------------------------------------------------------

const USERS = 50;
const HEAVY_USERS = 5;
const LINE = 1000;
const SLOTS = 16;
const PER_USER = 2;
const DECISIONS = 600;
/** A light user whose Anthropic quota ran out: their Anthropic runs wait, their other work goes on. */
const QUOTA_USER = HEAVY_USERS + 1;

/** A small seeded generator: the same line on every run of the benchmark. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The scheduler alone (its decisions are in memory; the database only keeps the per-user limit),
 * with a dispatcher that records the call and returns: what is measured is the scheduler's own
 * work when a slot comes free, not the run's start (that is part 3).
 *
 * The line: 1,000 queued runs of 50 users on two providers. Five heavy users own half of it and
 * hold two slots each, their limit, for the whole benchmark (the slots that come free are the
 * others'); one of the others waits for their Anthropic quota. 16 slots; a tenth of the runs are
 * chained (ahead of their user's new work). After each decision a new run joins the line, so it
 * stays at 1,000.
 */
async function decisionLatency(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-scheduler-'));
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off' }), silentLogger());
  const scheduler = new RunScheduler(
    { db: deps.db, bus: deps.bus, logger: deps.logger, now: deps.now },
    { maxRunning: SLOTS, maxRunningSource: 'config', minFreeMemoryMb: MIN_FREE_MEMORY_MB, memoryProbe: availableMemoryMb },
  );
  try {
    const rand = random(16);
    const userOf = new Map<number, number>();
    const queued = new Set<number>();
    const holders: { runId: number; userId: number; release: () => void }[] = [];
    let onDispatch: ((at: number) => void) | null = null;
    scheduler.wire(
      (runId, release) => {
        const at = performance.now();
        holders.push({ runId, userId: userOf.get(runId) ?? 0, release });
        onDispatch?.(at);
        return Promise.resolve();
      },
      () => Promise.resolve(null),
    );
    await scheduler.setPerUserLimit(PER_USER);
    let nextId = 1;
    const add = async (userId: number): Promise<void> => {
      const id = nextId++;
      userOf.set(id, userId);
      queued.add(id);
      await scheduler.enqueue(
        {
          id,
          task_id: id,
          started_by: userId,
          provider: rand() < 0.5 ? 'anthropic' : 'openai',
          queue_priority: rand() < 0.1 ? 1 : 0,
        },
        1 + (userId % 10),
      );
    };
    // Half the line is the heavy users' (a hundred each), the rest spread over the others.
    const someUser = (): number =>
      rand() < 0.5 ? 1 + Math.floor(rand() * HEAVY_USERS) : 1 + HEAVY_USERS + Math.floor(rand() * (USERS - HEAVY_USERS));
    // The heavy users came first, while the line was empty: they hold their two slots each.
    for (let u = 1; u <= HEAVY_USERS; u++) for (let i = 0; i < PER_USER; i++) await add(u);
    while (holders.length < SLOTS) await add(1 + HEAVY_USERS + Math.floor(rand() * (USERS - HEAVY_USERS)));
    for (const h of holders) queued.delete(h.runId);
    // A run that hit its usage limit an hour before its reset: the user's Anthropic work waits.
    scheduler.park({ id: 1_000_000, started_by: QUOTA_USER, provider: 'anthropic' }, new Date(Date.now() + 3_600_000));
    while (queued.size < LINE) await add(someUser());
    const flush = () => new Promise<void>((r) => setImmediate(r));
    await flush();

    const decision: number[] = [];
    const withPlaces: number[] = [];
    for (let i = 0; i < DECISIONS; i++) {
      // The light user who has held a slot longest lets it go.
      const at = holders.findIndex((h) => h.userId > HEAVY_USERS);
      const [holder] = holders.splice(at, 1);
      if (!holder) throw new Error('no light user holds a slot');
      const dispatched = new Promise<number>((resolve) => (onDispatch = resolve));
      const t0 = performance.now();
      holder.release();
      decision.push((await dispatched) - t0);
      onDispatch = null;
      // The scheduler publishes the line's new places in the next turn of the event loop.
      await flush();
      withPlaces.push(performance.now() - t0);
      const started = holders.at(-1);
      if (started) queued.delete(started.runId);
      await add(someUser());
      await flush();
    }
    if (queued.size !== LINE) throw new Error(`the line is ${queued.size} long, not ${LINE}`);
    report(
      `start decision with ${LINE} queued runs (slot freed → next run holds it, ${DECISIONS} decisions), p50`,
      percentile(decision, 50),
      'ms',
      5,
    );
    report('  p99', percentile(decision, 99), 'ms', 5);
    report('  with the new places of the line computed and published (one event-loop turn), p50', percentile(withPlaces, 50), 'ms');
    report('  p99', percentile(withPlaces, 99), 'ms');

    // Place in line of the run that starts last: the projection is cached per version of the line.
    let deep = 0;
    let deepest = 0;
    for (const id of queued) {
      const place = scheduler.placeOf(id)?.position ?? 0;
      if (place > deepest) [deep, deepest] = [id, place];
    }
    const cold: number[] = [];
    const warm: number[] = [];
    const others = [...queued].filter((id) => id !== deep);
    for (let i = 0; i < DECISIONS; i++) {
      const gone = others[Math.floor(rand() * others.length)] ?? 0;
      scheduler.forget(gone);
      const t0 = performance.now();
      if (!scheduler.placeOf(deep)) throw new Error('the deep run left the line');
      const t1 = performance.now();
      scheduler.placeOf(deep);
      const t2 = performance.now();
      cold.push(t1 - t0);
      warm.push(t2 - t1);
      await scheduler.enqueue({ id: gone, task_id: gone, started_by: userOf.get(gone) ?? 0, provider: 'openai', queue_priority: 0 }, 1);
      await flush();
    }
    report(`placeOf a run at place ${deepest} of ${LINE}, first call after the line changed, p50`, percentile(cold, 50), 'ms');
    report('  p99', percentile(cold, 99), 'ms');
    report('placeOf the same run again (cached), p50', percentile(warm, 50), 'ms');
  } finally {
    scheduler.stop();
    await close();
    await rm(home, { recursive: true, force: true });
  }
}

// --- 2. Memory and Admin → Capacity with 1,000 queued runs --------------------------------------------

const QUEUED = 1000;

function gc(): boolean {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) return false;
  collect();
  collect();
  return true;
}

interface Memory {
  rss: number;
  heap: number;
}

function readMemory(): Memory {
  const m = process.memoryUsage();
  return { rss: m.rss / (1024 * 1024), heap: m.heapUsed / (1024 * 1024) };
}

/**
 * A real server in this process with one run slot: a long run holds it (its agent sleeps a
 * minute; Claude Code refuses a bare `sleep 60`, hence the echoes), and 1,000 runs are started through the API on 1,000 tasks and wait. The tasks are
 * inserted straight into the database (creating them through the API prepares a worktree each,
 * minutes for 1,000); the runs go through POST /api/tasks/:taskId/agent-runs like any start.
 * The RSS is the whole process's: the server, the fake model and this client.
 */
async function memoryWithLongLine(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-queue-'));
  const fake = await startFakeAnthropic();
  const { deps, close } = await boot(
    testConfig(home, { depsCopy: 'off', maxRunning: 1, minFreeMemoryMb: MIN_FREE_MEMORY_MB }),
    silentLogger(),
  );
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task: longTask } = await call<{ task: { id: number } }>('POST', `/api/projects/${project.id}/tasks`, { title: 'long run' });
    await deps.background.drain();
    await mkdir(join(home, 'prompts'), { recursive: true });
    await writeFile(join(home, 'prompts', 'implementation.md'), `Hold the slot. ${directive.bash('echo holding; sleep 60; echo done')}`);

    const toolStarted = new Promise<void>((resolve) =>
      deps.bus.subscribe((e: ServerEvent) => {
        if (e.type === 'message' && e.message.type === 'tool_use') resolve();
      }),
    );
    const { run: long } = await call<RunResponse>('POST', `/api/tasks/${longTask.id}/agent-runs`, { agentType: 'implementation' });
    if (long.status !== 'running') throw new Error(`the long run is ${long.status}, not running`);
    await toolStarted;

    const now = new Date().toISOString();
    const taskIds: number[] = [];
    for (let i = 0; i < QUEUED; i += 250) {
      const rows = Array.from({ length: Math.min(250, QUEUED - i) }, (_, j) =>
        newTaskRow({
          project_id: project.id,
          owner_id: user.id,
          title: `Queued ${i + j + 1}`,
          yolo_mode: 0,
          created_at: now,
          updated_at: now,
        }),
      );
      const inserted = await deps.db.insertInto('tasks').values(rows).returning('id').execute();
      taskIds.push(...inserted.map((r) => r.id));
    }

    const collected = gc();
    const before = readMemory();
    const posts: number[] = [];
    for (const id of taskIds) {
      const t0 = performance.now();
      const { run: queued } = await call<RunResponse>('POST', `/api/tasks/${id}/agent-runs`, { agentType: 'implementation' });
      posts.push(performance.now() - t0);
      if (queued.status !== 'queued') throw new Error(`run ${queued.id} is ${queued.status}, not queued`);
    }
    // The line's new places are published in the next turn of the event loop.
    await new Promise((r) => setImmediate(r));
    gc();
    const after = readMemory();

    const capacity: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const { capacity: figures } = await call<CapacityResponse>('GET', '/api/admin/capacity');
      capacity.push(performance.now() - t0);
      if (figures.queued !== QUEUED || figures.running !== 1)
        throw new Error(`capacity says ${figures.running} running, ${figures.queued} queued`);
    }

    // The route's own work (readCapacity), without HTTP and without the client parsing the answer.
    const direct: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const figures = await readCapacity(deps);
      direct.push(performance.now() - t0);
      bytes = JSON.stringify({ capacity: figures }).length;
    }

    console.log(
      `INFO   RSS read ${collected ? 'after a full GC (--expose-gc)' : 'without a GC (run node with --expose-gc for a GC first)'}`,
    );
    report(`server RSS, one run holding the only slot, before ${QUEUED} runs are queued`, before.rss, 'MB');
    report(`server RSS with ${QUEUED} queued runs`, after.rss, 'MB');
    report(`  per queued run, over all ${QUEUED}`, ((after.rss - before.rss) * 1024) / QUEUED, 'KB');
    report(`  JavaScript heap in use, per queued run, over all ${QUEUED}`, ((after.heap - before.heap) * 1024) / QUEUED, 'KB');
    report(`POST /api/tasks/:taskId/agent-runs (run queued), the first 100 of ${QUEUED}, p50`, percentile(posts.slice(0, 100), 50), 'ms');
    report(`  the last 100 (${QUEUED - 100} to ${QUEUED - 1} already queued), p50`, percentile(posts.slice(-100), 50), 'ms');
    report(`GET /api/admin/capacity with ${QUEUED} queued runs (30 reads), p50`, percentile(capacity, 50), 'ms');
    report('  p90', percentile(capacity, 90), 'ms');
    report(
      `  of which readCapacity itself (in process, no HTTP; the answer is ${Math.round(bytes / 1024)} KB of JSON), p50`,
      percentile(direct, 50),
      'ms',
    );

    // The queued runs stay queued, as at a shutdown; the long run is stopped with Stop.
    deps.scheduler.stop();
    const { stopped } = await call<{ stopped: boolean }>('POST', `/api/conversations/${long.conversationId}/stop`);
    await deps.background.drain();
    const ended = await deps.db.selectFrom('agent_runs').select('status').where('id', '=', long.id).executeTakeFirstOrThrow();
    if (!stopped || ended.status !== 'failed') throw new Error(`the long run did not stop (${ended.status})`);
  } finally {
    await server.close();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** Calls `record` when a detached process is spawned (an agent's CLI; git and the like are not detached) until the returned undo. */
function timeSpawns(record: () => void): () => void {
  const original = childProcess.spawn;
  const timed = function (this: unknown, ...args: unknown[]) {
    const options = args.find((a): a is { detached?: boolean } => typeof a === 'object' && a !== null && !Array.isArray(a));
    if (options?.detached) record();
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  childProcess.spawn = timed as typeof original;
  // The server's modules import spawn from node:child_process: their bindings follow this.
  syncBuiltinESMExports();
  return () => {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  };
}

// --- 3. Hand-off to the next queued run -----------------------------------------------------------------

const HANDOFF_RUNS = 15;

/**
 * One run slot, 15 planning runs on 15 tasks started at once: one runs, 14 wait. Each says `done`
 * and ends (a technical user's plan stops at the plan gate: nothing is chained, so the next to
 * start is always the next in line). Between a run's `result` and the next run's process:
 *  - the turn's end: the stream ends, the completion handler records the run completed and
 *    decides the next step (stop at the plan gate), then gives the slot back (result → slot free);
 *  - the scheduler's decision: with load shedding on (the default) a reading of the machine's
 *    memory when the last is over a second old, then the fair pick and the hold (slot free → the
 *    dispatcher called);
 *  - the dispatch (dispatchQueuedRun): the run, task and project read; runTurnSetup (worktree,
 *    input files, sandbox confinement, credentials, user); the prompt built from its template
 *    (default branch and GitHub remote, remembered for 30 s; the plan template); the queued →
 *    running transition with its signal token (→ harness.start called);
 *  - the turn's start (harness.start): the conversation created, its opening message stored and
 *    broadcast; the provider's turn created (→ provider.startTurn called and returned,
 *    `streaming.started`);
 *  - the provider's turn, asynchronously: the sandbox prepared, the MCP servers read, the SDK's
 *    options built, and the CLI's process spawned (a detached child_process.spawn, timed here);
 *  - then the CLI's own start-up until its first request reaches the (fake) model.
 * Run twice: with the default memory threshold, and with load shedding off (no memory reading).
 *
 * The files opened by the process while a run is being prepared (dispatcher called → harness.start)
 * are counted: the preparation itself opens 5 (settings, prompt template, credentials); the rest
 * were the finished turn's reads of the process table (/proc/<pid>/stat of every process, to stop
 * the CLI's process tree), which share libuv's four threads with the preparation's file reads.
 */
async function handOff(minFreeMemoryMb: number, label: string): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-next-run-'));
  const fake = await startFakeAnthropic();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', maxRunning: 1, minFreeMemoryMb }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const tasks: number[] = [];
    for (let i = 0; i < HANDOFF_RUNS; i++) {
      const { task } = await call<{ task: { id: number } }>('POST', `/api/projects/${project.id}/tasks`, { title: `plan ${i + 1}` });
      tasks.push(task.id);
    }
    await deps.background.drain();
    await mkdir(join(home, 'prompts'), { recursive: true });
    await writeFile(join(home, 'prompts', 'planning.md'), `Plan. ${directive.say('done')}`);

    // Timed from outside: the engine's dispatcher (slot given, slot given back), the runtime's start
    // of the turn, the provider's turn, and the process spawned.
    const at = {
      dispatched: [] as number[],
      released: [] as number[],
      turn: [] as number[],
      providerTurn: [] as number[],
      process: [] as number[],
    };
    let filesOpened: number | null = null;
    const opened: number[] = [];
    const files = createHook({
      init: (_id, type) => {
        if (filesOpened !== null && type === 'FILEHANDLE') filesOpened += 1;
      },
    });
    files.enable();
    // One process on SQLite: the line is the node's own RunScheduler.
    (deps.scheduler as RunScheduler).wire(
      (runId, release) => {
        at.dispatched.push(performance.now());
        filesOpened = 0;
        return dispatchQueuedRun(deps, runId, () => {
          at.released.push(performance.now());
          release();
        });
      },
      (runId) => resumeAfterQuota(deps, runId),
    );
    const harnessStart = deps.harness.start.bind(deps.harness);
    deps.harness.start = (req) => {
      at.turn.push(performance.now());
      opened.push(filesOpened ?? 0);
      filesOpened = null;
      return harnessStart(req);
    };
    const provider = deps.providers.get('anthropic');
    const startTurn = provider.startTurn.bind(provider);
    provider.startTurn = (options) => {
      at.providerTurn.push(performance.now());
      return startTurn(options);
    };
    const untimeSpawns = timeSpawns(() => at.process.push(performance.now()));
    const results: number[] = [];
    const starts: number[] = [];
    deps.bus.subscribe((e: ServerEvent) => {
      if (e.type === 'message' && e.message.type === 'result') results.push(performance.now());
      if (e.type === 'streaming.started') starts.push(performance.now());
    });

    const t0 = performance.now();
    for (const id of tasks) await call<RunResponse>('POST', `/api/tasks/${id}/agent-runs`, { agentType: 'planification' });
    const allQueued = performance.now();
    for (;;) {
      const live = await deps.db
        .selectFrom('agent_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow();
      if (Number(live.n) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await deps.background.drain();
    untimeSpawns();
    files.disable();
    const finished = await deps.db.selectFrom('agent_runs').select('status').execute();
    if (finished.length !== HANDOFF_RUNS || finished.some((r) => r.status !== 'completed'))
      throw new Error(`runs ended ${finished.map((r) => r.status).join(', ')}`);

    const requests = fake.modelRequests().map((r) => r.receivedAt);
    const after = (xs: number[], t: number) => xs.find((x) => x > t);
    const spans = {
      toStarted: [] as number[],
      toProcess: [] as number[],
      ended: [] as number[],
      decided: [] as number[],
      prepared: [] as number[],
      turn: [] as number[],
      spawn: [] as number[],
      toRequest: [] as number[],
    };
    // Only hand-offs to a run that was already waiting when the previous one ended.
    for (const end of results.filter((r) => r > allQueued && r > t0).slice(0, -1)) {
      const free = after(at.released, end);
      const decided = after(at.dispatched, end);
      const turn = after(at.turn, end);
      const providerTurn = after(at.providerTurn, end);
      const started = after(starts, end);
      const spawned = after(at.process, end);
      const request = after(requests, end);
      if ([free, decided, turn, providerTurn, started, spawned, request].some((x) => x === undefined)) continue;
      spans.toStarted.push(started! - end);
      spans.toProcess.push(spawned! - end);
      spans.ended.push(free! - end);
      spans.decided.push(decided! - free!);
      spans.prepared.push(turn! - decided!);
      spans.turn.push(providerTurn! - turn!);
      spans.spawn.push(spawned! - providerTurn!);
      spans.toRequest.push(request! - end);
    }
    const n = spans.toStarted.length;
    const p50 = (xs: number[]) => percentile(xs, 50);
    console.log(`INFO   ${label}`);
    report(
      `next queued run started (streaming.started) after a run's result (${n} hand-offs, one slot), p50`,
      p50(spans.toStarted),
      'ms',
      50,
    );
    report('  p90', percentile(spans.toStarted, 90), 'ms');
    report("next queued run's CLI process spawned after a run's result, p50", p50(spans.toProcess), 'ms', 50);
    report('  p90', percentile(spans.toProcess, 90), 'ms');
    report('  the turn ending until its slot is free (completion, next step), p50', p50(spans.ended), 'ms');
    report('  the scheduler deciding (slot free → dispatcher called), p50', p50(spans.decided), 'ms');
    report('  run, setup, prompt, running transition (→ harness.start), p50', p50(spans.prepared), 'ms');
    report('    files opened meanwhile by the whole process (the preparation opens 5), p50', percentile(opened.slice(1), 50), 'files');
    report('  conversation and opening message (→ provider.startTurn, streaming.started), p50', p50(spans.turn), 'ms');
    report('  sandbox, MCP servers, SDK options (→ process spawned), p50', p50(spans.spawn), 'ms');
    report("next queued run's first model request after a run's result (the CLI's start-up), p50", p50(spans.toRequest), 'ms');
    report('  p90', percentile(spans.toRequest, 90), 'ms');
  } finally {
    await server.close();
    await deps.background.drain();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
