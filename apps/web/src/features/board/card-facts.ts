// What a board card says about its task beyond the title, kept pure: the
// "needs you" reasons (a question waiting, blocked, a plan to approve, a pull
// request ready), the iteration count against the instance's cap, and how the
// card's list-only facts survive events that carry a task without them.
import type { AgentRunDto, TaskBoardFactsDto, TaskCounts, TaskDto, TaskStatus } from '@bottega/protocol';

export type NeedsYouReason = 'question' | 'blocked' | 'plan' | 'pr';

export interface NeedsYou {
  reason: NeedsYouReason;
  label: string;
  /** The longer sentence (tooltip / accessible description). */
  detail: string;
}

/**
 * Why the task waits for a person, most urgent first. A live run only ever
 * waits on a question; the other reasons are end states of the loop.
 */
export function needsYou(task: TaskDto, run: AgentRunDto | undefined): NeedsYou[] {
  const out: NeedsYou[] = [];
  if (task.board?.questionWaiting)
    out.push({ reason: 'question', label: 'Question waiting', detail: 'An agent asked a question and waits for your answer.' });
  if (run) return out;
  if (task.workflowBlocked)
    out.push({
      reason: 'blocked',
      label: 'Blocked',
      detail: task.blockReason ?? 'Blocked (no reason given); resume it from the task page.',
    });
  if (
    task.status !== 'completed' &&
    !task.yoloMode &&
    task.planificationComplete &&
    task.board !== undefined &&
    !task.board.workStarted &&
    !task.workflowBlocked
  )
    out.push({ reason: 'plan', label: 'Plan to approve', detail: 'The plan is ready: read it, then start implementation to approve it.' });
  if (task.status !== 'completed' && task.prUrl !== null && !task.prClosed && task.prAgentComplete)
    out.push({ reason: 'pr', label: 'PR ready', detail: 'The pull request is ready for your review and merge.' });
  return out;
}

/** "Iteration 3 of 25", or null before any agent ran. */
export function iterationLabel(task: Pick<TaskDto, 'workflowRunCount'>, maxIterations: number | null): string | null {
  if (task.workflowRunCount === 0) return null;
  return maxIterations ? `Iteration ${task.workflowRunCount} of ${maxIterations}` : `Iteration ${task.workflowRunCount}`;
}

/** The incoming task, keeping the card facts of the board's copy when the event carries none. */
export function withBoardFacts(incoming: TaskDto, cached: TaskDto | undefined): TaskDto {
  if (incoming.board !== undefined || cached?.board === undefined) return incoming;
  return { ...incoming, board: cached.board };
}

/** The task with its card facts changed (a task loaded without them stays as it is). */
export function patchFacts(task: TaskDto, patch: Partial<TaskBoardFactsDto>): TaskDto {
  return task.board ? { ...task, board: { ...task.board, ...patch } } : task;
}

/** Per-status counts after a task left `from` (null: it is new) for `to` (null: it was deleted). */
export function shiftCounts(counts: TaskCounts, from: TaskStatus | null, to: TaskStatus | null): TaskCounts {
  if (from === to) return counts;
  const next = { ...counts };
  if (from) next[from] = Math.max(0, next[from] - 1);
  if (to) next[to] += 1;
  return next;
}
