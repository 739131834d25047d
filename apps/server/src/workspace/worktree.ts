// A task's git worktree (docs/behaviour/tasks.md#worktree): registered on `task/{id}-{slug}` from the
// default branch during the request, then filled in the background (checkout,
// .env links, ignored directories, dependency copy) so creating a task never
// waits on writing thousands of files; torn down completely on delete.
import { lstat, mkdir, readdir, rm, rmdir, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { DepsCopyMode } from '../config';
import { AppError } from '../errors';
import {
  addWorktree,
  deleteBranch,
  detectDefaultBranch,
  isGitCheckoutRoot,
  listIgnoredDirectories,
  populateWorktree,
  pruneWorktrees,
  refExists,
  removeWorktree,
} from '../forge/git';
import type { Logger } from '../logger';
import {
  DEPENDENCY_DIRS,
  type DepsCopyReport,
  cancelAllDependencyCopies,
  cancelDependencyCopy,
  removePartialCopies,
  startDependencyCopy,
} from './deps-copy';
import { resolveInside, worktreePathFor } from './paths';
import { branchNameFor } from './slug';
import { excludeTmpFromGit } from './tmp-files';

export type { DepsCopyReport } from './deps-copy';

export interface CreateTaskWorktreeOptions {
  repoPath: string;
  taskId: number;
  title: string;
  depsCopy: DepsCopyMode;
  logger: Logger;
}

export interface TaskWorktree {
  worktreePath: string;
  branchName: string;
  /** The ref the branch was cut from, e.g. `origin/main` or `main`. */
  baseRef: string;
  /**
   * Resolves when the files are checked out and the conveniences are in place;
   * rejects with WORKSPACE_FAILED (or an abort when the task is deleted meanwhile).
   */
  ready: Promise<void>;
  /** Settles when the background dependency copy is over (after `ready`); never rejects. */
  dependencies: Promise<DepsCopyReport[]>;
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );
const TASK_DIR = /^task-[0-9]+$/;
const failed = (message: string) => new AppError('WORKSPACE_FAILED', message);

/** Symlinks each `.env*` file of the repository root into the worktree, unless the worktree has its own. */
async function linkEnvFiles(repoPath: string, worktreePath: string): Promise<string[]> {
  const names = (await readdir(repoPath)).filter((n) => n.startsWith('.env')).sort();
  const linked: string[] = [];
  for (const name of names) {
    const source = join(repoPath, name);
    if (!(await stat(source).catch(() => null))?.isFile()) continue; // a dangling or looping link, or not a file: nothing to link
    const target = join(worktreePath, name);
    if (await exists(target)) continue;
    await symlink(source, target);
    linked.push(name);
  }
  return linked;
}

/** Recreates (empty) the repository's git-ignored directories that tools expect, except the copied ones. */
async function createIgnoredDirectories(repoPath: string, worktreePath: string, logger: Logger): Promise<string[]> {
  let dirs: string[];
  try {
    dirs = await listIgnoredDirectories(repoPath, { limit: 200, maxDepth: 3 });
  } catch (err) {
    logger.warn({ err }, 'could not list the repository’s ignored directories; skipping them');
    return [];
  }
  const created: string[] = [];
  for (const rel of dirs) {
    if (rel.split('/').some((segment) => DEPENDENCY_DIRS.includes(segment))) continue;
    try {
      const target = resolveInside(worktreePath, rel);
      if (await exists(target)) continue;
      await mkdir(target, { recursive: true });
      created.push(rel);
    } catch (err) {
      logger.warn({ err, dir: rel }, 'could not create an ignored directory in the worktree');
    }
  }
  return created;
}

/** Removes a worktree-container directory (`…-worktrees`) if nothing is left in it. */
async function removeContainerIfEmpty(dir: string): Promise<void> {
  if (!basename(dir).endsWith('-worktrees')) return;
  await rmdir(dir).catch((err: unknown) => {
    // Other worktrees still in it, or already gone: nothing to do.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw err;
  });
}

/**
 * Creates the task's worktree: branch and worktree are registered before this
 * returns (fast, and every failure here is undone and reported as
 * WORKSPACE_FAILED); the checkout of its files, the conveniences and the
 * dependency copy continue in the background (see `ready` and `dependencies`).
 */
export async function createTaskWorktree(opts: CreateTaskWorktreeOptions): Promise<TaskWorktree> {
  try {
    return await create(opts);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw failed(`could not create the worktree for task ${opts.taskId}: ${(err as Error).message}`);
  }
}

async function create(opts: CreateTaskWorktreeOptions): Promise<TaskWorktree> {
  const repoPath = resolve(opts.repoPath);
  const worktreePath = worktreePathFor(repoPath, opts.taskId);
  const branchName = branchNameFor(opts.taskId, opts.title);
  const logger = opts.logger.child({ taskId: opts.taskId, worktreePath });
  const baseRef = await detectDefaultBranch(repoPath);
  if (await refExists(repoPath, `refs/heads/${branchName}`)) {
    throw failed(`cannot create the worktree: branch ${branchName} already exists in ${repoPath}`);
  }
  if (await exists(worktreePath)) throw failed(`cannot create the worktree: ${worktreePath} already exists`);
  const container = dirname(worktreePath);
  const containerExisted = await exists(container);
  try {
    await addWorktree(repoPath, worktreePath, branchName, baseRef, { checkout: false });
  } catch (err) {
    // Neither the branch nor the directory existed before (checked above): all of it is ours to remove.
    const undo = (what: string) => (e: unknown) => logger.warn({ err: e }, `rollback of a failed worktree creation: ${what} failed`);
    await removeWorktree(repoPath, worktreePath).catch(undo('removing the worktree'));
    await rm(worktreePath, { recursive: true, force: true });
    await pruneWorktrees(repoPath).catch(undo('pruning worktrees'));
    await deleteBranch(repoPath, branchName).catch(undo('deleting the branch'));
    if (!containerExisted) await removeContainerIfEmpty(container).catch(undo('removing the worktree container'));
    throw err;
  }
  const { ready, dependencies } = prepareInBackground({ repoPath, worktreePath, branchName, baseRef, depsCopy: opts.depsCopy, logger });
  return { worktreePath, branchName, baseRef, ready, dependencies };
}

interface Preparation {
  controller: AbortController;
  done: Promise<unknown>;
}

/** Background preparations in flight, by worktree path, so teardown and shutdown can stop them. */
const preparing = new Map<string, Preparation>();

function prepareInBackground(p: {
  repoPath: string;
  worktreePath: string;
  branchName: string;
  baseRef: string;
  depsCopy: DepsCopyMode;
  logger: Logger;
}): { ready: Promise<void>; dependencies: Promise<DepsCopyReport[]> } {
  const controller = new AbortController();
  const started = performance.now();
  const ready = (async () => {
    try {
      await populateWorktree(p.worktreePath, controller.signal);
      controller.signal.throwIfAborted();
      // Chat attachments land in the worktree's tmp/: never committed, never in the task's changes.
      await excludeTmpFromGit(p.repoPath).catch((err: unknown) =>
        p.logger.warn({ err }, 'could not add tmp/ to the repository’s info/exclude'),
      );
      const linked = await linkEnvFiles(p.repoPath, p.worktreePath);
      const created = await createIgnoredDirectories(p.repoPath, p.worktreePath, p.logger);
      const ms = Math.round(performance.now() - started);
      p.logger.info(
        { branchName: p.branchName, baseRef: p.baseRef, linkedEnvFiles: linked, ignoredDirectories: created.length, ms },
        'worktree ready',
      );
    } catch (err) {
      if (controller.signal.aborted || err instanceof AppError) throw err;
      throw failed(`could not check out the worktree ${p.worktreePath}: ${(err as Error).message}`);
    }
  })();
  const dependencies = ready.then(
    () =>
      controller.signal.aborted
        ? []
        : startDependencyCopy({ repoPath: p.repoPath, worktreePath: p.worktreePath, mode: p.depsCopy, logger: p.logger }),
    () => [] as DepsCopyReport[],
  );
  const done = Promise.allSettled([ready, dependencies]).finally(() => {
    if (preparing.get(p.worktreePath)?.controller === controller) preparing.delete(p.worktreePath);
  });
  preparing.set(p.worktreePath, { controller, done });
  return { ready, dependencies };
}

/** Stops the background preparation of a worktree, if any, and waits until it has stopped. */
async function cancelPreparation(worktreePath: string): Promise<void> {
  const entry = preparing.get(worktreePath);
  if (!entry) return;
  entry.controller.abort(new Error('the worktree is being removed'));
  // A copy already started runs under its own controller: stop it too.
  await cancelDependencyCopy(worktreePath);
  await entry.done;
}

/**
 * Re-runs the background preparation of a worktree whose checkout was
 * interrupted (server restart). Checkout and conveniences are idempotent.
 */
export function resumeWorktreePreparation(p: {
  repoPath: string;
  worktreePath: string;
  branchName: string;
  depsCopy: DepsCopyMode;
  logger: Logger;
}): {
  ready: Promise<void>;
  dependencies: Promise<DepsCopyReport[]>;
} {
  return prepareInBackground({ ...p, repoPath: resolve(p.repoPath), worktreePath: resolve(p.worktreePath), baseRef: 'HEAD' });
}

/** Shutdown: stops every checkout and dependency copy so no git or cp outlives the server. */
export async function cancelAllWorktreeWork(): Promise<number> {
  const keys = [...preparing.keys()];
  await Promise.all(keys.map((k) => cancelPreparation(k)));
  return keys.length + (await cancelAllDependencyCopies());
}

export interface RemoveTaskWorktreeOptions {
  repoPath: string;
  worktreePath: string;
  branchName: string;
}

/**
 * Tears a task's workspace down: cancels a running dependency copy, force-removes
 * the worktree (and its `-worktrees` container if now empty) and deletes the
 * branch. Each piece may already be gone.
 */
export async function removeTaskWorktree(opts: RemoveTaskWorktreeOptions): Promise<void> {
  const worktreePath = resolve(opts.worktreePath);
  const repoPath = resolve(opts.repoPath);
  // Only ever delete what createTaskWorktree names, whatever the caller passed in.
  if (!TASK_DIR.test(basename(worktreePath)) || worktreePath === repoPath || repoPath.startsWith(`${worktreePath}${sep}`)) {
    throw failed(`refusing to remove ${worktreePath}: it is not a task worktree directory`);
  }
  await cancelPreparation(worktreePath);
  await cancelDependencyCopy(worktreePath);
  // A repository that is gone (or no longer a checkout) leaves only our directory to delete.
  const repoThere = await isGitCheckoutRoot(repoPath);
  try {
    if (repoThere) await removeWorktree(repoPath, worktreePath);
    await rm(worktreePath, { recursive: true, force: true });
    await removePartialCopies(worktreePath);
    if (repoThere) {
      await pruneWorktrees(repoPath);
      await deleteBranch(repoPath, opts.branchName);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw failed(`could not remove the worktree ${worktreePath}: ${(err as Error).message}`);
  }
  await removeContainerIfEmpty(dirname(worktreePath));
}
