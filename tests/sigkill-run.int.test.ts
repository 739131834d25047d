// Crash recovery of the loop (docs/behaviour/loop.md#crash-recovery): SIGKILL the server while an
// implementation run is working; at the restart the run is `interrupted`, its
// orphaned agent processes are gone, and resuming it continues the same
// provider session — then the loop carries on to the review.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { initRepo } from '../apps/server/src/testing/git';
import { processesMatching } from '../apps/server/src/testing/processes';
import { buildServer, runCli, signIn, startServerProcess, type ServerProcess } from './server-process';

let home: string;
let fake: FakeAnthropic;
beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-kill-run-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

it('marks the run interrupted, kills its orphans, and resumes it in the same session', async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
  let server: ServerProcess = await startServerProcess(home);
  const { cookie, api } = await signIn(() => server, 'ops', 'a-long-password');
  await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
  const { project } = await api<{ project: { id: number } }>('POST', '/api/projects', {
    name: 'Kill',
    repoPath: await initRepo(join(home, 'data', 'repos', 'repo')),
  });
  const { task } = await api<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'survive' });
  for (let i = 0; i < 200 && (await api<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`)).task.workspaceStatus !== 'ready'; i++)
    await new Promise((r) => setTimeout(r, 25));
  const prompts = join(home, 'data', 'prompts');
  await mkdir(prompts, { recursive: true });
  const marker = `sleep 47.${process.pid}`;
  await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.bash(`echo begin; ${marker}; echo end`)}`);
  await writeFile(
    join(prompts, 'review.md'),
    `Review. ${directive.bash('{{signalCommand}} workflow-blocked --reason "after the resume"')}`,
  );

  const { run } = await api<{ run: AgentRunDto }>('POST', `/api/tasks/${task.id}/agent-runs`, { agentType: 'implementation' });
  for (let i = 0; i < 400 && (await processesMatching(marker)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect((await processesMatching(marker)).length).toBeGreaterThan(0);
  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));

  server = await startServerProcess(home);
  try {
    expect(await processesMatching(marker)).toEqual([]);
    const after = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).runs;
    expect(after.map((r) => [r.agentType, r.status])).toEqual([['implementation', 'interrupted']]);
    // The crash wrote nothing; recovery leaves the marker in the run's transcript.
    const transcript = (
      await api<{ messages: { type: string; subtype?: string }[] }>(
        'GET',
        `/api/conversations/${after[0]?.conversationId}/messages?tail=true`,
      )
    ).messages;
    expect(transcript.at(-1)).toMatchObject({ type: 'system', subtype: 'interrupted' });
    const requestsBefore = fake.modelRequests().length;
    await writeFile(join(prompts, 'implementation.md'), `Work. ${directive.say('finished after the restart')}`);
    const resumed = await fetch(`${server.url}/api/agent-runs/${run.id}/resume`, { method: 'POST', headers: { cookie } });
    expect(resumed.status).toBe(200);
    let runs: AgentRunDto[] = [];
    for (let i = 0; i < 600; i++) {
      runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${task.id}/agent-runs`)).runs.reverse();
      if (runs.length === 2 && runs.every((r) => !isLiveRunStatus(r.status))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(runs.map((r) => [r.agentType, r.status])).toEqual([
      ['implementation', 'completed'],
      ['review', 'completed'],
    ]);
    expect(JSON.stringify(fake.modelRequests()[requestsBefore]?.body)).toContain(marker);
    expect((await api<{ task: TaskDto }>('GET', `/api/tasks/${task.id}`)).task.blockReason).toBe('after the resume');
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
});
