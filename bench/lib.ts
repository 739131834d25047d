// Shared benchmark helpers: run the built `bottega` in a child process on a
// free port with a throwaway home, log in, and print results beside targets.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const root = join(import.meta.dirname, '..');
export const bin = join(root, 'bin', 'bottega.js');
export const execFileP = promisify(execFile);

export async function tempHome(label) {
  return mkdtemp(join(process.env.BENCH_TMP ?? tmpdir(), `bottega-bench-${label}-`));
}

export async function cleanup(dir) {
  await rm(dir, { recursive: true, force: true });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function benchEnv(home, extra = {}) {
  return { PATH: process.env.PATH, HOME: home, BOTTEGA_HOME: join(home, 'data'), BOTTEGA_LOG_LEVEL: 'warn', ...extra };
}

/** Runs a CLI command to completion (stdin optional). */
export function cli(home, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: benchEnv(home), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`bottega ${args.join(' ')} → ${code}: ${out}`))));
    child.stdin.end(input ?? '');
  });
}

/** Starts `bottega start`; resolves once GET /api/auth/status answers 200. */
export async function startServer(home, extraEnv = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'start'], { env: benchEnv(home, { BOTTEGA_PORT: String(port), ...extraEnv }), stdio: ['ignore', 'ignore', 'inherit'] });
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
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, child, readyMs, stop };
}

export async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kb / 1024;
}

/** Creates (or reuses) an admin with the CLI and returns an Authorization header (an API key). */
export async function adminAuth(home, url) {
  await cli(home, ['user', 'create', 'bench', '--admin'], 'bench-password-123\n').catch((err) => {
    if (!/taken/.test(err.message)) throw err;
  });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  const key = await fetch(`${url}/api/auth/api-key`, { method: 'POST', headers: { cookie } });
  return `Bearer ${(await key.json()).key}`;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Prints one result line: measured value beside the target and the ratio. */
export function report(name, value, unit, target) {
  const ratio = target ? ` (${(value / target).toFixed(2)}× of target < ${target} ${unit})` : '';
  const verdict = target ? (value < target ? 'MEETS' : 'MISSES') : 'INFO';
  console.log(`${verdict.padEnd(6)} ${name}: ${value.toFixed(value < 10 ? 2 : 1)} ${unit}${ratio}`);
}
