// Shared benchmark helpers: run the built `bottega` in a child process on a
// free port with a throwaway home, log in, and print results beside targets.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Deps } from '../apps/server/src/deps';
import { newSessionToken } from '../apps/server/src/features/auth/authenticate';
import { freePort } from '../packages/testkit/src/net/free-port';
import { exactMedian, intervalVerdict, medianInterval, type MedianInterval } from './stats';

export { freePort };

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

export function benchEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, BOTTEGA_HOME: join(home, 'data'), BOTTEGA_LOG_LEVEL: 'warn', ...extra };
}

/** Runs a CLI command to completion (stdin optional; `env` adds to the bench environment, e.g. DATABASE_URL). */
export function cli(home: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: benchEnv(home, env), stdio: ['pipe', 'pipe', 'pipe'] });
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
export async function adminAuth(home: string, url: string, env: Record<string, string> = {}): Promise<string> {
  await cli(home, ['user', 'create', 'bench', '--admin'], 'bench-password-123\n', env).catch((err: Error) => {
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

/** The machine's load average beside a figure: a browser figure on a busy two-core machine is not the same figure. */
export function reportLoad(when = 'now'): void {
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
  console.log(`INFO   machine load (1/5/15 min) ${when}: ${load} (on ${cpus().length} cores)`);
}

/**
 * Prints one result line: the measured value beside its target and the ratio.
 * `direction` says whether the target is a ceiling (`below`) or a floor (`above`).
 */
export function report(name: string, value: number, unit: string, target?: number, direction: 'below' | 'above' = 'below'): void {
  const sign = direction === 'below' ? '<' : '≥';
  const ratio = target ? ` (${(value / target).toFixed(2)}× of target ${sign} ${target} ${unit})` : '';
  const met = target === undefined ? null : direction === 'below' ? value < target : value >= target;
  const verdict = met === null ? 'INFO' : met ? 'MEETS' : 'MISSES';
  console.log(`${verdict.padEnd(6)} ${name}: ${value.toFixed(value < 10 ? 2 : 1)} ${unit}${ratio}${met === null ? '' : loadNote()}`);
}

/** The one-minute load average, printed on the line of every verdict. */
function loadNote(): string {
  return ` [load ${loadavg()[0]!.toFixed(1)}]`;
}

const fixed = (x: number) => x.toFixed(Math.abs(x) < 10 ? 2 : 1);

/**
 * Prints a median with its 95 % confidence interval (stats.ts) beside a target. The verdict is MEETS or
 * MISSES only when the whole interval is on one side of the target, else INCONCLUSIVE; without a target, INFO.
 */
export function reportInterval(
  name: string,
  values: readonly number[],
  unit: string,
  target?: number,
  direction: 'below' | 'above' = 'below',
): MedianInterval {
  const i = medianInterval(values);
  const sign = direction === 'below' ? '<' : '≥';
  const bounds =
    i.low === null || i.high === null
      ? `too few values (${i.n}) for a 95 % interval`
      : `95 % interval ${fixed(i.low)} to ${fixed(i.high)} ${unit}, n = ${i.n}`;
  const verdict = target === undefined ? 'INFO' : intervalVerdict(i, target, direction);
  const against = target === undefined ? '' : ` (target ${sign} ${target} ${unit})${loadNote()}`;
  console.log(`${verdict.padEnd(6)} ${name}: median ${fixed(i.median)} ${unit}, ${bounds}${against}`);
  return i;
}

/** How many pairs a paired comparison runs: BENCH_PAIRS, else `fallback`. */
export function benchPairs(fallback: number): number {
  const n = Number(process.env.BENCH_PAIRS ?? fallback);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`BENCH_PAIRS must be a positive whole number, got ${process.env.BENCH_PAIRS}`);
  return n;
}

/**
 * One pair of a paired comparison: the baseline and the product measured back to back, the baseline first
 * in even rounds and second in odd ones, so neither always runs on the machine the other just left.
 */
export async function measurePair<T>(
  round: number,
  baseline: () => Promise<T>,
  product: () => Promise<T>,
): Promise<{ baseline: T; product: T }> {
  if (round % 2 === 0) {
    const b = await baseline();
    return { baseline: b, product: await product() };
  }
  const p = await product();
  return { baseline: await baseline(), product: p };
}

/** A paired comparison's result lines: both medians, then the per-pair difference (product − baseline) against its target. */
export function reportPairs(
  names: { baseline: string; product: string; difference: string },
  pairs: readonly { baseline: number; product: number }[],
  target: number,
): MedianInterval {
  report(`${names.baseline}, median of ${pairs.length}`, exactMedian(pairs.map((p) => p.baseline)), 'ms');
  report(`${names.product}, median of ${pairs.length}`, exactMedian(pairs.map((p) => p.product)), 'ms');
  return reportInterval(
    `${names.difference}, median of ${pairs.length} paired differences`,
    pairs.map((p) => p.product - p.baseline),
    'ms',
    target,
  );
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

/** CPU milliseconds (user + system) used so far by `pid` and its children that are alive now (e.g. a database server and its backends). */
export async function processTreeCpuMs(pid: number): Promise<number> {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(fields[1]) === pid) total += ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
  }
  return total;
}
