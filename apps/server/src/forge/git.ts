// The one place that runs git. Every call is an argument array through
// process/exec (never a shell), with prompts disabled so nothing waits on a tty,
// and with no hook and no fsmonitor: the server's own git never runs a program
// that something in a repository (an agent included) could have named.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../errors';
import { ifMissing, isMissing } from '../fs-errors';
import { ExecError, type ExecResult, execFileCapture, execFileChecked } from '../process/exec';

export interface GitOptions {
  cwd: string;
  /** Written to git's stdin. */
  input?: string;
  /** Defaults to two minutes: a worktree checkout of a large repository takes a while. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Use this index file instead of the repository's (a scratch index leaves the real one untouched). */
  indexFile?: string;
  /** Cap on captured stdout bytes; the rest is dropped (see execFileCapture). */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** Bounds the work spent on repositories with huge ignored trees. */
const MAX_IGNORED_CANDIDATES = 5_000;
/** Variables a git hook (or a parent git) may export that would redirect our commands to another repository. */
const REPO_LOCATING_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const name of REPO_LOCATING_VARS) delete env[name];
  return env;
}

function execOptions(opts: GitOptions) {
  const env = gitEnv();
  if (opts.indexFile) env.GIT_INDEX_FILE = opts.indexFile;
  // An aborted git gets SIGTERM first so it removes its lock files.
  return {
    cwd: opts.cwd,
    env,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    signal: opts.signal,
    abortWith: 'SIGTERM' as const,
    input: opts.input,
    ...(opts.maxOutputBytes === undefined ? {} : { maxOutputBytes: opts.maxOutputBytes }),
  };
}

/** Settings every git of the server runs with, whatever a repository's configuration says. */
const SAFE = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

/** Runs `git args…` in `cwd`; throws an ExecError unless it exits 0. Returns stdout. */
export function runGit(args: readonly string[], opts: GitOptions): Promise<string> {
  return execFileChecked('git', [...SAFE, ...args], execOptions(opts));
}

/** Runs `git args…` and returns the full result; a non-zero exit is not an error. */
function captureGit(args: readonly string[], opts: GitOptions): Promise<ExecResult> {
  return execFileCapture('git', [...SAFE, ...args], execOptions(opts));
}

/**
 * `--git-dir`/`--work-tree` for the server's git in a task's worktree, taken
 * from the repository rather than from the worktree's own `.git` file (which
 * its agent may rewrite): the worktree's folder under `.git/worktrees/` whose
 * `gitdir` (read-only to agents) names this worktree. Throws when they no
 * longer match.
 */
export async function worktreeGitArgs(repoPath: string, worktreePath: string): Promise<string[]> {
  // Anything missing or unreadable on either side is a mismatch: refused below.
  const common = await realpath(join(repoPath, '.git')).catch(() => null);
  const worktree = await realpath(worktreePath).catch(() => null);
  if (common && worktree) {
    const adminDir = join(common, 'worktrees', basename(worktree));
    const named = (await readFile(join(adminDir, 'gitdir'), 'utf8').catch(() => '')).trim();
    if (named === join(worktree, '.git')) return ['--git-dir', adminDir, '--work-tree', worktree];
  }
  throw new AppError('CONFLICT', "the task's worktree no longer matches the repository's record of it");
}

/** True if `path` is an existing directory that is the top level of a git working tree. */
export async function isGitCheckoutRoot(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    const real = await realpath(path);
    const r = await captureGit(['rev-parse', '--show-toplevel'], { cwd: real, timeoutMs: 15_000 });
    return r.code === 0 && r.stdout.trim() === real;
  } catch (err) {
    // Not there (or removed while we looked): not a checkout. Anything else is a fault to report.
    if (isMissing(err)) return false;
    throw err;
  }
}

/** Cheap check (no process): does `path` have a `.git` entry? Used for listings. */
export async function hasGitDir(path: string): Promise<boolean> {
  return (await stat(join(path, '.git')).catch(ifMissing(null))) !== null;
}

/** True if `ref` (e.g. `refs/heads/main`) names an existing commit. */
export async function refExists(repo: string, ref: string): Promise<boolean> {
  const r = await captureGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo });
  return r.code === 0;
}

/**
 * The branch names (local, and origin's as last fetched or pushed) under
 * `prefix` whose head is the commit `sha`; a sha git does not know has none.
 */
export async function branchesAt(repo: string, sha: string, prefix: string): Promise<string[]> {
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(sha)) return [];
  const r = await captureGit(
    ['for-each-ref', `--points-at=${sha}`, '--format=%(refname)', `refs/heads/${prefix}`, `refs/remotes/origin/${prefix}`],
    { cwd: repo },
  );
  if (r.code !== 0) return [];
  const names = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((ref) => ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/origin\//, ''));
  return [...new Set(names)];
}

/**
 * The ref a task branch is cut from: what `origin/HEAD` points at (e.g.
 * `origin/main`), else local `main`, else `master`. Throws WORKSPACE_FAILED if none exists.
 */
export async function detectDefaultBranch(repo: string): Promise<string> {
  const head = await captureGit(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], { cwd: repo });
  const target = head.stdout.trim();
  if (head.code === 0 && target.startsWith('refs/remotes/') && (await refExists(repo, target))) {
    return target.slice('refs/remotes/'.length);
  }
  for (const name of ['main', 'master']) {
    if (await refExists(repo, `refs/heads/${name}`)) return name;
  }
  throw new AppError(
    'WORKSPACE_FAILED',
    `cannot find the default branch of ${repo}: there is no origin/HEAD and no local "main" or "master" branch with a commit`,
  );
}

/** `git worktree add -b <branch> <path> <baseRef>`; the new branch does not track the base. */
export async function addWorktree(
  repo: string,
  path: string,
  branch: string,
  baseRef: string,
  opts: { checkout?: boolean } = {},
): Promise<void> {
  const checkout = opts.checkout === false ? ['--no-checkout'] : [];
  await runGit(['worktree', 'add', '--quiet', '--no-track', ...checkout, '-b', branch, '--', path, baseRef], { cwd: repo });
}

/** Fills a worktree made with `checkout: false`: index and files from its HEAD. */
export async function populateWorktree(path: string, signal?: AbortSignal): Promise<void> {
  await runGit(['reset', '--hard', '--quiet', 'HEAD'], { cwd: path, timeoutMs: 30 * 60_000, ...(signal ? { signal } : {}) });
}

/** Absolute paths of the repository's registered worktrees (the main one included). */
export async function listWorktrees(repo: string): Promise<string[]> {
  const out = await runGit(['worktree', 'list', '--porcelain'], { cwd: repo });
  return out
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

/** Force-removes the worktree at `path` (even if dirty or locked); tolerant if it is already gone. Then prunes. */
export async function removeWorktree(repo: string, path: string): Promise<void> {
  const r = await captureGit(['worktree', 'remove', '--force', '--force', '--', path], { cwd: repo });
  if (r.code !== 0) {
    // Already gone from disk: compare by the path as given.
    const real = await realpath(path).catch(() => resolve(path));
    const registered = await listWorktrees(repo);
    if (registered.includes(resolve(path)) || registered.includes(real)) {
      throw new AppError('WORKSPACE_FAILED', `git could not remove the worktree ${path}: ${r.stderr.trim().slice(0, 500)}`);
    }
  }
  await pruneWorktrees(repo);
}

/** Forgets worktrees whose directories no longer exist. */
export async function pruneWorktrees(repo: string): Promise<void> {
  await runGit(['worktree', 'prune'], { cwd: repo });
}

/** Force-deletes a local branch; false if it did not exist. */
export async function deleteBranch(repo: string, branch: string): Promise<boolean> {
  if (!(await refExists(repo, `refs/heads/${branch}`))) return false;
  try {
    await runGit(['branch', '-D', '--', branch], { cwd: repo });
  } catch (err) {
    // A git killed while it held the branch (a cancelled checkout) leaves its lock
    // behind; the callers have stopped every git of this worktree, so it is stale.
    if (!/cannot lock ref/.test((err as Error).message)) throw err;
    const common = (await runGit(['rev-parse', '--git-common-dir'], { cwd: repo })).trim();
    await rm(resolve(repo, common, 'refs', 'heads', `${branch}.lock`), { force: true });
    await runGit(['branch', '-D', '--', branch], { cwd: repo });
  }
  return true;
}

/** Per `info/exclude` file, the latest check-and-append: they run one at a time. */
const excludeQueue = new Map<string, Promise<unknown>>();

/**
 * Makes sure the repository's `info/exclude` holds `pattern` (one line, e.g.
 * `/tmp/`), appending it, under a `# comment` line, if no line says the same.
 * That file lives in the common git dir, so every linked worktree of the
 * repository shares it — a pattern anchored at the top (`/tmp/`) ignores that
 * folder in each of them (and in the main checkout). True when the pattern is
 * (now) there; false, with nothing written, when the file is not a regular
 * file (a link planted there is never written through).
 */
export async function ensureExcluded(repo: string, pattern: string, comment: string): Promise<boolean> {
  const path = resolve(repo, (await runGit(['rev-parse', '--git-path', 'info/exclude'], { cwd: repo, timeoutMs: 15_000 })).trim());
  const before = excludeQueue.get(path) ?? Promise.resolve();
  const work = before.catch(() => undefined).then(() => appendExclude(path, pattern, comment));
  excludeQueue.set(path, work);
  try {
    return await work;
  } finally {
    if (excludeQueue.get(path) === work) excludeQueue.delete(path);
  }
}

/** Equivalent spellings of an anchored directory pattern (`/tmp/` ≈ `tmp/`, `/tmp`, `tmp`). */
function sameExclude(line: string, pattern: string): boolean {
  const bare = (p: string) => p.trim().replace(/^\//, '').replace(/\/$/, '');
  return !line.trim().startsWith('#') && bare(line) !== '' && bare(line) === bare(pattern);
}

async function appendExclude(path: string, pattern: string, comment: string): Promise<boolean> {
  const existing = await lstat(path).catch(ifMissing(null));
  if (existing && !existing.isFile()) return false;
  const text = existing ? await readFile(path, 'utf8') : '';
  if (text.split('\n').some((line) => sameExclude(line, pattern))) return true;
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    const lead = text === '' || text.endsWith('\n') ? '' : '\n';
    await handle.writeFile(`${lead}# ${comment}\n${pattern}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

export interface IgnoredDirectoryOptions {
  /** At most this many directories are returned. */
  limit?: number;
  /** Only directories at most this many levels deep (1 = at the repository root). */
  maxDepth?: number;
}

/**
 * Git-ignored directories present in the checkout: those an ignore rule matches
 * (the outermost of each tree), relative, without a trailing slash, shallowest
 * first; never `.git`. `ls-files` also reports parents whose content is all
 * ignored, so its answer is filtered through `check-ignore`.
 */
export async function listIgnoredDirectories(repo: string, opts: IgnoredDirectoryOptions = {}): Promise<string[]> {
  const limit = opts.limit ?? 200;
  const maxDepth = opts.maxDepth ?? 3;
  const depth = (p: string) => p.split('/').length;
  const out = await runGit(['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], {
    cwd: repo,
    timeoutMs: 30_000,
  });
  const candidates = out
    .split('\0')
    .filter((p) => p.endsWith('/') && p !== '/')
    .filter((p) => depth(p.slice(0, -1)) <= maxDepth && !p.split('/').includes('.git'))
    .slice(0, MAX_IGNORED_CANDIDATES);
  if (candidates.length === 0) return [];
  const checked = await captureGit(['check-ignore', '--stdin', '-z'], {
    cwd: repo,
    timeoutMs: 30_000,
    input: `${candidates.join('\0')}\0`,
  });
  if (checked.code !== 0 && checked.code !== 1) throw new ExecError('git check-ignore', checked);
  const matched = new Set(
    checked.stdout
      .split('\0')
      .filter((p) => p.endsWith('/'))
      .map((p) => p.slice(0, -1)),
  );
  const hasIgnoredAncestor = (p: string) => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) if (matched.has(parts.slice(0, i).join('/'))) return true;
    return false;
  };
  const outermost = [...matched].filter((p) => !hasIgnoredAncestor(p));
  return outermost.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
}

/** Stages everything and commits it; false when there was nothing to commit. */
export async function commitAll(worktree: string, message: string, identity: { name: string; email: string }): Promise<boolean> {
  await runGit(['add', '-A'], { cwd: worktree });
  const staged = await runGit(['diff', '--cached', '--name-only'], { cwd: worktree });
  if (staged.trim() === '') return false;
  await runGit(['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`, 'commit', '-q', '-m', message], {
    cwd: worktree,
  });
  return true;
}

/** Pushes the branch to origin and sets it as upstream. */
export async function pushBranch(worktree: string, branch: string): Promise<void> {
  await runGit(['push', '-q', '-u', 'origin', `HEAD:refs/heads/${branch}`], { cwd: worktree, timeoutMs: 300_000 });
}

/**
 * The files `branch` conflicts on when merged with `base` (e.g. `origin/main`), computed without
 * touching any worktree: `git merge-tree --write-tree --name-only --no-messages`. Exit 0 is a clean
 * merge (none); exit 1 prints the merged tree's id and then the conflicting files.
 */
export async function conflictingFiles(repo: string, base: string, branch: string): Promise<string[]> {
  const r = await captureGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', base, branch], {
    cwd: repo,
    timeoutMs: 60_000,
  });
  if (r.code === 0) return [];
  if (r.code === 1) return parseMergeTreeConflicts(r.stdout);
  throw new ExecError('git merge-tree', r);
}

/** The conflicting files of `git merge-tree --write-tree --name-only` output (after the tree id), each once. */
export function parseMergeTreeConflicts(stdout: string): string[] {
  const lines = stdout.split('\n');
  return [...new Set(lines.slice(1).filter((l) => l.trim() !== ''))];
}
