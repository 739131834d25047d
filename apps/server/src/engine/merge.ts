// "Merge & clean up" (docs/behaviour/loop.md#merge-and-clean-up): a human action. Merges the task's pull
// request through gh, removes the worktree and its local branch, and completes
// the task. The task document stays in the archive.
import type { Deps } from '../deps';
import type { ProjectRow, TaskRow } from '../db/schema';
import { AppError } from '../errors';
import { findPullRequest, githubRepoOf, mergePullRequest } from '../forge/github';
import { removeTaskWorktree } from '../workspace/worktree';
import { assertNoLiveRun } from './transitions/runs';
import { mergedTransition, pullRequestOpenedTransition } from './transitions/tasks';

export async function mergeAndCleanUp(deps: Deps, project: ProjectRow, task: TaskRow): Promise<TaskRow> {
  await assertNoLiveRun(deps, task.id);
  if (!task.branch_name) throw new AppError('CONFLICT', 'this task has no branch to merge');
  const repo = await githubRepoOf(deps, project.repo_path);
  if (!repo) throw new AppError('CONFLICT', 'the repository has no GitHub remote named origin');
  const pr = await findPullRequest(repo, task.branch_name);
  if (!pr) throw new AppError('CONFLICT', `there is no pull request for ${task.branch_name}`);
  if (pr.state === 'CLOSED') throw new AppError('CONFLICT', `pull request #${pr.number} is closed without merging`);
  if (pr.state === 'OPEN') {
    if (pr.mergeable === 'CONFLICTING') throw new AppError('CONFLICT', `pull request #${pr.number} has conflicts; resolve them first`);
    await mergePullRequest(repo, pr.number);
  }
  return completeMergedTask(deps, project, task, pr.url);
}

/**
 * The task's pull request is merged (here, or on GitHub as a webhook says):
 * the worktree and its local branch go, the task is completed.
 */
export async function completeMergedTask(deps: Deps, project: ProjectRow, task: TaskRow, prUrl: string): Promise<TaskRow> {
  if (task.worktree_path && task.branch_name) {
    await removeTaskWorktree({ repoPath: project.repo_path, worktreePath: task.worktree_path, branchName: task.branch_name });
  }
  const row = await mergedTransition(deps, task.id, prUrl);
  if (!row) throw new AppError('NOT_FOUND', 'task not found');
  return row;
}

/** Records the PR's URL on the task once the PR agent reports (best effort: gh may be unreachable). */
export async function recordPullRequestUrl(
  deps: Pick<Deps, 'db' | 'bus' | 'now' | 'logger'>,
  project: ProjectRow,
  task: TaskRow,
): Promise<void> {
  if (!task.branch_name) return;
  try {
    const repo = await githubRepoOf(deps, project.repo_path);
    const pr = repo ? await findPullRequest(repo, task.branch_name) : null;
    if (pr) await pullRequestOpenedTransition(deps, task.id, pr.url);
  } catch (err) {
    deps.logger.warn({ err, taskId: task.id }, 'could not look up the pull request');
  }
}
