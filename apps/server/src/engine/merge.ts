// "Merge & clean up" (docs/behaviour/loop.md#merge-and-clean-up): a human action. Merges the task's pull
// request through gh, removes the worktree and its local branch, and completes
// the task. The task document stays in the archive.
import type { Deps } from '../deps';
import type { ProjectRow, TaskRow } from '../db/schema';
import { AppError } from '../errors';
import { findPullRequest, githubRepoOf, mergePullRequest, type PullRequestInfo } from '../forge/github';
import { removeTaskWorktree } from '../workspace/worktree';
import { assertNoLiveRun } from './transitions/runs';
import { mergedTransition } from './transitions/tasks';

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

/** What a read of the task's pull request found (engine/pr-stage.ts answers with more than this). */
export type PullRequestLookup =
  | { kind: 'found'; pr: PullRequestInfo }
  | { kind: 'no-branch' }
  | { kind: 'no-remote' }
  | { kind: 'no-pull-request'; slug: string }
  | { kind: 'unreadable'; message: string };

/** Why a PR agent run ended without `pr-complete`, in words for the task page. */
export function prStopReason(lookup: PullRequestLookup): string {
  switch (lookup.kind) {
    case 'no-remote':
      return 'The repository has no GitHub remote named origin, so no pull request could be opened. Add one (git remote add origin …) and run the PR agent again, or merge the branch yourself.';
    case 'no-branch':
      return 'The task has no branch, so there is nothing to open a pull request from.';
    case 'no-pull-request':
      return `The PR agent ended without opening a pull request in ${lookup.slug}. Read its conversation for why, then run it again.`;
    case 'unreadable':
      return `The PR agent ended without reporting its pull request complete, and GitHub could not be read (${lookup.message}).`;
    case 'found': {
      const ci =
        lookup.pr.ci === 'failure'
          ? 'CI is failing'
          : lookup.pr.ci === 'pending'
            ? 'CI is still running'
            : `it is ${lookup.pr.state.toLowerCase()}`;
      return `The PR agent ended before reporting pull request #${lookup.pr.number} complete; ${ci}. Run it again to carry on.`;
    }
  }
}
