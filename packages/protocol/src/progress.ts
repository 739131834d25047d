// Where a task stands in its pipeline and what comes next (docs/behaviour/web-app.md#pipeline): one
// pure function of the task's flags, the statuses of its runs and which of its
// conversations wait on a question — never of anything an agent wrote. The server decides what is allowed; this decides
// what the task page shows: the pipeline strip, its live stage, and the one
// primary action (or the banner of an end state). Shared by the server and
// the web app so that no screen re-derives what the flags mean.
import type { RunQueueDto } from './capacity';
import { isWaitingRunStatus, type AgentType, type PrCiState, type RunStatus } from './domain';
import type { TaskDto } from './presenters';

export type PipelineStage = 'plan' | 'approve' | 'implement' | 'review' | 'refine' | 'pr' | 'ci' | 'merge' | 'yolo';

/** The stages a task goes through, in order: the workflow, or YOLO's single agent. */
export const WORKFLOW_STAGES: readonly PipelineStage[] = ['plan', 'approve', 'implement', 'review', 'refine', 'pr', 'ci', 'merge'];
export const YOLO_STAGES: readonly PipelineStage[] = ['yolo', 'pr', 'ci', 'merge'];

/**
 * done: passed. current: where the task waits for a human. running: an agent
 * works on it now. attention: blocked, failed or interrupted there. skipped:
 * passed without running (refinement off). todo: not reached yet.
 */
export type StageState = 'done' | 'current' | 'running' | 'attention' | 'skipped' | 'todo';

/** What comes next: the primary action, or the end state the task page explains. */
export type NextAction =
  /** An agent runs; nothing to do but watch (or stop it from its conversation). */
  | { kind: 'running'; agentType: AgentType }
  /**
   * A run waits for a run slot (`queued`) or for its provider's usage limit to reset
   * (`waiting_for_quota`): it starts or goes on by itself; the user may cancel it.
   */
  | { kind: 'waiting'; runId: number; agentType: AgentType; status: 'queued' | 'waiting_for_quota'; queue: RunQueueDto | null }
  /**
   * An agent asked a question and waits for the user's answer in `conversationId`;
   * `agentType` is its run's role, null for a manual chat of the task.
   */
  | { kind: 'question'; conversationId: number; agentType: AgentType | null }
  /** Start an agent: the first plan, the YOLO agent, or the loop's next agent after a pause. */
  | { kind: 'start'; agentType: AgentType; again: boolean }
  /** The plan is written: approve it (implementation starts) or revise it with a note. */
  | { kind: 'approve-plan' }
  /** The loop stopped itself; a manual run of `agentType` lifts the block. */
  | { kind: 'unblock'; agentType: AgentType; reason: string | null }
  /** The server stopped mid-run: resume it in its own session. */
  | { kind: 'resume'; runId: number; agentType: AgentType; reason: string | null }
  /** The run failed: start its role again. */
  | { kind: 'retry'; agentType: AgentType; reason: string | null }
  /** The PR agent ended without reporting its pull request complete, for `reason`. */
  | { kind: 'pr-stopped'; reason: string; prUrl: string | null }
  /** The pull request is open: its link and CI; merge once CI is green. */
  | { kind: 'pr-open'; prUrl: string | null; ci: PrCiState | null; ready: boolean }
  /** The pull request was closed on GitHub without merging. */
  | { kind: 'pr-closed'; prUrl: string | null }
  /** Merged and cleaned up. */
  | { kind: 'merged'; prUrl: string | null }
  /** Completed by hand, without a merged pull request. */
  | { kind: 'completed' };

export interface TaskProgress {
  stages: readonly { stage: PipelineStage; state: StageState }[];
  /** The stage the task is at (highlighted in the strip). */
  stage: PipelineStage;
  next: NextAction;
}

/**
 * The loop's iteration against the instance's cap — "Iteration 3 of 25" — or
 * null before any agent ran. The count is the task's agent runs, the figure the
 * loop compares with the cap (loop.md#iteration-cap); the board's cards and the
 * task page's strip both say it this way.
 */
export function iterationLabel(task: Pick<TaskDto, 'workflowRunCount'>, maxIterations: number | null): string | null {
  if (task.workflowRunCount === 0) return null;
  return maxIterations ? `Iteration ${task.workflowRunCount} of ${maxIterations}` : `Iteration ${task.workflowRunCount}`;
}

export type ProgressTask = Pick<
  TaskDto,
  | 'status'
  | 'yoloMode'
  | 'planificationComplete'
  | 'workflowComplete'
  | 'workflowBlocked'
  | 'blockReason'
  | 'refinementComplete'
  | 'prAgentComplete'
  | 'prUrl'
  | 'prClosed'
  | 'prCiState'
  | 'prStopReason'
>;

export interface ProgressRun {
  id: number;
  agentType: AgentType;
  status: RunStatus;
  failureReason?: string | null;
  /** The run's conversation, to tell which run a waiting question belongs to. */
  conversationId?: number | null;
  /** Where a queued or waiting run stands. */
  queue?: RunQueueDto | null;
}

const STAGE_OF_ROLE: Record<AgentType, PipelineStage> = {
  planification: 'plan',
  implementation: 'implement',
  review: 'review',
  refinement: 'refine',
  pr: 'pr',
  yolo: 'yolo',
};

const LOOP_ROLES: readonly AgentType[] = ['implementation', 'review', 'refinement', 'pr'];

function newest(runs: readonly ProgressRun[], pick: (r: ProgressRun) => boolean = () => true): ProgressRun | undefined {
  let best: ProgressRun | undefined;
  for (const r of runs) if (pick(r) && (!best || r.id > best.id)) best = r;
  return best;
}

type Located = { stage: PipelineStage; next: NextAction; live: boolean };

/**
 * A question waiting for the user comes before anything else the task shows:
 * the agent cannot go on without the answer. The live run's question first,
 * else the oldest conversation's (the inbox links the same one).
 */
function withQuestion(task: ProgressTask, runs: readonly ProgressRun[], waiting: readonly number[], base: Located): Located {
  if (waiting.length === 0 || task.status === 'completed') return base;
  const live = newest(runs, (r) => (r.status === 'running' || r.status === 'pending') && waiting.includes(r.conversationId ?? -1));
  const conversationId = live?.conversationId ?? Math.min(...waiting);
  const owner = live ?? newest(runs, (r) => r.conversationId === conversationId);
  const next: NextAction = { kind: 'question', conversationId, agentType: owner?.agentType ?? null };
  if (!owner) return { ...base, next };
  const stage = owner.agentType === 'pr' ? (task.prUrl ? 'ci' : 'pr') : STAGE_OF_ROLE[owner.agentType];
  return { stage, next, live: false };
}

/** The stage the task is at and what comes next, before the strip is drawn. */
function locate(task: ProgressTask, runs: readonly ProgressRun[]): Located {
  const prStage = (): PipelineStage => (task.prUrl ? 'ci' : 'pr');
  if (task.status === 'completed') {
    if (task.prClosed) return { stage: 'merge', next: { kind: 'pr-closed', prUrl: task.prUrl }, live: false };
    return { stage: 'merge', next: task.prUrl ? { kind: 'merged', prUrl: task.prUrl } : { kind: 'completed' }, live: false };
  }
  const waiting = newest(runs, (r) => isWaitingRunStatus(r.status));
  const live = newest(runs, (r) => r.status === 'running' || r.status === 'pending');
  // A run that waits holds its task like a running one, but nothing runs: the stage waits (no "running" state).
  if (waiting && (!live || waiting.id > live.id)) {
    const stage = waiting.agentType === 'pr' ? prStage() : STAGE_OF_ROLE[waiting.agentType];
    const status = waiting.status === 'waiting_for_quota' ? 'waiting_for_quota' : 'queued';
    return {
      stage,
      next: { kind: 'waiting', runId: waiting.id, agentType: waiting.agentType, status, queue: waiting.queue ?? null },
      live: false,
    };
  }
  if (live) {
    const stage = live.agentType === 'pr' ? prStage() : STAGE_OF_ROLE[live.agentType];
    return { stage, next: { kind: 'running', agentType: live.agentType }, live: true };
  }
  const last = newest(runs);
  const lastLoop = newest(runs, (r) => LOOP_ROLES.includes(r.agentType));
  const loopStage = (): PipelineStage => (task.yoloMode ? 'yolo' : lastLoop?.agentType === 'review' ? 'review' : 'implement');
  if (task.workflowBlocked) {
    // Blocked by the PR agent (CI still red after the cap, a conflict it could not resolve): the
    // block sits at the pull-request stage and the PR agent takes it up again.
    if (!task.yoloMode && lastLoop?.agentType === 'pr')
      return { stage: prStage(), next: { kind: 'unblock', agentType: 'pr', reason: task.blockReason }, live: false };
    return {
      stage: loopStage(),
      next: { kind: 'unblock', agentType: task.yoloMode ? 'yolo' : 'implementation', reason: task.blockReason },
      live: false,
    };
  }
  if (last?.status === 'interrupted')
    return {
      stage: STAGE_OF_ROLE[last.agentType],
      next: { kind: 'resume', runId: last.id, agentType: last.agentType, reason: last.failureReason ?? null },
      live: false,
    };
  if (last?.status === 'failed')
    return {
      stage: STAGE_OF_ROLE[last.agentType],
      next: { kind: 'retry', agentType: last.agentType, reason: last.failureReason ?? null },
      live: false,
    };
  if (task.prClosed) return { stage: 'merge', next: { kind: 'pr-closed', prUrl: task.prUrl }, live: false };
  // In review: the PR agent reported its pull request complete, or a human moved the task there.
  if (task.prAgentComplete || task.status === 'in_review') {
    const ready = task.prCiState !== 'pending' && task.prCiState !== 'failure';
    return { stage: ready ? 'merge' : 'ci', next: { kind: 'pr-open', prUrl: task.prUrl, ci: task.prCiState, ready }, live: false };
  }
  if (task.prStopReason)
    return { stage: prStage(), next: { kind: 'pr-stopped', reason: task.prStopReason, prUrl: task.prUrl }, live: false };
  if (task.yoloMode) return { stage: 'yolo', next: { kind: 'start', agentType: 'yolo', again: last !== undefined }, live: false };
  const lastPlan = newest(runs, (r) => r.agentType === 'planification');
  if (!task.planificationComplete)
    return { stage: 'plan', next: { kind: 'start', agentType: 'planification', again: lastPlan !== undefined }, live: false };
  // A plan newer than any implementation (or none run yet) waits for the human's approval.
  if (!lastLoop || (lastPlan && lastPlan.id > lastLoop.id)) return { stage: 'approve', next: { kind: 'approve-plan' }, live: false };
  if (task.workflowComplete)
    return { stage: prStage(), next: { kind: 'start', agentType: 'pr', again: lastLoop.agentType === 'pr' }, live: false };
  // The loop paused (a chain that could not start): the agent the loop would run next.
  const nextRole: AgentType = lastLoop.agentType === 'implementation' ? 'review' : 'implementation';
  return { stage: STAGE_OF_ROLE[nextRole], next: { kind: 'start', agentType: nextRole, again: true }, live: false };
}

const ATTENTION: readonly NextAction['kind'][] = ['unblock', 'resume', 'retry', 'pr-stopped', 'pr-closed'];

/**
 * `questionsWaiting`: the task's conversations whose agent waits for an answer
 * to its question (ConversationDto.questionWaiting).
 */
export function taskProgress(task: ProgressTask, runs: readonly ProgressRun[], questionsWaiting: readonly number[] = []): TaskProgress {
  const { stage, next, live } = withQuestion(task, runs, questionsWaiting, locate(task, runs));
  const order = task.yoloMode ? YOLO_STAGES : WORKFLOW_STAGES;
  const at = order.indexOf(stage);
  const finished = next.kind === 'merged' || next.kind === 'completed';
  const refined = task.refinementComplete || runs.some((r) => r.agentType === 'refinement');
  const stages = order.map((s, i) => {
    let state: StageState;
    if (finished || i < at) state = s === 'refine' && !refined ? 'skipped' : 'done';
    else if (i > at) state = 'todo';
    else state = live && next.kind !== 'question' ? 'running' : ATTENTION.includes(next.kind) ? 'attention' : 'current';
    return { stage: s, state };
  });
  return { stages, stage, next };
}
