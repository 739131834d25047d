// The worktree's `tmp/` folder (docs/behaviour/chat.md): where chat attachments go, and
// what every turn's context prompt lists so the agent knows they are there. It
// is kept out of git (docs/behaviour/tasks.md#worktree): never committed, never
// in the task's Changes.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureExcluded } from '../forge/git';
import { listInputFiles } from './input-files';

/** The `info/exclude` line that keeps every worktree's top-level `tmp/` out of git. */
export const TMP_EXCLUDE_PATTERN = '/tmp/';

/**
 * Adds `/tmp/` to the repository's `info/exclude` unless it is there (idempotent).
 * The file is shared by the repository and all its worktrees, so one call covers
 * every task of the project. False when the file is not a regular file (left alone).
 */
export function excludeTmpFromGit(repoPath: string): Promise<boolean> {
  return ensureExcluded(repoPath, TMP_EXCLUDE_PATTERN, "Bottega: each task worktree's tmp/ holds chat attachments, never committed");
}

/** Most `tmp/` files named in the context prompt. */
export const MAX_LISTED_TMP_FILES = 50;

/** `<worktree>/tmp`, or null while the task has no worktree. */
export function worktreeTmpDir(worktreePath: string | null): string | null {
  return worktreePath ? join(worktreePath, 'tmp') : null;
}

/** Absolute paths of the regular files in the worktree's `tmp/`; [] when it is missing or not a real folder. */
export async function listTmpFiles(worktreePath: string | null): Promise<string[]> {
  const dir = worktreeTmpDir(worktreePath);
  if (dir === null) return [];
  // Missing, or anything the agent left there that cannot be inspected: no files to list.
  const s = await lstat(dir).catch(() => null);
  if (!s?.isDirectory()) return [];
  return (await listInputFiles(dir)).slice(0, MAX_LISTED_TMP_FILES).map((f) => join(dir, f.name));
}
