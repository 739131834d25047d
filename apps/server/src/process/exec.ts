// The one place that spawns child processes. Always an argument array, never a
// shell: user text (titles, branch names, paths) cannot be interpreted.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process (and fail) after this many milliseconds. */
  timeoutMs?: number;
  input?: string;
  /** Cap on captured stdout/stderr bytes each; the rest is dropped. */
  maxOutputBytes?: number;
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

/** Runs a program to completion and captures its output. Never throws on a non-zero exit. */
export function execFileCapture(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const limit = opts.maxOutputBytes ?? 16 * 1024 * 1024;
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
      if (errLen < limit) err.push(b);
      errLen += b.length;
    });
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    }
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
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
