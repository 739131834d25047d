// What a board card says about its task beyond the title, kept pure: the
// "needs you" reasons (a question waiting, blocked, a plan to approve, a pull
// request ready) and how the card's list-only facts survive events that carry a task without them.
import { needsYou as sharedNeedsYou, type NeedsYou } from '@bottega/protocol';
import type { AgentRunDto, TaskBoardFactsDto, TaskCounts, TaskDto, TaskStatus } from '@bottega/protocol';

export type { NeedsYou, NeedsYouReason } from '@bottega/protocol';

/** Why the card's task waits for a person: the shared rule (protocol `needsYou`) on the board's facts. */
export function needsYou(task: TaskDto, run: AgentRunDto | undefined): NeedsYou[] {
  return sharedNeedsYou(
    { ...task, questionWaiting: task.board?.questionWaiting ?? false, workStarted: task.board?.workStarted },
    run !== undefined,
  );
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
