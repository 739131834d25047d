// The per-user OpenCode server pool with the real binary: lazy start, idle
// reaping, the cap with LRU eviction, restart on a credential change (the
// old server gone first), per-user isolation, and nothing left at shutdown.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { directive, type ChatRequest } from '@bottega/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../logger';
import { processesMatching } from '../../../testing/processes';
import { drain, isAlive } from '../claude/provider.fixture';
import { createOpencodeWorld, type OpencodeWorld } from './provider.fixture';
import { OpencodeServerProcess, resolveOpencodeBinary, freePort } from './server-process';

let w: OpencodeWorld | null = null;

afterEach(async () => {
  await w?.close();
  w = null;
});

async function environ(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
}

const run = async (world: OpencodeWorld, userId: number, text = directive.say('ok')) => {
  const { error } = await drain(world.provider.startTurn(await world.turn(userId, text)));
  expect(error).toBeNull();
};

describe('the OpenCode server pool', () => {
  it('starts a server lazily, reaps it when idle, and leaves nothing after shutdown', async () => {
    w = await createOpencodeWorld({ provider: { idleMs: 600 } });
    await w.connect(1, 'sk-user-one');
    expect(w.provider.pool.size).toBe(0);
    await run(w, 1);
    const server = w.provider.pool.serverOf(1);
    const pid = server?.pid ?? 0;
    expect(await isAlive(pid)).toBe(true);
    // Reaped once idle for 600 ms (a loaded machine can take longer to get there).
    const { pool } = w.provider;
    await vi.waitFor(
      async () => {
        expect(pool.size).toBe(0);
        expect(await isAlive(pid)).toBe(false);
      },
      { timeout: 15_000, interval: 50 },
    );
    await run(w, 1);
    const second = w.provider.pool.serverOf(1)?.pid ?? 0;
    expect(second).not.toBe(pid);
    await w.provider.shutdown();
    expect(await isAlive(second)).toBe(false);
    expect(await processesMatching(w.home)).toEqual([]);
  });

  it('evicts the least recently used idle server at the cap', async () => {
    w = await createOpencodeWorld({ provider: { maxServers: 2 } });
    for (const id of [1, 2, 3]) await w.connect(id, `sk-user-${id}-key`);
    await run(w, 1);
    await run(w, 2);
    await run(w, 1);
    const one = w.provider.pool.serverOf(1)?.pid ?? 0;
    const two = w.provider.pool.serverOf(2)?.pid ?? 0;
    await run(w, 3);
    expect(w.provider.pool.size).toBe(2);
    expect(w.provider.pool.serverOf(2)).toBeNull();
    expect(await isAlive(two)).toBe(false);
    expect(w.provider.pool.serverOf(1)?.pid).toBe(one);
  });

  it('keeps users apart: own server, own HOME, own key on the wire', async () => {
    w = await createOpencodeWorld();
    await w.connect(1, 'sk-alice-secret');
    await w.connect(2, 'sk-bob-secret');
    await run(w, 1, directive.bash('echo "$HOME" > alice-home.txt'));
    await run(w, 2, directive.bash('echo "$HOME" > bob-home.txt'));
    const a = w.provider.pool.serverOf(1)?.pid ?? 0;
    const b = w.provider.pool.serverOf(2)?.pid ?? 0;
    expect(a).not.toBe(b);
    const envA = await environ(a);
    const envB = await environ(b);
    expect(envA.HOME).not.toBe(envB.HOME);
    expect(envA.HOME).toContain('/users/1/');
    expect(envB.XDG_CONFIG_HOME).toContain('/users/2/');
    expect(envA.OPENCODE_CONFIG_CONTENT).toContain('sk-alice-secret');
    expect(envB.OPENCODE_CONFIG_CONTENT).not.toContain('sk-alice-secret');
    expect(envB.OPENCODE_SERVER_PASSWORD).not.toBe(envA.OPENCODE_SERVER_PASSWORD);
    expect(await readFile(`${w.cwd}/alice-home.txt`, 'utf8')).toContain('/users/1/');
    const keysOf = (home: string) =>
      w?.fake
        .completionRequests()
        .filter((r) => JSON.stringify((r.body as ChatRequest).messages).includes(home))
        .map((r) => r.headers.authorization) ?? [];
    for (const r of w.fake.completionRequests()) {
      const text = JSON.stringify(r.body);
      if (text.includes('bob-home')) expect(r.headers.authorization).toBe('Bearer sk-bob-secret');
      if (text.includes('alice-home')) expect(r.headers.authorization).toBe('Bearer sk-alice-secret');
    }
    expect(keysOf('bob-home').length + keysOf('alice-home').length).toBeGreaterThan(0);
  });

  it('restarts a user’s server when the key changes, after the old one exited', async () => {
    w = await createOpencodeWorld();
    await w.connect(1, 'sk-first-key');
    await run(w, 1);
    const old = w.provider.pool.serverOf(1)?.pid ?? 0;
    await w.connect(1, 'sk-second-key');
    await w.provider.invalidate(1);
    expect(await isAlive(old)).toBe(false);
    await run(w, 1);
    const fresh = w.provider.pool.serverOf(1)?.pid ?? 0;
    expect(fresh).not.toBe(old);
    expect(w.fake.completionRequests().at(-1)?.headers.authorization).toBe('Bearer sk-second-key');
    // Without an explicit invalidation too: the next turn sees the new configuration.
    await w.connect(1, 'sk-third-key');
    await run(w, 1);
    expect(w.provider.pool.serverOf(1)?.pid).not.toBe(fresh);
    expect(await isAlive(fresh)).toBe(false);
    expect(w.fake.completionRequests().at(-1)?.headers.authorization).toBe('Bearer sk-third-key');
  });

  it('tries another port when the chosen one is taken', async () => {
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', () => r()));
    const ports = [taken];
    w = await createOpencodeWorld();
    await w.connect(1, 'sk-user-one');
    const env = await w.provider.environmentFor(1);
    const server = await OpencodeServerProcess.start({
      binary: resolveOpencodeBinary(),
      env: { ...env },
      cwd: w.cwd,
      instanceHome: w.home,
      logger: silentLogger(),
      pickPort: async () => ports.shift() ?? freePort(),
    });
    try {
      expect(server.url).not.toContain(`:${taken}`);
      expect((await fetch(`${server.url}/config`)).status).toBe(401);
      expect((await fetch(`${server.url}/config`, { headers: { authorization: server.authorization } })).status).toBe(200);
    } finally {
      await server.stop();
      await new Promise((r) => blocker.close(r));
    }
  });
});
