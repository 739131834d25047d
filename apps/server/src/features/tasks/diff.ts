// The task branch's diff for the task screen. Only a ready worktree has one;
// a task without it (not a git project, still checking out, failed, merged)
// answers an empty diff rather than an error. The worktree's `tmp/` (chat
// attachments) is kept out of git, so it is never part of the diff.
import { stat } from 'node:fs/promises';
import type { TaskDiffDto } from '@bottega/protocol';
import type { ProjectRow, TaskRow } from '../../db/schema';
import { diffWorktreeAgainstBase, type BranchDiffOptions } from '../../forge/diff';
import { excludeTmpFromGit } from '../../workspace/tmp-files';

export const EMPTY_DIFF: TaskDiffDto = { base: '', head: null, files: [], patch: '', truncated: false };

export async function taskDiff(project: ProjectRow, task: TaskRow, limits?: BranchDiffOptions): Promise<TaskDiffDto> {
  const worktree = task.worktree_path;
  if (task.workspace_status !== 'ready' || !worktree) return EMPTY_DIFF;
  const present = await stat(worktree).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!present) return EMPTY_DIFF;
  // A worktree made before tmp/ was excluded gets the rule on its first diff.
  await excludeTmpFromGit(project.repo_path);
  return diffWorktreeAgainstBase(project.repo_path, worktree, limits);
}
