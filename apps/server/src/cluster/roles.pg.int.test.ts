// Several nodes on one PostgreSQL database (docs/deploy/cluster.md), as real processes: an API
// node (`start --no-worker`) and worker nodes (`worker`) over the same DATABASE_URL and
// BOTTEGA_HOME. Each answers ready, the admin view lists each with its role and state, a killed
// worker is declared dead once its lease runs out, a frozen one that comes back finds itself
// declared dead and exits, and a stopped node's row says so.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ClusterNodeDto, ClusterResponse } from '@bottega/protocol';
import { buildServer, runCli, signIn, startServerProcess, type ServerProcess } from '../../../../tests/server-process';
import { openDatabase } from '../db/open';
import { serverDatabase } from '../testing/database';

let home: string;
const started: ServerProcess[] = [];
beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-roles-'));
});
afterEach(async () => {
  for (const p of started.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await rm(home, { recursive: true, force: true });
});

/** A node of the deployment: every node of this test shares its home, hence its database. */
async function node(args: string[]): Promise<ServerProcess> {
  // A short lease, so a dead node is noticed within the test.
  const p = await startServerProcess(home, { args, env: { BOTTEGA_NODE_LEASE_SECONDS: '2' }, probe: '/api/health/ready' });
  started.push(p);
  return p;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

it('runs an API node and workers on one database: ready, listed live, lost after a kill, stopped after SIGTERM', async () => {
  expect((await runCli(home, ['user', 'create', 'ops', '--admin'], 'a-long-password\n')).code).toBe(0);
  const api = await node(['start', '--no-worker']);
  const worker = await node(['worker']);

  const ready = async (p: ServerProcess) => {
    const res = await fetch(`${p.url}/api/health/ready`);
    return { status: res.status, body: (await res.json()) as { status: string; node: string; role: string } };
  };
  const apiReady = await ready(api);
  const workerReady = await ready(worker);
  expect(apiReady).toMatchObject({ status: 200, body: { status: 'ready', role: 'api' } });
  expect(workerReady).toMatchObject({ status: 200, body: { status: 'ready', role: 'worker' } });

  // The worker's listener answers health and its agents' signals, and nothing else.
  expect((await fetch(`${worker.url}/api/tasks`)).status).toBe(404);
  expect((await fetch(`${worker.url}/api/auth/status`)).status).toBe(404);
  expect((await fetch(`${worker.url}/`)).status).toBe(404);
  const signal = await fetch(`${worker.url}/api/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ signal: 'plan-complete' }),
  });
  expect(signal.status).toBe(401);

  const { api: call } = await signIn(() => api, 'ops', 'a-long-password');
  const nodes = async () => (await call<ClusterResponse>('GET', '/api/admin/cluster')).cluster.nodes;
  const find = (list: ClusterNodeDto[], id: string) => list.find((n) => n.id === id);
  const listed = await nodes();
  expect(find(listed, apiReady.body.node)).toMatchObject({ role: 'api', state: 'live', url: api.url, slots: 0 });
  expect(find(listed, workerReady.body.node)).toMatchObject({ role: 'worker', state: 'live', url: worker.url });

  /** Reads the admin view (which sweeps) until `id` is in `state`. */
  const until = async (id: string, state: ClusterNodeDto['state']) => {
    for (;;) {
      const n = find(await nodes(), id);
      if (n?.state === state) return n;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  worker.child.kill('SIGKILL');
  await exited(worker.child);
  await until(workerReady.body.node, 'lost');

  // A worker frozen longer than its lease is declared dead meanwhile; thawed, it learns so at
  // its next heartbeat and shuts down with a failure exit code instead of executing on.
  const frozen = await node(['worker']);
  const frozenId = (await ready(frozen)).body.node;
  frozen.child.kill('SIGSTOP');
  await until(frozenId, 'lost');
  const frozenExit = exited(frozen.child);
  frozen.child.kill('SIGCONT');
  expect(await frozenExit).toBe(1);

  api.child.kill('SIGTERM');
  expect(await exited(api.child)).toBe(0);
  const opened = openDatabase(serverDatabase(home));
  try {
    const row = await opened.db.selectFrom('cluster_nodes').selectAll().where('id', '=', apiReady.body.node).executeTakeFirstOrThrow();
    expect(row.stop_reason).toBe('stopped');
    expect(row.stopped_at).not.toBeNull();
  } finally {
    await opened.close();
  }
});
