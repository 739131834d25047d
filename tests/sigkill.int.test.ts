// Durability (docs/behaviour/reliability.md#durability): kill the server with SIGKILL in the middle of a
// streaming turn; after a restart every transcript entry that had been
// broadcast before the kill is in the database.
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventsOfFrame, type ServerFrame, type UnifiedMessage } from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { initRepo } from '../apps/server/src/testing/git';
import { buildServer, runCli, startServerProcess } from './server-process';

let home: string;
let fake: FakeAnthropic;
beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-kill-'));
  fake = await startFakeAnthropic();
});
afterEach(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

/** Agent processes left running in `dir` (a SIGKILLed server cannot stop them). */
async function killProcessesIn(dir: string): Promise<void> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

it('keeps every broadcast entry across a SIGKILL', async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
  let server = await startServerProcess(home);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ops', password: 'a-long-password' }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const api = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json', origin: server.url },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as T;
  };
  await api('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
  const repo = await initRepo(join(home, 'data', 'repos', 'repo'));
  const { project } = await api<{ project: { id: number } }>('POST', '/api/projects', { name: 'Kill', repoPath: repo });
  const { task } = await api<{ task: { id: number; worktreePath: string } }>('POST', `/api/projects/${project.id}/tasks`, {
    title: 'durable',
  });
  for (
    let i = 0;
    i < 200 && (await api<{ task: { workspaceStatus: string } }>('GET', `/api/tasks/${task.id}`)).task.workspaceStatus !== 'ready';
    i++
  ) {
    await new Promise((r) => setTimeout(r, 25));
  }

  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { cookie } });
  await new Promise((r) => ws.once('open', r));
  const received: UnifiedMessage[] = [];
  let enough!: () => void;
  const gotEnough = new Promise<void>((r) => (enough = r));
  ws.on('message', (data) => {
    for (const event of eventsOfFrame(JSON.parse(String(data)) as ServerFrame)) {
      if (event.type === 'message' && event.message.type !== 'stream_delta') {
        received.push(event.message);
        if (received.length >= 5) enough();
      }
    }
  });
  ws.send(JSON.stringify({ action: 'subscribe', taskId: task.id }));
  const steps = Array.from({ length: 8 }, (_, i) => directive.bash(`echo step ${i} && sleep 0.3`)).join(' ');
  const started = await api<{ conversation: { id: number } }>('POST', `/api/tasks/${task.id}/conversations`, {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    message: steps,
  });
  await gotEnough;
  server.child.kill('SIGKILL');
  await new Promise((r) => server.child.once('exit', r));
  ws.terminate();
  const seen = [...received];
  await killProcessesIn(task.worktreePath);

  server = await startServerProcess(home);
  try {
    const page = await api<{ messages: UnifiedMessage[] }>('GET', `/api/conversations/${started.conversation.id}/messages?limit=1000`);
    const stored = new Map(page.messages.map((m) => [m.id, m]));
    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (const m of seen) expect(stored.get(m.id), `${m.type} ${m.id}`).toEqual(m);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  }
});
