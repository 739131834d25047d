// Cloning a repository by URL (part of the one place that runs git). The URL
// is checked again here (cloneUrlProblem), git gets it after `--` in an
// argument array, prompts are off, only https/http/ssh transports are allowed
// (also for anything git would fetch on its own), and hooks and submodules are
// not run. `--progress` output is parsed into phase and percent for the UI,
// and a failure is turned into an explanation a person can act on.
import { cloneUrlProblem } from '@bottega/protocol';
import { AppError } from '../errors';
import { execFileCapture } from '../process/exec';

export interface CloneProgress {
  /** git's phase: "Counting objects", "Receiving objects", "Resolving deltas", "Updating files"… */
  phase: string;
  percent: number | null;
}

export interface CloneOptions {
  signal?: AbortSignal;
  /** Called as git reports progress (at most once per change of phase or percent). */
  onProgress?: (p: CloneProgress) => void;
  /** Defaults to 30 minutes. */
  timeoutMs?: number;
}

/** Transports a clone may use, for git's protocol.allow policy. */
const ALLOWED_PROTOCOLS = ['https', 'http', 'ssh'] as const;

/** Reads the last complete progress report out of a chunk of `git clone --progress` stderr. */
export function parseCloneProgress(chunk: string): CloneProgress | null {
  let last: CloneProgress | null = null;
  for (const segment of chunk.split(/[\r\n]+/)) {
    const m = /^(?:remote:\s*)?([A-Za-z][A-Za-z ]{2,40}):\s+(\d{1,3})%/.exec(segment.trim());
    if (m?.[1] && m[2]) last = { phase: m[1].trim(), percent: Math.min(100, Number(m[2])) };
  }
  return last;
}

/** A person-readable reason for a failed clone, from git's stderr. */
export function explainCloneFailure(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const text = stderr.replace(/\r/g, '\n');
  if (
    /could not read (Username|Password)|terminal prompts disabled|Authentication failed|Permission denied \(publickey|returned error: 40[13]|Host key verification failed/i.test(
      text,
    )
  ) {
    return 'authentication required: the repository is private or the server has no access to it (clone public repositories, or ask an administrator to set up credentials on the server)';
  }
  if (/Repository not found|not found|does not appear to be a git repository|returned error: 404|does not exist/i.test(text)) {
    return 'repository not found: check the URL (and that the repository exists and is visible to the server)';
  }
  if (
    /Could not resolve (host|proxy)|Failed to connect|Connection refused|Connection timed out|Operation timed out|Network is unreachable|unable to access|Connection reset|early EOF|ssh: connect to host/i.test(
      text,
    )
  ) {
    return 'network error: the server could not reach the repository host';
  }
  if (signal) return 'the clone took too long or was stopped';
  const last = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Cloning into|remote: (Enumerating|Counting|Compressing|Total))/.test(l))
    .pop();
  return `git clone failed (exit code ${code})${last ? `: ${last.slice(0, 300)}` : ''}`;
}

function cloneEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS.join(':'),
    GCM_INTERACTIVE: 'never',
  };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_COMMON_DIR',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_NAMESPACE',
    'GIT_PREFIX',
    'GIT_TEMPLATE_DIR',
  ])
    delete env[name];
  // ssh must never wait for a password or a host-key question.
  env.GIT_SSH_COMMAND ??= 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new';
  return env;
}

/**
 * `git clone --progress -- <url> <dest>` run from `cwd`. Resolves when the
 * checkout is complete; throws AppError('WORKSPACE_FAILED', explanation)
 * otherwise. Removing a half-written `dest` is the caller's job.
 */
export async function cloneRepository(url: string, dest: string, cwd: string, opts: CloneOptions = {}): Promise<void> {
  const problem = cloneUrlProblem(url);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  let last = '';
  const policy = ['-c', 'protocol.allow=never', ...ALLOWED_PROTOCOLS.flatMap((p) => ['-c', `protocol.${p}.allow=always`])];
  const args = [
    ...policy,
    '-c',
    'core.hooksPath=/dev/null',
    '-c',
    'credential.interactive=never',
    'clone',
    '--progress',
    '--no-recurse-submodules',
    '--',
    url,
    dest,
  ];
  const result = await execFileCapture('git', args, {
    cwd,
    env: cloneEnv(),
    timeoutMs: opts.timeoutMs ?? 30 * 60_000,
    abortWith: 'SIGTERM',
    maxOutputBytes: 256 * 1024,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStderr: (chunk) => {
      const p = parseCloneProgress(chunk);
      if (!p) return;
      const key = `${p.phase}:${p.percent}`;
      if (key === last) return;
      last = key;
      opts.onProgress?.(p);
    },
  });
  if (result.code !== 0) throw new AppError('WORKSPACE_FAILED', explainCloneFailure(result.stderr, result.code, result.signal));
}
