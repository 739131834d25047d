// Background copy of a repository's installed dependencies (node_modules,
// .venv) into a new worktree: copy-on-write, else hard links, else a plain copy.
// Copies land under a temporary name and are renamed when complete; a per-process
// registry lets teardown cancel a copy (SIGKILL the cp) before removing the worktree.
import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DepsCopyMode } from '../config';
import { ifMissing } from '../fs-errors';
import type { Logger } from '../logger';
import { execFileChecked, isAbortError } from '../process/exec';

export type DepsCopyMethod = 'reflink' | 'hardlink' | 'copy';

export interface DepsCopyReport {
  dir: string;
  method: DepsCopyMethod | 'skipped';
  ms: number;
  ok: boolean;
  error?: string;
}

/** Directories at the repository root that are copied rather than recreated. */
export const DEPENDENCY_DIRS: readonly string[] = ['node_modules', '.venv'];

const PARTIAL_SUFFIX = '.bottega-partial';
const CP_TIMEOUT_MS = 30 * 60_000;
const CP_FLAGS: Record<DepsCopyMethod, string[]> = {
  reflink: ['-a', '--reflink=always'],
  hardlink: ['-a', '-l'],
  copy: ['-a'],
};

/**
 * Where `dir` is assembled before it is renamed into the worktree: beside the
 * worktree (same filesystem, so the rename is atomic) rather than inside it, so
 * neither agents nor `git add -A` ever see a half-copied tree.
 */
export function partialPathFor(worktreePath: string, dir: string): string {
  return join(dirname(resolve(worktreePath)), `.${basename(worktreePath)}.${dir}${PARTIAL_SUFFIX}`);
}

/** Removes any partial copies left for this worktree (e.g. by a crash mid-copy). */
export async function removePartialCopies(worktreePath: string): Promise<void> {
  const parent = dirname(resolve(worktreePath));
  const prefix = `.${basename(worktreePath)}.`;
  const names = await readdir(parent).catch(ifMissing([] as string[]));
  const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith(PARTIAL_SUFFIX));
  await Promise.all(stale.map((n) => rm(join(parent, n), { recursive: true, force: true })));
}

function methodsFor(mode: DepsCopyMode): DepsCopyMethod[] {
  switch (mode) {
    case 'auto':
      return ['reflink', 'hardlink', 'copy'];
    case 'off':
      return [];
    default:
      return [mode];
  }
}

const elapsed = (since: number) => Math.round(performance.now() - since);

async function copyOne(src: string, worktreePath: string, dir: string, mode: DepsCopyMode, signal: AbortSignal): Promise<DepsCopyReport> {
  const started = performance.now();
  const methods = methodsFor(mode);
  const dest = join(worktreePath, dir);
  if (methods.length === 0) return { dir, method: 'skipped', ms: 0, ok: true };
  // Checked out from the branch (or otherwise already there): never overwrite it.
  if (await lstat(dest).catch(ifMissing(null))) return { dir, method: 'skipped', ms: 0, ok: true };
  const partial = partialPathFor(worktreePath, dir);
  const failures: string[] = [];
  let tried: DepsCopyMethod = methods[0] ?? 'copy';
  for (const method of methods) {
    tried = method;
    try {
      await rm(partial, { recursive: true, force: true });
      await execFileChecked('cp', [...CP_FLAGS[method], '--', src, partial], {
        signal,
        timeoutMs: CP_TIMEOUT_MS,
        maxOutputBytes: 64 * 1024,
      });
      signal.throwIfAborted();
      await rename(partial, dest);
      return { dir, method, ms: elapsed(started), ok: true };
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      if (signal.aborted || isAbortError(err)) return { dir, method, ms: elapsed(started), ok: false, error: 'cancelled' };
      failures.push(`${method}: ${(err as Error).message}`);
    }
  }
  return { dir, method: tried, ms: elapsed(started), ok: false, error: failures.join('; ') };
}

async function copyDependencies(
  repoPath: string,
  worktreePath: string,
  mode: DepsCopyMode,
  signal: AbortSignal,
  logger: Logger,
): Promise<DepsCopyReport[]> {
  const present: string[] = [];
  for (const dir of DEPENDENCY_DIRS) {
    const s = await lstat(join(repoPath, dir)).catch(ifMissing(null));
    if (s?.isDirectory()) present.push(dir);
  }
  const reports = await Promise.all(present.map((dir) => copyOne(join(repoPath, dir), worktreePath, dir, mode, signal)));
  for (const r of reports) {
    if (r.ok) logger.info({ report: r }, 'dependency directory copied');
    else logger.warn({ report: r }, 'dependency directory not copied');
  }
  return reports;
}

interface InFlight {
  controller: AbortController;
  done: Promise<DepsCopyReport[]>;
}

const inFlight = new Map<string, InFlight>();

/** Starts copying the repository's dependency directories into the worktree and returns at once. */
export function startDependencyCopy(opts: {
  repoPath: string;
  worktreePath: string;
  mode: DepsCopyMode;
  logger: Logger;
}): Promise<DepsCopyReport[]> {
  const key = resolve(opts.worktreePath);
  const controller = new AbortController();
  const done = copyDependencies(resolve(opts.repoPath), key, opts.mode, controller.signal, opts.logger).finally(() => {
    if (inFlight.get(key)?.controller === controller) inFlight.delete(key);
  });
  inFlight.set(key, { controller, done });
  return done;
}

/** Cancels the copy into `worktreePath` if one is running and waits until it has stopped and cleaned up. */
export async function cancelDependencyCopy(worktreePath: string): Promise<boolean> {
  const entry = inFlight.get(resolve(worktreePath));
  if (!entry) return false;
  entry.controller.abort(new Error('the worktree is being removed'));
  // Only its end matters here; how it ended is reported where the copy is tracked.
  await entry.done.catch(() => undefined);
  return true;
}

/** Cancels every running copy (server shutdown: no `cp` may outlive the process). */
export async function cancelAllDependencyCopies(): Promise<number> {
  const keys = [...inFlight.keys()];
  await Promise.all(keys.map((k) => cancelDependencyCopy(k)));
  return keys.length;
}
