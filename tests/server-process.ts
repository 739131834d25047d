// Runs the built `bottega start` as a real child process for tests that need
// a whole server they can kill: free port, throwaway home, CLI helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { execFileCapture } from '../apps/server/src/process/exec';
import { testDatabaseEnv } from '../apps/server/src/testing/database';

export const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'bottega.js');

export { buildServer } from '../apps/server/src/testing/build';
import { freePort } from '../packages/testkit/src/net/free-port';

export { freePort };

export function serverEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    BOTTEGA_HOME: join(home, 'data'),
    BOTTEGA_LOG_LEVEL: 'warn',
    ...testDatabaseEnv(home),
    ...extra,
  };
}

export function runCli(home: string, args: string[], input?: string) {
  return execFileCapture(process.execPath, [bin, ...args], {
    cwd: root,
    env: serverEnv(home),
    timeoutMs: 60_000,
    ...(input === undefined ? {} : { input }),
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** The tail of what the server wrote to stderr (for failure messages). */
  stderr: () => string;
}

/**
 * Starts `bottega start` (or `args`: `start --no-worker`, `worker`) and resolves once it answers
 * `probe` (on `port` when given, to restart in place).
 */
export async function startServerProcess(
  home: string,
  opts: { port?: number; env?: Record<string, string>; args?: string[]; probe?: string } = {},
): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [bin, ...(opts.args ?? ['start'])], {
    cwd: root,
    env: serverEnv(home, { ...opts.env, BOTTEGA_PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-64 * 1024);
  });
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${err}`);
    const ok = await fetch(`${url}${opts.probe ?? '/api/auth/status'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, port, child, stderr: () => err };
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

export interface SignedIn {
  /** The login cookie (`name=value`), for requests made by hand. */
  cookie: string;
  /** A JSON call to the server `current()` names now (it may have restarted on another port); throws on a non-2xx answer. */
  api: <T>(method: string, path: string, body?: unknown) => Promise<T>;
}

/** Signs in as `username`; the cookie outlives a restart over the same home. */
export async function signIn(current: () => ServerProcess, username: string, password: string): Promise<SignedIn> {
  const login = await fetch(`${current().url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${current().url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return { cookie, api };
}
