// The one place that spawns child processes. Always an argument array, never a
// shell: user text (titles, branch names, paths) cannot be interpreted.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IPty } from '@lydell/node-pty';

export type { IPty };

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (and fail) after this many milliseconds. */
  timeoutMs?: number;
  input?: string;
  /** Cap on captured stdout/stderr bytes each; the rest is dropped. */
  maxOutputBytes?: number;
  /**
   * Aborting kills the child (see `abortWith`); the promise then rejects with an
   * AbortError once the child has exited (never before), or at once if the
   * signal was already aborted (nothing is spawned).
   */
  signal?: AbortSignal;
  /**
   * The signal an abort sends first (default SIGKILL). A catchable one lets the
   * child clean up (git removes its lock files on SIGTERM); SIGKILL follows
   * after two seconds if it is still running.
   */
  abortWith?: NodeJS.Signals;
  /** Sees stderr as it arrives (progress reports); it is captured as well. */
  onStderr?: (chunk: string) => void;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class ExecError extends Error {
  readonly result: ExecResult;
  readonly command: string;
  constructor(command: string, result: ExecResult, reason?: string) {
    const why = reason ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
    const detail = result.stderr.trim() || result.stdout.trim();
    super(`${command} failed (${why})${detail ? `: ${detail.slice(0, 2000)}` : ''}`);
    this.name = 'ExecError';
    this.result = result;
    this.command = command;
  }
}

function abortError(command: string, signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  const err = new Error(`${command} was aborted: ${why}`, { cause: reason });
  err.name = 'AbortError';
  return err;
}

/** True for the error an aborted ExecOptions.signal produces. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * Runs a program to completion and captures its output. Never throws on a
 * non-zero exit; rejects only if it cannot be spawned or is aborted.
 */
export function execFileCapture(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const limit = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortError(file, signal));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      shell: false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    child.stdout?.on('data', (b: Buffer) => {
      if (outLen < limit) out.push(b);
      outLen += b.length;
    });
    child.stderr?.on('data', (b: Buffer) => {
      opts.onStderr?.(b.toString('utf8'));
      if (errLen < limit) err.push(b);
      errLen += b.length;
    });
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      const first = opts.abortWith ?? 'SIGKILL';
      child.kill(first);
      if (first !== 'SIGKILL') {
        const escalate = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('close', () => clearTimeout(escalate));
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e) => {
      settle();
      reject(e);
    });
    child.on('close', (code, killSignal) => {
      settle();
      if (aborted && signal) {
        reject(abortError(file, signal));
        return;
      }
      resolve({
        code,
        signal: killSignal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.end(opts.input);
    }
  });
}

/** Runs a program and throws an ExecError unless it exits 0. Returns stdout. */
export async function execFileChecked(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const result = await execFileCapture(file, args, opts);
  if (result.code !== 0) throw new ExecError(`${file} ${args[0] ?? ''}`.trim(), result);
  return result.stdout;
}

export interface GroupSpawnOptions {
  cwd?: string;
  /** The child's whole environment (never merged with the server's). */
  env: Record<string, string | undefined>;
}

/**
 * Starts a long-running child detached in its own process group (its pid is
 * the group id), with piped stdio, so `killProcessGroup` can stop it and every
 * descendant that stays in the group. The caller owns the streams: stderr must
 * be read (or the child may block on a full pipe).
 */
export function spawnProcessGroup(file: string, args: readonly string[], opts: GroupSpawnOptions): ChildProcess {
  return spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    shell: false,
  });
}

/**
 * Sends `signal` to every process in the group `pgid`. Returns false when the
 * group no longer exists; other failures (EPERM) are thrown.
 */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1 || pgid === process.pid) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export interface PtyOptions {
  cwd: string;
  /** The child's whole environment (never merged with the server's). */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
}

/**
 * Starts a program under a pseudo-terminal (for CLIs that only talk to a
 * TTY, like `claude setup-token`). The native module loads on first use.
 */
export async function spawnPty(file: string, args: readonly string[], opts: PtyOptions): Promise<IPty> {
  const pty = await import('@lydell/node-pty');
  return pty.spawn(file, [...args], {
    name: 'xterm-256color',
    cols: opts.cols ?? 120,
    rows: opts.rows ?? 40,
    cwd: opts.cwd,
    env: opts.env,
  });
}

/**
 * Single-quotes `s` for a POSIX shell. Only for command lines Bottega itself
 * writes (the signal command in prompts, the sandbox launcher script) from
 * its own installation paths — never for user text.
 */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
