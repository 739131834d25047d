// Chat attachments in the worktree's `tmp/` folder (SPEC §13): written with
// the same rules as the task's input files (sanitized names, size limit, never
// through a symlink), listed for the context prompt so the agent knows where
// they are. Attachments to `input_files/` go through the input-files route.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskRow } from '../../db/schema';
import { AppError } from '../../errors';
import { listInputFiles, writeInputFile, type InputFileInfo } from '../../workspace/input-files';

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

/** Stores uploads in the worktree's `tmp/`; CONFLICT while the worktree is not ready. */
export async function writeTmpFiles(task: TaskRow, files: readonly { name: string; data: Uint8Array }[]): Promise<InputFileInfo[]> {
  const dir = worktreeTmpDir(task.workspace_status === 'ready' ? task.worktree_path : null);
  if (dir === null) throw new AppError('CONFLICT', "the task's worktree is not ready; attach the file to the task's input files instead, or try again in a moment");
  const written: InputFileInfo[] = [];
  for (const f of files) written.push(await writeInputFile(dir, f.name, f.data));
  return written;
}
