// Task workflow transitions (docs/behaviour/domain.md, §4, §6, §8): the flags agents signal,
// blocks, the pull request opened, merged or closed. Each is one function that
// writes the task's row and publishes `task.updated` (and `task.blocked`) after
// the write. Nothing else in the server writes the task's status or its
// workflow flags; a human's status move is checked in task-moves.ts.
import type { PrCiState, PrMergeable } from '@bottega/protocol';
import type { AgentRunRow, NewTask, TaskRow } from '../../db/schema';
import { iso } from '../../time';
import { publishBlocked, publishTask, type TransitionDeps } from './publish';

/** A new task's row: pending, every workflow flag cleared. */
export function newTaskRow(
  fields: Pick<NewTask, 'project_id' | 'owner_id' | 'title' | 'yolo_mode' | 'created_at' | 'updated_at'>,
): NewTask {
  return {
    status: 'pending',
    planification_complete: 0,
    workflow_complete: 0,
    workflow_blocked: 0,
    workflow_run_count: 0,
    refinement_complete: 0,
    pr_agent_complete: 0,
    ...fields,
  };
}

export type TaskSignal =
  | { signal: 'plan-complete' }
  | { signal: 'workflow-complete' }
  | { signal: 'workflow-blocked'; reason: string | null }
  | { signal: 'pr-complete' };

/**
 * An agent's signal flips its flag: the plan is written, the work is READY,
 * the work is blocked (with the reviewer's reason), or the PR is opened and
 * green — which puts the task in review.
 */
export async function recordSignalTransition(deps: TransitionDeps, run: Pick<AgentRunRow, 'task_id'>, s: TaskSignal): Promise<TaskRow> {
  const now = iso(deps.now());
  const update = deps.db.updateTable('tasks').where('id', '=', run.task_id);
  let task: TaskRow;
  switch (s.signal) {
    case 'plan-complete':
      task = await update.set({ planification_complete: 1, updated_at: now }).returningAll().executeTakeFirstOrThrow();
      break;
    case 'workflow-complete':
      task = await update.set({ workflow_complete: 1, updated_at: now }).returningAll().executeTakeFirstOrThrow();
      break;
    case 'workflow-blocked':
      return blockTaskTransition(deps, run.task_id, s.reason);
    case 'pr-complete':
      task = await update
        .set({ pr_agent_complete: 1, pr_stop_reason: null, status: 'in_review', updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      break;
  }
  publishTask(deps, task);
  return task;
}

/**
 * Block: the loop stops on the task until a human starts a run (an agent's reason, the iteration
 * cap, or the pull-request stage: CI failing past its rounds, conflicts that could not be resolved).
 * `detail` is what stands behind the reason (a failing log excerpt, the conflicting files).
 */
export async function blockTaskTransition(
  deps: TransitionDeps,
  taskId: number,
  reason: string | null,
  detail: string | null = null,
): Promise<TaskRow> {
  const task = await deps.db
    .updateTable('tasks')
    .set({ workflow_blocked: 1, block_reason: reason, block_detail: detail, updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirstOrThrow();
  publishBlocked(deps, task);
  publishTask(deps, task);
  return task;
}

/** What the server last read of a task's pull request (docs/behaviour/loop.md#pr-stage). */
export interface PullRequestStageFacts {
  prUrl: string;
  ci: PrCiState;
  mergeable: PrMergeable;
  conflictFiles: readonly string[];
  ciRounds: number;
  threadsTotal: number;
  threadsOpen: number;
}

/**
 * The task's pull request was read again: its address, CI, mergeability, conflicting files and
 * the counts of its CI rounds and review threads go on the task, and any earlier "stopped
 * without a pull request" reason is void.
 */
export async function pullRequestStageTransition(
  deps: TransitionDeps,
  taskId: number,
  facts: PullRequestStageFacts,
): Promise<TaskRow | undefined> {
  const task = await deps.db
    .updateTable('tasks')
    .set({
      pr_url: facts.prUrl,
      pr_ci_state: facts.ci,
      pr_stop_reason: null,
      pr_mergeable: facts.mergeable,
      pr_conflict_files: facts.mergeable === 'CONFLICTING' ? JSON.stringify(facts.conflictFiles) : null,
      pr_ci_rounds: facts.ciRounds,
      pr_threads_total: facts.threadsTotal,
      pr_threads_open: facts.threadsOpen,
      updated_at: iso(deps.now()),
    })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirst();
  if (task) publishTask(deps, task);
  return task;
}

/** The pull request's CI changed on GitHub (a webhook said so, the state was read again). */
export async function pullRequestCiTransition(deps: TransitionDeps, taskId: number, ci: PrCiState): Promise<TaskRow | undefined> {
  const task = await deps.db
    .updateTable('tasks')
    .set({ pr_ci_state: ci, updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirst();
  if (task) publishTask(deps, task);
  return task;
}

/**
 * The PR agent's run completed without `pr-complete`: why it stopped (no
 * GitHub remote, no pull request opened, CI not green) goes on the task, so
 * the task page says what happened instead of offering a fresh Run.
 */
export async function prAgentStoppedTransition(deps: TransitionDeps, taskId: number, reason: string): Promise<TaskRow | undefined> {
  const task = await deps.db
    .updateTable('tasks')
    .set({ pr_stop_reason: reason, updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirst();
  if (task) publishTask(deps, task);
  return task;
}

/** Merged (here or on GitHub): the task is completed; its worktree is gone (removed by the caller before). */
export async function mergedTransition(deps: TransitionDeps, taskId: number, prUrl: string): Promise<TaskRow | undefined> {
  const task = await deps.db
    .updateTable('tasks')
    .set({ status: 'completed', pr_url: prUrl, pr_closed: 0, worktree_path: null, workspace_status: 'none', updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirst();
  if (task) publishTask(deps, task);
  return task;
}

/** Closed without merging, or reopened, on GitHub: flagged on the task. */
export async function pullRequestClosedTransition(
  deps: TransitionDeps,
  taskId: number,
  closed: boolean,
  prUrl: string,
): Promise<TaskRow | undefined> {
  const task = await deps.db
    .updateTable('tasks')
    .set({ pr_closed: closed ? 1 : 0, pr_url: prUrl, updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirst();
  if (task) publishTask(deps, task);
  return task;
}
