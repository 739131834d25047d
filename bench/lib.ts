// Shared benchmark helpers: run the built `bottega` in a child process on a
// free port with a throwaway home, log in, and print results beside targets.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Deps } from '../apps/server/src/deps';
import { newSessionToken } from '../apps/server/src/features/auth/authenticate';

/** The repository root (benchmarks are bundled into .bench-tmp/ before they run). */
export const root = process.cwd();
export const bin = join(root, 'bin', 'bottega.js');
export const execFileP = promisify(execFile);

export async function tempHome(label: string): Promise<string> {
  return mkdtemp(join(process.env.BENCH_TMP ?? tmpdir(), `bottega-bench-${label}-`));
}

export async function cleanup(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function benchEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, BOTTEGA_HOME: join(home, 'data'), BOTTEGA_LOG_LEVEL: 'warn', ...extra };
}

/** Runs a CLI command to completion (stdin optional). */
export function cli(home: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: benchEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bottega ${args.join(' ')} → ${code}: ${out}`))));
    child.stdin.end(input ?? '');
  });
}

/** Starts `bottega start`; resolves once GET /api/auth/status answers 200. */
export interface StartedServer {
  url: string;
  child: ChildProcess;
  readyMs: number;
  stop: () => Promise<void>;
}

export async function startServer(home: string, extraEnv: Record<string, string> = {}): Promise<StartedServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: benchEnv(home, { BOTTEGA_PORT: String(port), ...extraEnv }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error('server exited during start');
    try {
      const res = await fetch(`${url}/api/auth/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, child, readyMs, stop };
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kb / 1024;
}

/** Creates (or reuses) an admin with the CLI and returns an Authorization header (an API key). */
export async function adminAuth(home: string, url: string): Promise<string> {
  await cli(home, ['user', 'create', 'bench', '--admin'], 'bench-password-123\n').catch((err: Error) => {
    if (!/taken/.test(err.message)) throw err;
  });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const key = await fetch(`${url}/api/auth/api-key`, { method: 'POST', headers: { cookie } });
  return `Bearer ${((await key.json()) as { key: string }).key}`;
}

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
export const median = (xs: number[]): number => percentile(xs, 50);

/**
 * Prints one result line: the measured value beside its target and the ratio.
 * `direction` says whether the target is a ceiling (`below`) or a floor (`above`).
 */
/** The machine's load average beside a figure: a browser figure on a busy two-core machine is not the same figure. */
export function reportLoad(when = 'now'): void {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
  console.log(`INFO   machine load (1/5/15 min) ${when}: ${load} (on ${cpus().length} cores)`);
}

export function report(name: string, value: number, unit: string, target?: number, direction: 'below' | 'above' = 'below'): void {
  const sign = direction === 'below' ? '<' : '≥';
  const ratio = target ? ` (${(value / target).toFixed(2)}× of target ${sign} ${target} ${unit})` : '';
  const met = target === undefined ? null : direction === 'below' ? value < target : value >= target;
  const verdict = met === null ? 'INFO' : met ? 'MEETS' : 'MISSES';
  console.log(`${verdict.padEnd(6)} ${name}: ${value.toFixed(value < 10 ? 2 : 1)} ${unit}${ratio}`);
}

/** An admin user inserted straight into the database, with a session credential (in-process benches). */
export async function benchAdmin(deps: Deps): Promise<{ id: number; auth: string }> {
  const now = new Date().toISOString();
  const user = await deps.db
    .insertInto('users')
    .values({
      username: 'bench',
      password_hash: 'x',
      is_active: 1,
      is_admin: 1,
      is_technical: 1,
      has_completed_onboarding: 1,
      token_version: 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { id: user.id, auth: `Bearer ${newSessionToken(deps, user)}` };
}

/** A JSON client for the server under test; non-2xx answers throw with their body. */
export function apiClient(url: string, auth: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}
