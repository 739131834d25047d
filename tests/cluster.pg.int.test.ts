// A deployment of several nodes on one machine (docs/deploy/cluster.md): PostgreSQL, two API nodes
// (`start --no-worker`) and three workers (`worker`) as separate processes over one BOTTEGA_HOME.
// Thirty tasks go through implementation and review on the simulated model (the real Claude Code
// CLI against the fake Anthropic API), started through API node B; a WebSocket client on API node
// A receives every transcript entry of those runs, compared entry by entry with the store. One
// worker is killed with SIGKILL mid-run: its runs are taken over, resume on the other workers and
// complete; API node B restarts meanwhile. No run executes on an API node, and none is started twice.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  isLiveRunStatus,
  type AgentRunDto,
  type ClusterResponse,
  type ServerEvent,
  type TaskDto,
  type TranscriptPageResponse,
  type UnifiedMessage,
} from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { openDatabase } from '../apps/server/src/db/open';
import { serverDatabase } from '../apps/server/src/testing/database';
import { initRepo } from '../apps/server/src/testing/git';
import { buildServer, runCli, signIn, startServerProcess, type ServerProcess } from './server-process';

const TASKS = 30;
const WORKERS = 3;
const SLOTS_PER_WORKER = 3;

let home: string;
let fake: FakeAnthropic;
const nodes: ServerProcess[] = [];
beforeAll(async () => {
  await buildServer();
  home = await mkdtemp(join(tmpdir(), 'bottega-cluster-'));
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  for (const p of nodes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(nodes.map((p) => exited(p.child)));
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/**
 * What the line looks like, for a failure's message: the runs not completed and those of any task
 * without exactly its two, the nodes, the jobs.
 */
async function lineState(): Promise<string> {
  const opened = openDatabase(serverDatabase(home));
  try {
    const all = await opened.db
      .selectFrom('agent_runs')
      .select(['id', 'task_id', 'agent_type', 'status', 'node_id', 'trigger', 'started_at', 'ended_at'])
      .orderBy('id')
      .execute();
    const perTask = new Map<number, number>();
    for (const r of all) perTask.set(r.task_id, (perTask.get(r.task_id) ?? 0) + 1);
    const runs = all.filter((r) => r.status !== 'completed' || perTask.get(r.task_id) !== 2);
    const nodes = await opened.db.selectFrom('cluster_nodes').select(['id', 'role', 'stop_reason', 'heartbeat_at']).execute();
    const jobs = await sql<{ task_identifier: string; key: string | null; attempts: number; locked_by: string | null }>`
      select task_identifier, key, attempts, locked_by from bottega_jobs.jobs`.execute(opened.db);
    return JSON.stringify({ runs, nodes, jobs: jobs.rows });
  } finally {
    await opened.close();
  }
}

/** One node of the deployment; every node shares the home, hence the database and the files. */
async function startNode(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const p = await startServerProcess(home, {
    args,
    env: { BOTTEGA_NODE_LEASE_SECONDS: '3', BOTTEGA_REFINEMENT: 'false', ...env },
    probe: '/api/health/ready',
  });
  nodes.push(p);
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(
  'runs 30 tasks on 3 workers behind 2 API nodes, streams every entry to either node, and survives a killed worker',
  { timeout: 900_000 },
  async () => {
    expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
    const apiA = await startNode(['start', '--no-worker']);
    let apiB = await startNode(['start', '--no-worker']);
    const workers: ServerProcess[] = [];
    for (let i = 0; i < WORKERS; i++) workers.push(await startNode(['worker'], { BOTTEGA_MAX_RUNNING: String(SLOTS_PER_WORKER) }));

    const b = await signIn(() => apiB, 'ops', 'a-long-password');
    const a = await signIn(() => apiA, 'ops', 'a-long-password');
    await b.api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const { project } = await b.api<{ project: { id: number } }>('POST', '/api/projects', {
      name: 'Cluster',
      repoPath: await initRepo(join(home, 'data', 'repos', 'repo')),
    });
    const tasks: number[] = [];
    for (let i = 0; i < TASKS; i++)
      tasks.push((await b.api<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: `task ${i}` })).task.id);
    for (let i = 0; i < 600; i++) {
      const list = await Promise.all(tasks.map((id) => b.api<{ task: TaskDto }>('GET', `/api/tasks/${id}`)));
      if (list.every((t) => t.task.workspaceStatus === 'ready')) break;
      await sleep(100);
    }
    const prompts = join(home, 'data', 'prompts');
    await mkdir(prompts, { recursive: true });
    // Each implementation takes a moment in a tool (so a worker can be killed mid-run), then the review ends the loop.
    await writeFile(
      join(prompts, 'implementation.md'),
      `Work. ${directive.bash('echo begin; sleep 2; echo end')} ${directive.say('Implemented.')}`,
    );
    await writeFile(join(prompts, 'review.md'), `Review. ${directive.bash('{{signalCommand}} workflow-blocked --reason "reviewed"')}`);

    // A browser on API node A: every task's events.
    const received = new Map<number, UnifiedMessage[]>();
    const starts = new Map<number, number>();
    const lastStatus = new Map<number, string>();
    // The runs the product declared interrupted (a dead worker's runs, when a live node takes them over).
    const interrupted = new Set<number>();
    const ws = new WebSocket(`${apiA.url.replace('http', 'ws')}/ws`, { headers: { cookie: a.cookie } });
    let closedWith: number | null = null;
    ws.on('close', (code) => (closedWith = code));
    const acks = new Promise<void>((resolve) => {
      let n = 0;
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { kind: string; event?: ServerEvent; events?: ServerEvent[] };
        if (frame.kind === 'ack' && ++n === tasks.length) resolve();
        const events = frame.kind === 'event' && frame.event ? [frame.event] : frame.kind === 'events' ? (frame.events ?? []) : [];
        for (const e of events) {
          if (e.type === 'message' && e.message.seq > 0)
            received.set(e.conversationId, [...(received.get(e.conversationId) ?? []), e.message]);
          // A start is a change into `running` (a running run is published again as it goes, e.g. when its conversation is linked).
          if (e.type === 'agent-run.updated') {
            if (e.run.status === 'running' && lastStatus.get(e.run.id) !== 'running') starts.set(e.run.id, (starts.get(e.run.id) ?? 0) + 1);
            lastStatus.set(e.run.id, e.run.status);
            if (e.run.status === 'interrupted') interrupted.add(e.run.id);
          }
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const taskId of tasks) ws.send(JSON.stringify({ action: 'subscribe', taskId }));
    await acks;

    const runs: AgentRunDto[] = [];
    for (const id of tasks)
      runs.push((await b.api<{ run: AgentRunDto }>('POST', `/api/tasks/${id}/agent-runs`, { agentType: 'implementation' })).run);

    // Kill a worker busy with implementations only: all its slots taken (so no review can start on it
    // meanwhile), or at least two after ten seconds. A review killed before its verdict would be
    // resumed with the product's "continue" prompt, which the simulated model answers with no
    // verdict, so the loop would rightly go round once more.
    const workerIds = await Promise.all(
      workers.map(async (w) => ((await (await fetch(`${w.url}/api/health/ready`)).json()) as { node: string }).node),
    );
    const implementations = new Set(runs.map((r) => r.id));
    let victim = -1;
    let victimRuns: number[] = [];
    const watchedFrom = Date.now();
    for (let i = 0; i < 1200 && victim < 0; i++) {
      const { cluster } = await a.api<ClusterResponse>('GET', '/api/admin/cluster');
      const wanted = Date.now() - watchedFrom < 10_000 ? SLOTS_PER_WORKER : 2;
      for (const [w, id] of workerIds.entries()) {
        const n = cluster.nodes.find((x) => x.id === id);
        if (n && n.runs.length >= wanted && n.runs.every((r) => implementations.has(r.runId))) {
          victim = w;
          victimRuns = n.runs.map((r) => r.runId);
          break;
        }
      }
      if (victim < 0) await sleep(50);
    }
    expect(victim).toBeGreaterThanOrEqual(0);
    workers[victim]!.child.kill('SIGKILL');
    await exited(workers[victim]!.child);
    // API node B restarts meanwhile: it held nothing the runs need (they execute on the workers), and the calls go on through its successor.
    apiB.child.kill('SIGTERM');
    await exited(apiB.child);
    expect(apiB.child.exitCode).toBe(0);
    apiB = await startNode(['start', '--no-worker']);

    // Everything completes: each task's implementation (resumed elsewhere if it was on the killed worker) and its review
    // whose verdict blocks the task.
    const status = async (id: number) => (await b.api<{ run: AgentRunDto }>('GET', `/api/agent-runs/${id}`)).run;
    let perTask: AgentRunDto[][] = [];
    const deadline = Date.now() + 480_000;
    for (;;) {
      perTask = await Promise.all(
        tasks.map(async (id) => (await b.api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${id}/agent-runs`)).runs.reverse()),
      );
      const blocked = await Promise.all(
        tasks.map(async (id) => (await b.api<{ task: TaskDto }>('GET', `/api/tasks/${id}`)).task.workflowBlocked),
      );
      if (blocked.every(Boolean) && perTask.every((rs) => rs.every((r) => !isLiveRunStatus(r.status)))) break;
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    const outcome = perTask
      .flat()
      .map((r) => (r.status === 'completed' ? 'completed' : `${r.id} ${r.agentType} ${r.status}: ${r.failureReason}`));
    expect(outcome, await lineState()).toEqual(Array(outcome.length).fill('completed'));

    // The runs taken over from the killed worker are those the product declared interrupted. Each that had a conversation
    // by then says so in its transcript; one cut short before it had one starts afresh in a new one.
    const takenOver = interrupted;
    for (const r of perTask.flat()) {
      const page = await a.api<TranscriptPageResponse>('GET', `/api/conversations/${r.conversationId}/messages?afterSeq=0&limit=1000`);
      if (page.messages.some((m) => m.type === 'system' && m.subtype === 'interrupted')) expect(takenOver, `run ${r.id}`).toContain(r.id);
    }
    // Those at work on the worker when the test chose it were taken over, unless they ended on it before it was killed.
    const ranOn = await (async () => {
      const opened = openDatabase(serverDatabase(home));
      try {
        return new Map((await opened.db.selectFrom('agent_runs').select(['id', 'node_id']).execute()).map((r) => [r.id, r.node_id]));
      } finally {
        await opened.close();
      }
    })();
    expect(victimRuns.filter((id) => !takenOver.has(id) && ranOn.get(id) !== workerIds[victim])).toEqual([]);
    expect(takenOver.size).toBeGreaterThan(0);
    // Each task: implementation then review, once — a review cut short before its verdict and resumed in its session gets
    // the product's "continue" prompt, which the simulated model answers without a verdict, so its loop rightly goes round
    // once more (one cut short before its session existed starts afresh from its role prompt and gives its verdict).
    for (const rs of perTask) {
      const extraRounds = rs.filter((r) => r.agentType === 'review' && takenOver.has(r.id)).length;
      const rounds = rs.length / 2;
      expect(
        rs.map((r) => r.agentType),
        await lineState(),
      ).toEqual(
        Array.from({ length: 2 * Math.min(Math.max(1, Math.floor(rounds)), 1 + extraRounds) }, (_, i) =>
          i % 2 === 0 ? 'implementation' : 'review',
        ),
      );
    }
    expect((await Promise.all(runs.map((r) => status(r.id)))).every((r) => r.status === 'completed')).toBe(true);

    // Each run started once, except those taken over from the killed worker: once more, elsewhere.
    for (const r of perTask.flat()) expect(starts.get(r.id) ?? 0, `run ${r.id}`).toBe(takenOver.has(r.id) ? 2 : 1);

    // No run executed on an API node: each ran (last) on a worker, and those taken over on a surviving one.
    const { cluster } = await a.api<ClusterResponse>('GET', '/api/admin/cluster');
    expect(cluster.nodes.filter((n) => n.role === 'api' && n.state === 'live')).toHaveLength(2);
    expect(cluster.nodes.filter((n) => n.role === 'api' && n.state === 'stopped')).toHaveLength(1);
    expect(cluster.nodes.find((n) => n.id === workerIds[victim])?.state).toBe('lost');
    const opened = openDatabase(serverDatabase(home));
    try {
      const ran = await opened.db.selectFrom('agent_runs').select(['id', 'node_id']).execute();
      const survivors = workerIds.filter((_, i) => i !== victim);
      const misplaced = ran.filter(
        (r) => r.node_id === null || !workerIds.includes(r.node_id) || (takenOver.has(r.id) && !survivors.includes(r.node_id)),
      );
      expect(misplaced.map((r) => `${r.id} on ${r.node_id}`)).toEqual([]);
    } finally {
      await opened.close();
    }

    // Node A's client saw every stored entry of every run, in order, equal to the store.
    expect(closedWith).toBeNull();
    for (const rs of perTask)
      for (const r of rs) {
        expect(r.conversationId).not.toBeNull();
        const page = await a.api<TranscriptPageResponse>('GET', `/api/conversations/${r.conversationId}/messages?afterSeq=0&limit=1000`);
        const stored = page.messages.map((m) => `${m.seq} ${m.id}`);
        // A run taken over has its stored entries announced again (the dead worker may not have announced its last ones): one of each.
        const seen = [...new Set((received.get(r.conversationId!) ?? []).map((m) => `${m.seq} ${m.id}`))];
        expect(seen).toEqual(stored);
      }
    ws.close();
  },
);
