// Why a task waits for a person — the one rule behind the board cards'
// "needs you" markers and the inbox (GET /api/inbox), kept pure.
import type { CapacityRunDto } from './capacity';
import type { TaskDto } from './presenters';

export type NeedsYouReason = 'question' | 'blocked' | 'plan' | 'pr';

export interface NeedsYou {
  reason: NeedsYouReason;
  label: string;
  /** The longer sentence (tooltip / accessible description / inbox row). */
  detail: string;
}

/** The task's columns the rule reads, plus two facts the lists compute in SQL. */
export type NeedsYouTask = Pick<
  TaskDto,
  'status' | 'yoloMode' | 'planificationComplete' | 'workflowBlocked' | 'blockReason' | 'prUrl' | 'prClosed' | 'prAgentComplete'
> & {
  /** An agent or chat of the task waits for an answer to its question. */
  questionWaiting: boolean;
  /** An agent other than the planner has run: the plan gate was passed. Undefined: not known (no marker for the plan). */
  workStarted: boolean | undefined;
};

/**
 * Why the task waits for a person, most urgent first. A live run only ever
 * waits on a question; the other reasons are end states of the loop.
 */
export function needsYou(task: NeedsYouTask, liveRun: boolean): NeedsYou[] {
  const out: NeedsYou[] = [];
  if (task.questionWaiting)
    out.push({ reason: 'question', label: 'Question waiting', detail: 'An agent asked a question and waits for your answer.' });
  if (liveRun) return out;
  if (task.workflowBlocked)
    out.push({
      reason: 'blocked',
      label: 'Blocked',
      detail: task.blockReason ?? 'Blocked (no reason given); resume it from the task page.',
    });
  if (task.status !== 'completed' && !task.yoloMode && task.planificationComplete && task.workStarted === false && !task.workflowBlocked)
    out.push({ reason: 'plan', label: 'Plan to approve', detail: 'The plan is ready: read it, then start implementation to approve it.' });
  if (task.status !== 'completed' && task.prUrl !== null && !task.prClosed && task.prAgentComplete)
    out.push({ reason: 'pr', label: 'PR ready', detail: 'The pull request is ready for your review and merge.' });
  return out;
}

/** One thing that waits for the user (GET /api/inbox): a task and why it needs them. */
export interface InboxItemDto {
  projectId: number;
  projectName: string;
  taskId: number;
  taskTitle: string;
  reason: NeedsYouReason;
  label: string;
  detail: string;
  /** When it started waiting: the question's conversation last changed, else the task's last change. */
  since: string;
  /** The conversation whose question waits (reason `question`); null otherwise. */
  conversationId: number | null;
}

export interface InboxResponse {
  /** Most urgent reason first (question, blocked, plan, pr), then the oldest first. */
  items: InboxItemDto[];
  /**
   * The signed-in user's own runs that wait to start or to go on (queued, waiting for their
   * quota), next to start first (docs/behaviour/capacity.md).
   */
  waiting: CapacityRunDto[];
}
