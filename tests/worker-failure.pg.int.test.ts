// Worker failure (docs/behaviour/deployment.md#worker-failure): two nodes on one database and one
// home; the node executing an implementation run (whichever took its job) is killed with SIGKILL. After its lease another
// node declares it dead, interrupts the run, kills its orphaned agent process and puts the run back
// in line: it goes on in the same provider session there and the loop carries on to the review.
// The killed node, started again, runs nothing twice.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { openDatabase } from '../apps/server/src/db/open';
import { serverDatabase } from '../apps/server/src/testing/database';
import { initRepo } from '../apps/server/src/testing/git';
import { processesMatching } from '../apps/server/src/testing/processes';
import { buildServer, runCli, signIn, startServerProcess, type ServerProcess } from './server-process';

const LEASE = { BOTTEGA_NODE_LEASE_SECONDS: '2' };

let home: string;
let fake: FakeAnthropic;
const servers: ServerProcess[] = [];
beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-worker-failure-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  }
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

/** The process id of the node executing the task's live run. */
async function executingPid(home: string, taskId: number): Promise<number | undefined> {
  const opened = openDatabase(serverDatabase(home));
  try {
    const row = await opened.db
      .selectFrom('agent_runs as r')
      .innerJoin('cluster_nodes as n', 'n.id', 'r.node_id')
      .select('n.pid')
      .where('r.task_id', '=', taskId)
      .where('r.status', '=', 'running')
      .executeTakeFirst();
    return row?.pid;
  } finally {
    await opened.close();
  }
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

it('another node takes over a killed node’s run and finishes it in the same session; the killed node does not run it again', async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
  const first = await startServerProcess(home, { env: LEASE });
  servers.push(first);
  const second = await startServerProcess(home, { env: LEASE });
  servers.push(second);
  const { api } = await signIn(() => first, 'ops', 'a-long-password');
  await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
  const { project } = await api<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'Takeover',
    repoPath: await initRepo(join(home, 'data', 'repos', 'repo')),
  });
  const { task } = await api<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'survive a node' });
  await until(
    'the worktree',
    () => api<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`),
    (t) => t.task.workspaceStatus === 'ready',
  );
  const prompts = join(home, 'data', 'prompts');
  await mkdir(prompts, { recursive: true });
  const marker = `sleep 53.${process.pid}`;
  await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.bash(`echo begin; ${marker}; echo end`)}`);
  await writeFile(join(prompts, 'review.md'), `Review. ${directive.bash('{{signalCommand}} workflow-blocked --reason "taken over"')}`);

  // The run executes on whichever node's job runner took it: that node is the one killed.
  await api('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'implementation' });
  await until(
    'the agent’s command',
    () => processesMatching(marker),
    (p) => p.length > 0,
  );
  const executing = await executingPid(home, task.id);
  let doomed = [first, second].find((s) => s.child.pid === executing)!;
  const survivor = [first, second].find((s) => s !== doomed)!;
  expect(doomed).toBeDefined();
  // What the run does once it goes on after the takeover.
  await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.say('finished on another node')}`);
  const requestsBefore = fake.modelRequests().length;
  doomed.child.kill('SIGKILL');
  await new Promise((r) => doomed.child.once('exit', r));

  const current = () => survivor;
  const onSurvivor = await signIn(current, 'ops', 'a-long-password');
  const runs = await until(
    'the loop to end on the surviving node',
    async () => (await onSurvivor.api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).runs.reverse(),
    (rs) => rs.length === 2 && rs.every((r) => !isLiveRunStatus(r.status)),
  );
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([
    ['implementation', 'completed'],
    ['review', 'completed'],
  ]);
  expect((await onSurvivor.api<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`)).task.blockReason).toBe('taken over');
  // The same provider session: the request after the takeover carries the killed turn's command.
  expect(JSON.stringify(fake.modelRequests()[requestsBefore]?.body)).toContain(marker);
  expect(await processesMatching(marker)).toEqual([]);
  const transcript = (
    await onSurvivor.api<{ messages: { type: string; subtype?: string }[] }>(
      'GET',
      `/api/conversations/${runs[0]?.conversationId}/messages?tail=true`,
    )
  ).messages;
  expect(transcript.some((m) => m.type === 'system' && m.subtype === 'interrupted')).toBe(true);

  const opened = openDatabase(serverDatabase(home));
  try {
    const nodes = await opened.db.selectFrom('cluster_nodes').select(['id', 'pid', 'stop_reason']).execute();
    const killed = nodes.find((n) => n.pid === doomed.child.pid);
    const alive = nodes.find((n) => n.pid === survivor.child.pid);
    expect(killed?.stop_reason).toBe('lease_expired');
    const executed = await opened.db.selectFrom('agent_runs').select(['id', 'node_id']).orderBy('id').execute();
    expect(executed.map((r) => r.node_id)).toEqual([alive?.id, alive?.id]);

    // The killed node comes back as a new node: it finds nothing of its own to recover or run.
    const requestsDone = fake.modelRequests().length;
    doomed = await startServerProcess(home, { env: LEASE });
    servers.push(doomed);
    const after = (await onSurvivor.api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).runs;
    expect(after.map((r) => r.status).sort()).toEqual(['completed', 'completed']);
    expect(fake.modelRequests().length).toBe(requestsDone);
  } finally {
    await opened.close();
  }
});
