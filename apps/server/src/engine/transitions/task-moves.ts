// A human's status move (the board's drag and status select, `PATCH
// /api/tasks/:id`), checked against the allowed moves. The board is a free
// kanban between its four columns (docs/behaviour/domain.md: a human may also set a task
// completed by hand), except where a move would lie about the work:
//
//   • while an agent run is live, the loop owns the status (it flips
//     pending → in_progress at the start and → in_review on the PR signal),
//     so no move is accepted until the run ends or is stopped;
//   • a task completed by Merge & clean up (or a merged-PR webhook) has no
//     worktree any more: moving it back would send the next agent to work in
//     the repository's own checkout, so it stays completed.
//
// A refused move is a 409 naming both statuses and why; nothing is written.
import { taskColumnLabels, type AgentType, type TaskStatus } from '@bottega/protocol';
import type { TaskRow } from '../../db/schema';
import { AppError } from '../../errors';
import { iso } from '../../time';
import { columnFull, columnLoad, type ColumnLoad } from '../column-limits';
import { publishTask, type TransitionDeps } from './publish';
import { liveRunOf } from './runs';
import { inTransaction } from '../../db/transaction';

export interface MoveFacts {
  /** The role of the task's live run, or null when none is live. */
  liveRun: AgentType | null;
  /** The task's branch was merged and its worktree removed. */
  mergedAndCleanedUp: boolean;
  /** The column the task would go to: its tasks and its limit. */
  target: ColumnLoad;
}

/** Why the move is refused, or null when it is allowed. */
export function refusedMove(from: TaskStatus, to: TaskStatus, facts: MoveFacts): string | null {
  if (from === to) return null;
  if (facts.liveRun) return `the ${facts.liveRun} agent is running on this task and moves it itself; wait for it or stop it first`;
  if (from === 'completed' && facts.mergedAndCleanedUp)
    return 'its pull request was merged and its worktree removed; create a new task for further work';
  return columnFull(to, facts.target);
}

export function mergedAndCleanedUp(task: Pick<TaskRow, 'status' | 'branch_name' | 'worktree_path'>): boolean {
  return task.status === 'completed' && task.branch_name !== null && task.worktree_path === null;
}

/**
 * Moves the task to `to` (with a new title, when given) if the move is
 * allowed; checked and written in one transaction so a run starting
 * meanwhile cannot slip between the check and the write.
 */
export async function moveTaskTransition(deps: TransitionDeps, taskId: number, to: TaskStatus, title?: string): Promise<TaskRow> {
  const task = await inTransaction(deps.db, async (trx) => {
    const fresh = await trx.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    const live = await liveRunOf(trx, taskId);
    const target = await columnLoad(trx, fresh.project_id, to);
    const why = refusedMove(fresh.status, to, { liveRun: live?.agent_type ?? null, mergedAndCleanedUp: mergedAndCleanedUp(fresh), target });
    if (why)
      throw new AppError('CONFLICT', `cannot move the task from ${taskColumnLabels[fresh.status]} to ${taskColumnLabels[to]}: ${why}`);
    return trx
      .updateTable('tasks')
      .set({ status: to, ...(title === undefined ? {} : { title }), updated_at: iso(deps.now()) })
      .where('id', '=', taskId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  publishTask(deps, task);
  return task;
}
