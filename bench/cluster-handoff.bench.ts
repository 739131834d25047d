// Hand-off latency across nodes (target: run end → next run's process start, p50 < 100 ms). A
// throwaway PostgreSQL cluster; one API node (`start --no-worker`) and two agent nodes (`worker`,
// one slot each) as real processes over one home; the real Claude Code CLI against the fake
// Anthropic API. Sixteen tasks each get an implementation run, queued through the API node while
// both slots are busy; the chain follows (its review signals `workflow-blocked`, so each task ends
// after two runs): 32 runs, and every slot freed is handed to a run queued somewhere.
// For each hand-off on a worker, all times wall clock on this machine:
//   end      the finished run's `ended_at` (written by its worker as it completes the run)
//   claim    the next run's `started_at` (the conditional claim `queued → running`)
//   spawn    the start of the process the worker spawns for the next run's Claude Code CLI (the
//            sandbox's bwrap when the sandbox is on, which starts the CLI; /proc/<pid>/stat, 10 ms ticks)
//   request  the next run's first model request at the fake
// The target's figure is end → spawn; the others are its breakdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import type { ServerEvent, TaskDto } from '@bottega/protocol';
import { directive, startFakeAnthropic, startPostgresCluster } from '@bottega/testkit';
import { initRepo } from '../apps/server/src/testing/git';
import { benchEnv, bin, cleanup, cli, freePort, percentile, report, reportLoad, tempHome } from './lib';

const TASKS = 16;
const TARGET_MS = 100;
const SCHEMA = 'bench_cluster_handoff';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

export async function run(): Promise<void> {
  const cluster = await startPostgresCluster({ maxConnections: 100 });
  const home = await tempHome('cluster-handoff');
  const fake = await startFakeAnthropic();
  const nodes: Node[] = [];
  const url = new URL(cluster.url);
  url.searchParams.set('schema', SCHEMA);
  const env = { DATABASE_URL: url.toString(), BOTTEGA_REFINEMENT: 'false' };
  const pool = new pg.Pool({ connectionString: cluster.url, max: 2, options: `-c search_path=${SCHEMA}` });
  let watcher: NodeJS.Timeout | undefined;
  try {
    reportLoad('at the start');
    const api = await startNode(home, ['start', '--no-worker'], env);
    nodes.push(api);
    const workers: Node[] = [];
    for (let i = 0; i < 2; i++) workers.push(await startNode(home, ['worker'], { ...env, BOTTEGA_MAX_RUNNING: '1' }));
    nodes.push(...workers);
    await cli(home, ['user', 'create', 'bench', '--admin'], 'bench-password-123\n', env);
    const cookie = await login(api.url);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'data', 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const tasks: TaskDto[] = [];
    for (let i = 0; i < TASKS; i++)
      tasks.push((await call<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: `t${i}` })).task);
    for (let i = 0; i < 600; i++) {
      const now = await Promise.all(tasks.map(async (t) => (await call<{ task: TaskDto }>('GET', `/api/tasks/${t.id}`)).task));
      if (now.every((t) => t.workspaceStatus === 'ready')) {
        tasks.splice(0, tasks.length, ...now);
        break;
      }
      await sleep(100);
    }
    const prompts = join(home, 'data', 'prompts');
    await mkdir(prompts, { recursive: true });
    // The marker tells the fake's requests apart: which task, which kind of run.
    await writeFile(join(prompts, 'implementation.md'), `Work on #impl-{{taskId}}#. ${directive.say('Implemented.')}`);
    await writeFile(
      join(prompts, 'review.md'),
      `Review #rev-{{taskId}}#. ${directive.bash('{{signalCommand}} workflow-blocked --reason "reviewed"')}`,
    );

    // A browser on the API node: when it hears each run complete.
    const completedSeen = new Map<number, number>();
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/ws`, { headers: { cookie } });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { kind: string; event?: ServerEvent; events?: ServerEvent[] };
      const events = frame.kind === 'event' && frame.event ? [frame.event] : frame.kind === 'events' ? (frame.events ?? []) : [];
      for (const e of events)
        if (e.type === 'agent-run.updated' && e.run.status === 'completed' && !completedSeen.has(e.run.id))
          completedSeen.set(e.run.id, Date.now());
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const t of tasks) ws.send(JSON.stringify({ action: 'subscribe', taskId: t.id }));

    // The Claude Code processes the workers start: their start time and the task whose worktree they run in.
    const spawned = new Map<number, { worker: number; taskId: number; startMs: number }>();
    const byWorktree = new Map(tasks.map((t) => [t.worktreePath ?? '', t.id]));
    const boot = bootWallMs();
    let watching = false;
    watcher = setInterval(() => {
      if (watching) return;
      watching = true;
      void watchChildren(workers, byWorktree, spawned, boot).finally(() => (watching = false));
    }, 20);

    const t0 = performance.now();
    for (const t of tasks) await call('POST', `/api/tasks/${t.id}/agent-runs`, { agentType: 'implementation' });
    for (let i = 0; ; i++) {
      const { rows } = await pool.query<{ done: string; lost: string }>(
        `SELECT count(*) FILTER (WHERE status = 'completed') AS done, count(*) FILTER (WHERE status IN ('failed', 'blocked', 'interrupted')) AS lost FROM agent_runs`,
      );
      if (Number(rows[0]!.done) >= TASKS * 2 || Number(rows[0]!.lost) > 0) break;
      if (i > 3000) throw new Error(`runs did not complete: ${rows[0]!.done} of ${TASKS * 2}`);
      await sleep(200);
    }
    clearInterval(watcher);
    await sleep(300); // the last completion's event on its way to the client
    ws.close();
    reportLoad('after the runs');

    const { rows: runs } = await pool.query<RunRow>(
      'SELECT id, task_id, agent_type, status, node_id, queued_at, started_at, ended_at FROM agent_runs ORDER BY id',
    );
    const failed = runs.filter((r) => r.status !== 'completed');
    if (failed.length > 0) throw new Error(`runs not completed: ${failed.map((r) => `${r.id} ${r.status}`).join(', ')}`);
    const requests = fake
      .modelRequests()
      .filter((r) => r.receivedAt > t0)
      .map((r) => ({ at: performance.timeOrigin + r.receivedAt, text: JSON.stringify(r.body) }));
    analyse(runs, spawned, requests, completedSeen);
  } finally {
    if (watcher) clearInterval(watcher);
    await Promise.all(nodes.map(stopNode));
    await fake.close();
    await pool.end().catch(() => undefined);
    await cluster.stop();
    await cleanup(home);
  }
}

interface RunRow {
  id: number;
  task_id: number;
  agent_type: string;
  status: string;
  node_id: string | null;
  queued_at: string | null;
  started_at: string | null;
  ended_at: string | null;
}

interface Handoff {
  /** The next run was queued through the API node before the slot freed (else: the chain's review, queued as its implementation ended). */
  queuedBefore: boolean;
  toClaim: number;
  /** Run end → the next run's queued_at (negative: queued before the end). */
  toQueued: number;
  toSpawn?: number;
  claimToSpawn?: number;
  spawnToRequest?: number;
}

function analyse(
  runs: RunRow[],
  spawned: Map<number, { worker: number; taskId: number; startMs: number }>,
  requests: { at: number; text: string }[],
  completedSeen: Map<number, number>,
): void {
  const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);
  const marker = (r: RunRow) => `#${r.agent_type === 'review' ? 'rev' : 'impl'}-${r.task_id}#`;
  const processes = [...spawned.values()];
  const lastRequestToEnd: number[] = [];
  const endToSeen: number[] = [];
  for (const r of runs) {
    const seen = completedSeen.get(r.id);
    if (seen !== undefined) endToSeen.push(seen - ms(r.ended_at));
    const own = requests.filter((q) => q.text.includes(marker(r)) && q.at >= ms(r.started_at) && q.at <= ms(r.ended_at));
    if (own.length > 0) lastRequestToEnd.push(ms(r.ended_at) - own[own.length - 1]!.at);
  }
  // One slot per worker: a worker's runs follow one another, each hand-off is a run and the next one it started.
  const handoffs: Handoff[] = [];
  const nodeIds = [...new Set(runs.map((r) => r.node_id))];
  for (const node of nodeIds) {
    const mine = runs.filter((r) => r.node_id === node).sort((a, b) => ms(a.started_at) - ms(b.started_at));
    for (let i = 0; i + 1 < mine.length; i++) {
      const end = ms(mine[i]!.ended_at);
      const next = mine[i + 1]!;
      const claim = ms(next.started_at);
      const h: Handoff = { queuedBefore: ms(next.queued_at) <= end, toClaim: claim - end, toQueued: ms(next.queued_at) - end };
      // The /proc start time has 10 ms ticks: a process a tick "before" its claim is that run's.
      const proc = processes.find((p) => p.taskId === next.task_id && p.startMs >= claim - 10);
      if (proc) {
        h.toSpawn = proc.startMs - end;
        h.claimToSpawn = proc.startMs - claim;
        const first = requests.find((q) => q.text.includes(marker(next)) && q.at >= proc.startMs);
        if (first) h.spawnToRequest = first.at - proc.startMs;
      }
      handoffs.push(h);
    }
  }
  const p = (xs: (number | undefined)[], label: string, target?: number) => {
    const values = xs.filter((x): x is number => x !== undefined);
    report(`${label} (${values.length}), p50`, percentile(values, 50), 'ms', target);
    report('  same, p90', percentile(values, 90), 'ms');
  };
  const queued = handoffs.filter((h) => h.queuedBefore);
  const chained = handoffs.filter((h) => !h.queuedBefore);
  console.log(
    `INFO   ${runs.length} runs on ${nodeIds.length} workers; ${queued.length} hand-offs to a run queued through the API node, ${chained.length} to the chain's review`,
  );
  p(
    queued.map((h) => h.toSpawn),
    "hand-off across nodes, run end (ended_at) → the next queued run's Claude Code process start on that worker",
    TARGET_MS,
  );
  console.log('INFO   its breakdown:');
  p(
    queued.map((h) => h.toClaim),
    '  run end (ended_at) → next run claimed (started_at)',
  );
  p(
    queued.map((h) => h.claimToSpawn),
    "  claimed → the CLI's process start (/proc, 10 ms ticks)",
  );
  p(
    queued.map((h) => h.spawnToRequest),
    "  then the CLI's start-up: process start → its first model request (not in the target)",
  );
  p(
    chained.map((h) => h.toSpawn),
    "the chain's hand-offs: implementation end → its review's CLI process start (review queued at the end)",
  );
  p(
    chained.map((h) => h.toQueued),
    "  of which run end → the review queued (queued_at: the chain's own work)",
  );
  p(
    chained.map((h) => h.toClaim - h.toQueued),
    '  then review queued → claimed (started_at)',
  );
  p(lastRequestToEnd, "for reference: a run's last model request → its ended_at (the CLI's last turn and exit)");
  p(endToSeen, 'for reference: ended_at → the completion seen by a WebSocket client of the API node');
}

/** Claude Code processes the workers have started (direct children running in a task's worktree). */
async function watchChildren(
  workers: Node[],
  byWorktree: Map<string, number>,
  spawned: Map<number, { worker: number; taskId: number; startMs: number }>,
  bootWallMs: number,
): Promise<void> {
  for (const [w, node] of workers.entries()) {
    const pid = node.child.pid;
    if (pid === undefined) continue;
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean);
    for (const c of children.map(Number)) {
      if (spawned.has(c)) continue;
      const [cmd, cwd, stat] = await Promise.all([
        readFile(`/proc/${c}/cmdline`, 'utf8').catch(() => ''),
        readlink(`/proc/${c}/cwd`).catch(() => ''),
        readFile(`/proc/${c}/stat`, 'utf8').catch(() => ''),
      ]);
      const taskId = byWorktree.get(cwd);
      if (!cmd.includes('claude') || taskId === undefined || !stat) continue;
      // Field 22, start time in clock ticks since boot (fields counted after the command name).
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      spawned.set(c, { worker: w, taskId, startMs: bootWallMs + ticks * 10 });
    }
  }
}

/** The wall-clock time of boot, to the millisecond: /proc start times count from boot on the monotonic clock, as hrtime does. */
const bootWallMs = (): number => Date.now() - Number(process.hrtime.bigint()) / 1e6;

async function startNode(home: string, args: string[], env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, ...args], {
    env: benchEnv(home, { ...env, BOTTEGA_PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-16 * 1024)));
  const url = `http://127.0.0.1:${port}`;
  const node = { url, child, stderr: () => err };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`bottega ${args.join(' ')} exited with ${child.exitCode}: ${err}`);
    if (
      await fetch(`${url}/api/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return node;
    await sleep(50);
  }
  await stopNode(node);
  throw new Error(`bottega ${args.join(' ')} did not start: ${err}`);
}

async function stopNode(node: Node): Promise<void> {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('set-cookie')?.split(';')[0] ?? '';
}
