// CI that really runs: on a push, the pushed commit is checked out into a temporary
// folder (a clone of the bare repository), a command runs there with a timeout, and
// its output becomes the log of the job's step, passing or failing like Actions.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CiJob } from './ci';
import { gitOk } from './git';

/** A job that runs `command` (an argument array, no shell) on each pushed commit. */
export interface CiCommandJob {
  /** The job's name (`gh run view` shows it, e.g. `test`). */
  name: string;
  /** The step that runs the command (e.g. `Run node --test`). */
  step: string;
  /** Program and arguments, run in the checked-out commit. */
  command: string[];
  /** Workflow name (default `CI`); jobs of one workflow on one push form one run. */
  workflow?: string;
  /** Extra environment (on top of PATH, HOME, CI=true and the GITHUB_* variables). */
  env?: Record<string, string>;
  /** Default 120 000 ms; past it the command is killed and the step fails. */
  timeoutMs?: number;
}

export interface CommandResult {
  /** Exit code (null when killed). */
  code: number | null;
  /** Standard output and error, interleaved as they came. */
  output: string;
  timedOut: boolean;
  /** The command could not start (e.g. not found). */
  spawnError?: string;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
const SETUP_LOG = 'Current runner version: 2.320.0';
const COMPLETE_LOG = 'Cleaning up orphan processes';

/** The job a finished command stands for: `Set up job`, the step with the output, `Complete job`. */
export function jobOfCommand(job: Pick<CiCommandJob, 'name' | 'step' | 'timeoutMs'>, result: CommandResult): CiJob {
  const output = result.output.replace(/\n$/, '');
  const passed = result.code === 0 && !result.timedOut && result.spawnError === undefined;
  const trailer = result.spawnError
    ? `Error: ${result.spawnError}`
    : result.timedOut
      ? `Error: The action '${job.step}' has timed out after ${Math.round((job.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} seconds.`
      : `Error: Process completed with exit code ${result.code ?? 1}.`;
  const log = passed ? output : [output, trailer].filter((l) => l !== '').join('\n');
  return {
    name: job.name,
    steps: [
      { name: 'Set up job', log: SETUP_LOG },
      { name: job.step, conclusion: passed ? 'success' : 'failure', log },
      { name: 'Complete job', log: COMPLETE_LOG },
    ],
  };
}

/**
 * Runs `command` in `cwd` with a clean environment; never throws for a failing command.
 * The command (and what it started) is killed past `timeoutMs` or when `signal` aborts.
 */
export function runCommand(
  command: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CommandResult> {
  const [program, ...args] = command;
  if (program === undefined) return Promise.resolve({ code: null, output: '', timedOut: false, spawnError: 'empty command' });
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let timedOut = false;
    let spawnError: string | undefined;
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8'), timedOut, ...(spawnError ? { spawnError } : {}) });
    });
  });
}

/** The environment a CI job sees: a runner's basics, never the test process's own. */
export function ciEnv(
  home: string,
  context: { owner: string; repo: string; branch: string; sha: string; workflow: string },
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: `${context.owner}/${context.repo}`,
    GITHUB_REF: `refs/heads/${context.branch}`,
    GITHUB_REF_NAME: context.branch,
    GITHUB_SHA: context.sha,
    GITHUB_WORKFLOW: context.workflow,
    GITHUB_EVENT_NAME: 'push',
  };
}

/**
 * Checks out `sha` of the bare repository into a fresh folder under `workRoot`, runs
 * the job's command there, and removes the folder.
 */
export async function runCommandJob(
  barePath: string,
  workRoot: string,
  job: CiCommandJob,
  context: { owner: string; repo: string; branch: string; sha: string },
  signal?: AbortSignal,
): Promise<CiJob> {
  const dir = await mkdtemp(join(workRoot, 'ci-'));
  try {
    const checkout = join(dir, 'work');
    const home = join(dir, 'home');
    await gitOk(['clone', '--quiet', '--no-checkout', barePath, checkout]);
    await gitOk(['-C', checkout, 'checkout', '--quiet', '--detach', context.sha]);
    await mkdir(home);
    const env = { ...ciEnv(home, { ...context, workflow: job.workflow ?? 'CI' }), ...job.env };
    const result = await runCommand(job.command, checkout, env, job.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
    return jobOfCommand(job, result);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
