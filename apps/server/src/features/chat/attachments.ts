// Chat attachments in the worktree's `tmp/` folder (docs/behaviour/chat.md#attachments): written with
// the same rules as the task's input files (sanitized names, size limit, never
// through a symlink); the context prompt lists them (workspace/tmp-files.ts).
// Attachments to `input_files/` go through the input-files route.
import type { TaskRow } from '../../db/schema';
import { AppError } from '../../errors';
import { writeInputFile, type InputFileInfo } from '../../workspace/input-files';
import { excludeTmpFromGit, worktreeTmpDir } from '../../workspace/tmp-files';

/** Stores uploads in the worktree's `tmp/` (kept out of git first); CONFLICT while the worktree is not ready. */
export async function writeTmpFiles(
  repoPath: string,
  task: TaskRow,
  files: readonly { name: string; data: Uint8Array }[],
): Promise<InputFileInfo[]> {
  const dir = worktreeTmpDir(task.workspace_status === 'ready' ? task.worktree_path : null);
  if (dir === null)
    throw new AppError(
      'CONFLICT',
      "the task's worktree is not ready; attach the file to the task's input files instead, or try again in a moment",
    );
  await excludeTmpFromGit(repoPath);
  const written: InputFileInfo[] = [];
  for (const f of files) written.push(await writeInputFile(dir, f.name, f.data));
  return written;
}
