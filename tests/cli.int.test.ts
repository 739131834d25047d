// The `bottega` command as a user runs it: the built bundle in a child
// process, configured only through the environment.
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileCapture } from '../apps/server/src/process/exec';
import { deleteClaudeCredentials, saveClaudeCredentials } from '../apps/server/src/harness/providers/claude/credentials';
import { leaveSimulatedModel, useSimulatedModel } from '../apps/server/src/harness/providers/claude/simulated';
import { buildServer, freePort, startServerProcess } from './server-process';
import { testDatabaseEnv } from '../apps/server/src/testing/database';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'bottega.js');
let home: string;

beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-cli-'));
});
afterEach(async () => rm(home, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  HOME: home,
  BOTTEGA_HOME: join(home, 'data'),
  BOTTEGA_LOG_LEVEL: 'info',
  ...testDatabaseEnv(home),
  ...extra,
});
const cli = (args: string[], extra: Record<string, string> = {}, input?: string) =>
  execFileCapture(process.execPath, [bin, ...args], {
    cwd: root,
    env: env(extra),
    timeoutMs: 60_000,
    ...(input === undefined ? {} : { input }),
  });

describe('bottega CLI', () => {
  it('lists every configuration problem and exits 1', async () => {
    const r = await cli(['start'], { BOTTEGA_PORT: 'not-a-port', BOTTEGA_SESSION_SECRET: 'changeme', DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BOTTEGA_PORT/);
    expect(r.stderr).toMatch(/BOTTEGA_SESSION_SECRET/);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it('refuses an API node and a worker on SQLite with exit code 2, before touching anything', async () => {
    const sqlite = { DATABASE_URL: `sqlite://${join(home, 'data', 'bottega.db')}` };
    for (const args of [['start', '--no-worker'], ['worker']]) {
      const r = await cli(args, sqlite);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/several nodes share a PostgreSQL database \(DATABASE_URL=postgres:\/\/…\)/);
    }
    await expect(stat(join(home, 'data', 'bottega.db'))).rejects.toThrow();
  });

  it('names an unreachable PostgreSQL by host and database, never by its password, and exits 1', async () => {
    const port = String(await freePort());
    const r = await cli(['migrate'], { DATABASE_URL: `postgres://bottega:s3cret-pw@127.0.0.1:${port}/teamdb?schema=team_a` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the database (PostgreSQL 127.0.0.1:${port}/teamdb (schema team_a)) could not be opened or migrated`);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
  });

  it('starts, answers, generates a private secret, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'start'], {
      cwd: root,
      env: env({ BOTTEGA_PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = out.match(/"url":"(http:\/\/[^"]+)"/);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const status = await fetch(`${url}/api/auth/status`);
    expect(await status.json()).toMatchObject({ needsSetup: true });
    const secret = await stat(join(home, 'data', 'session-secret'));
    expect(secret.mode & 0o777).toBe(0o600);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start over a database or home folder open to others, naming the fix', async () => {
    // The files are SQLite's: this test always runs on it.
    const data = join(home, 'data');
    const db = join(data, 'bottega.db');
    const onSqlite = { DATABASE_URL: `sqlite://${db}` };
    expect((await cli(['migrate'], onSqlite)).code).toBe(0);
    expect((await stat(db)).mode & 0o777).toBe(0o600);
    await chmod(db, 0o644);
    await chmod(data, 0o755);
    const r = await cli(['start'], { ...onSqlite, BOTTEGA_PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`file ${db} has mode 0644`);
    expect(r.stderr).toContain(`chmod 600 ${db}`);
    expect(r.stderr).toContain(`folder ${data} has mode 0755`);
    expect(r.stderr).toContain(`chmod 700 ${data}`);
    await chmod(db, 0o600);
    await chmod(data, 0o700);
    expect((await cli(['migrate'], onSqlite)).code).toBe(0);
  });

  it("reset-password revokes the running server's cookies and API key for that user", async () => {
    expect((await cli(['user', 'create', 'ci-bot'], {}, 'a-long-password\n')).code).toBe(0);
    const server = await startServerProcess(home);
    try {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ci-bot', password: 'a-long-password' }),
      });
      const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
      const created = await fetch(`${server.url}/api/auth/api-key`, { method: 'POST', headers: { cookie } });
      const { key } = (await created.json()) as { key: string };
      const me = (headers: Record<string, string>) => fetch(`${server.url}/api/auth/me`, { headers }).then((r) => r.status);
      expect(await me({ authorization: `Bearer ${key}` })).toBe(200);
      expect(await me({ cookie })).toBe(200);
      const reset = await cli(['user', 'reset-password', 'ci-bot'], {}, 'another-password\n');
      expect(reset.code).toBe(0);
      expect(reset.stdout).toMatch(/API key were revoked/);
      expect(await me({ authorization: `Bearer ${key}` })).toBe(401);
      expect(await me({ cookie })).toBe(401);
    } finally {
      if (server.child.exitCode === null) {
        const exited = new Promise((resolve) => server.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('migrates, creates users from stdin, resets passwords', async () => {
    expect((await cli(['migrate'])).stdout).toMatch(/up to date/);
    const created = await cli(['user', 'create', 'ops', '--admin'], {}, 'a-long-password\n');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created administrator ops/);
    const again = await cli(['user', 'create', 'OPS'], {}, 'a-long-password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/taken/);
    const reset = await cli(['user', 'reset-password', 'ops'], {}, 'another-password\n');
    expect(reset.code).toBe(0);
    expect((await cli(['user', 'reset-password', 'ghost'], {}, 'another-password\n')).code).toBe(1);
    expect((await cli(['user', 'create', 'short'], {}, 'x\n')).code).toBe(1);
  });

  it('onboards idempotently: admin, sample project, one pending task', async () => {
    const first = await cli(['onboard']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/administrator admin created, password: \S{12,}/);
    expect(first.stdout).toMatch(/created sample project 1/);
    expect(first.stdout).toMatch(/created pending task 1/);
    const second = await cli(['onboard']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already exists/);
    expect(second.stdout).toMatch(/found sample project 1/);
    expect(second.stdout).toMatch(/found pending task 1/);
    await stat(join(home, 'data', 'repos', 'sample-project-worktrees', 'task-1', 'README.md'));
  });

  it('says the administrator has no model provider only while none is usable', async () => {
    const first = await cli(['onboard']);
    expect(first.stdout).toContain('admin has no model provider connected: connect one in Settings → Providers');
    expect(first.stdout).not.toContain('can run agents on');
    await useSimulatedModel(join(home, 'data'), 1);
    const simulated = await cli(['onboard']);
    expect(simulated.stdout).toContain('admin can run agents on: anthropic (simulated model)');
    expect(simulated.stdout).not.toContain('no model provider');
    await leaveSimulatedModel(join(home, 'data'), 1);
    await saveClaudeCredentials(join(home, 'data'), 1, { apiKey: 'sk-ant-test-key', baseUrl: null });
    const connected = await cli(['onboard']);
    expect(connected.stdout).toContain('admin can run agents on: anthropic\n');
    expect(connected.stdout).not.toContain('no model provider');
    await deleteClaudeCredentials(join(home, 'data'), 1);
    expect((await cli(['onboard'])).stdout).toContain('admin has no model provider connected');
  });

  it('prints usage for unknown commands', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: bottega/);
  });
});
