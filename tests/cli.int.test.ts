// The `bottega` command as a user runs it: the built bundle in a child
// process, configured only through the environment.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileCapture } from '../apps/server/src/process/exec';
import { buildServer } from './server-process';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'bottega.js');
let home: string;

beforeAll(buildServer);
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-cli-'));
});
afterEach(async () => rm(home, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, HOME: home, BOTTEGA_HOME: join(home, 'data'), BOTTEGA_LOG_LEVEL: 'info', ...extra });
const cli = (args: string[], extra: Record<string, string> = {}, input?: string) =>
  execFileCapture(process.execPath, [bin, ...args], { cwd: root, env: env(extra), timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });

describe('bottega CLI', () => {
  it('lists every configuration problem and exits 1', async () => {
    const r = await cli(['start'], { BOTTEGA_PORT: 'not-a-port', BOTTEGA_SESSION_SECRET: 'changeme', DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BOTTEGA_PORT/);
    expect(r.stderr).toMatch(/BOTTEGA_SESSION_SECRET/);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it('starts, answers, generates a private secret, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'start'], { cwd: root, env: env({ BOTTEGA_PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'] });
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
    await stat(join(home, 'data', 'sample-project-worktrees', 'task-1', 'README.md'));
  });

  it('prints usage for unknown commands', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: bottega/);
  });
});
