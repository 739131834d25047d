// The run queue survives a crash (docs/behaviour/capacity.md#restart): SIGKILL the server with 4
// runs working and 50 queued. At the restart the 4 are `interrupted` (and resumable), the 50 are
// still queued and start in their order — each once — and everything completes.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type CapacityDto, type TaskDto } from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { initRepo } from '../apps/server/src/testing/git';
import { processesMatching } from '../apps/server/src/testing/processes';
import { buildServer, runCli, signIn, startServerProcess, type ServerProcess } from './server-process';

const RUNNING = 4;
const QUEUED = 50;

let home: string;
let fake: FakeAnthropic;
beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-kill-queue-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

it('keeps 50 queued runs through kill -9, in order, each started once, and all complete', { timeout: 600_000 }, async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
  let server: ServerProcess = await startServerProcess(home, { env: { BOTTEGA_MAX_RUNNING: String(RUNNING) } });
  const { cookie, api } = await signIn(() => server, 'ops', 'a-long-password');
  await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
  const { project } = await api<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'Crowd',
    repoPath: await initRepo(join(home, 'data', 'repos', 'repo')),
  });
  const tasks: number[] = [];
  for (let i = 0; i < RUNNING + QUEUED; i++)
    tasks.push((await api<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: `task ${i}` })).task.id);
  for (let i = 0; i < 400; i++) {
    const list = await Promise.all(tasks.map((id) => api<{ task: TaskDto }>('GET', `/api/tasks/${id}`)));
    if (list.every((t) => t.task.workspaceStatus === 'ready')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const prompts = join(home, 'data', 'prompts');
  await mkdir(prompts, { recursive: true });
  const marker = `sleep 59.${process.pid}`;
  // The first four stay at work until the crash.
  await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.bash(`echo begin; ${marker}; echo end`)}`);
  // Whatever comes after an implementation run ends the loop there (a review that blocks the task).
  await writeFile(join(prompts, 'review.md'), `Review. ${directive.bash('{{signalCommand}} workflow-blocked --reason "reviewed"')}`);

  const runs: AgentRunDto[] = [];
  for (const id of tasks)
    runs.push((await api<{ run: AgentRunDto }>('POST', `/api/tasks/${id}/agent-runs`, { agentType: 'implementation' })).run);
  expect(runs.slice(0, RUNNING).map((r) => r.status)).toEqual(Array(RUNNING).fill('running'));
  expect(runs.slice(RUNNING).map((r) => r.queue?.position)).toEqual(Array.from({ length: QUEUED }, (_, i) => i + 1));
  // The crash comes when all four agents are inside their tool call (a slow machine can take a while to get there):
  // one `sleep` each (the shells and sandbox wrappers around them name the marker too).
  const sleeping = async () => {
    const pids = await processesMatching(marker);
    const argv0 = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    return argv0.filter((cmd) => cmd.startsWith('sleep\0')).length;
  };
  for (let i = 0; i < 1200 && (await sleeping()) < RUNNING; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await sleeping()).toBe(RUNNING);
  const before = (await api<{ capacity: CapacityDto }>('GET', '/api/admin/capacity')).capacity;
  expect([before.running, before.queued]).toEqual([RUNNING, QUEUED]);

  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));
  // From now on a run ends at once.
  await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.bash('{{signalCommand}} workflow-blocked --reason "done"')}`);
  server = await startServerProcess(home, { env: { BOTTEGA_MAX_RUNNING: String(RUNNING) } });
  try {
    expect(await processesMatching(marker)).toEqual([]);
    const status = async (id: number) => (await api<{ run: AgentRunDto }>('GET', `/api/agent-runs/${id}`)).run;
    const first = await Promise.all(runs.slice(0, RUNNING).map((r) => status(r.id)));
    expect(first.map((r) => r.status)).toEqual(Array(RUNNING).fill('interrupted'));
    // The 50: none lost; those not started yet are still in line, in their order, behind every one that started.
    const line = await Promise.all(runs.slice(RUNNING).map((r) => status(r.id)));
    expect(
      line.filter((r) => !['queued', 'running', 'completed'].includes(r.status)).map((r) => `${r.id} ${r.status}: ${r.failureReason}`),
    ).toEqual([]);
    // A run given a slot has no place any more, an instant before it reads as running (on PostgreSQL, while its job
    // waits for the runner to take it up): it counts as started.
    const stillQueued = line.filter((r) => r.status === 'queued' && (r.queue?.position ?? null) !== null);
    expect(stillQueued.length).toBeGreaterThan(QUEUED / 2);
    expect(stillQueued.map((r) => r.queue?.position)).toEqual(stillQueued.map((_, i) => i + 1));
    const lastStarted = Math.max(0, ...line.filter((r) => !stillQueued.includes(r)).map((r) => r.id));
    expect(stillQueued.every((r) => r.id > lastStarted)).toBe(true);

    for (const r of first)
      expect((await fetch(`${server.url}/api/agent-runs/${r.id}/resume`, { method: 'POST', headers: { cookie } })).status).toBe(200);
    let done: AgentRunDto[] = [];
    for (let i = 0; i < 2400; i++) {
      done = await Promise.all(runs.map((r) => status(r.id)));
      if (done.every((r) => !isLiveRunStatus(r.status))) {
        // Whatever the loop chained after them (the resumed four's reviews, any other review) has ended too.
        const perTask = await Promise.all(tasks.map((id) => api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${id}/agent-runs`)));
        const reviewed = perTask.slice(0, RUNNING).every((t) => t.runs.length === 2);
        if (reviewed && perTask.every((t) => t.runs.every((r) => !isLiveRunStatus(r.status)))) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // A run that did not complete shows why.
    expect(done.map((r) => (r.status === 'completed' ? r.status : `${r.id} ${r.status}: ${r.failureReason}`))).toEqual(
      Array(RUNNING + QUEUED).fill('completed'),
    );
    // Each started once: one implementation run per task, with its own conversation (a resumed run
    // goes on to its review, which blocks the task).
    for (const id of tasks) {
      const perTask = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${id}/agent-runs`)).runs;
      expect(perTask.filter((r) => r.agentType === 'implementation').map((r) => r.status)).toEqual(['completed']);
      const conversations = await api<{ conversations: unknown[] }>('GET', `/api/tasks/${id}/conversations`);
      expect(conversations.conversations).toHaveLength(perTask.length);
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
});
