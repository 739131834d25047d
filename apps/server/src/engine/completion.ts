// The completion handler (docs/behaviour/loop.md#completion-handler): runs when a run's stream has ended. It
// takes no verdict from the agent — it reads the database: a run still
// `running` is completed and the next step is decided from the task's flags;
// a run already `failed` (stopped, fatal error) or `interrupted` ends there.
// Chaining starts as soon as this run's state is committed, after re-reading
// the task and re-checking that nothing else is live.
import type { AgentType } from '@bottega/protocol';
import type { Deps } from '../deps';
import { nextStep, type NextStep } from './next-step';
import { startRun } from './run-starter';
import { completeRunTransition } from './transitions/runs';
import { blockTaskTransition, prAgentStoppedTransition } from './transitions/tasks';
import { prStopReason } from './merge';
import { blockOnPullRequestStage, syncPullRequestStage } from './pr-stage';
import type { AgentRunRow, TaskRow } from '../db/schema';

export async function onRunComplete(deps: Deps, runId: number): Promise<void> {
  const done = await completeRunTransition(deps, runId);
  if (!done) return;
  await continueLoop(deps, done.run, done.task);
}

/**
 * What follows a completed run: its pull request's outcome, then the loop's next step. Also taken
 * up for a run whose node died between completing it and this (engine/node-takeover.ts).
 */
export async function continueLoop(deps: Deps, run: AgentRunRow, task: TaskRow): Promise<void> {
  if (run.agent_type === 'pr' || run.agent_type === 'yolo') await recordPullRequestOutcome(deps, task, run.id);
  const step = await decideNextStep(deps, run, task);
  if (step === null || run.started_by === null) return;
  switch (step.kind) {
    case 'stop':
      return;
    case 'block':
      await blockTaskTransition(deps, task.id, step.reason);
      return;
    case 'start':
      await chain(deps, run.task_id, run.started_by, step.agentType);
      return;
  }
}

/**
 * The loop's next step after `run` from the task's flags as they are now: what its completion
 * decides, or (while the run is under way) would decide if it ended now. Null when nothing follows
 * (the task is completed, or its acting user is gone).
 */
export async function decideNextStep(deps: Pick<Deps, 'db' | 'config'>, run: AgentRunRow, task: TaskRow): Promise<NextStep | null> {
  if (task.status === 'completed' || run.started_by === null) return null;
  const actor = await deps.db.selectFrom('users').select(['is_technical', 'is_active']).where('id', '=', run.started_by).executeTakeFirst();
  if (!actor || actor.is_active !== 1) return null;
  return nextStep({
    finished: run.agent_type,
    flags: {
      planificationComplete: task.planification_complete === 1,
      workflowComplete: task.workflow_complete === 1,
      workflowBlocked: task.workflow_blocked === 1,
      refinementComplete: task.refinement_complete === 1,
      prAgentComplete: task.pr_agent_complete === 1,
      workflowRunCount: task.workflow_run_count,
    },
    actorIsTechnical: actor.is_technical === 1,
    refinementEnabled: deps.config.refinementEnabled,
    maxIterations: deps.config.maxIterations,
  });
}

/**
 * A PR (or YOLO) run ended: the pull request's stage is read from GitHub and recorded. A run that
 * ended without `pr-complete` with CI still failing, or with conflicts left, blocks the task with
 * the reason and its detail (docs/behaviour/loop.md#pr-stage); otherwise its reason goes on the
 * task (docs/behaviour/loop.md#pr-outcome).
 */
async function recordPullRequestOutcome(deps: Deps, task: TaskRow, runId: number): Promise<void> {
  if (task.status === 'completed') return;
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirst();
  if (!project) return;
  const lookup = await syncPullRequestStage(deps, project, task, runId);
  // A blocked YOLO run already says why it stopped (the block banner).
  if (task.pr_agent_complete === 1 || task.workflow_blocked === 1) return;
  if (await blockOnPullRequestStage(deps, project, task, lookup)) return;
  await prAgentStoppedTransition(deps, task.id, prStopReason(lookup));
}

/** Chain: starts the next run unless the task changed meanwhile (blocked, completed, deleted, or busy). */
async function chain(deps: Deps, taskId: number, actingUserId: number, agentType: AgentType): Promise<void> {
  const task = await deps.db.selectFrom('tasks').select(['status', 'workflow_blocked']).where('id', '=', taskId).executeTakeFirst();
  if (!task || task.status === 'completed' || task.workflow_blocked === 1) return;
  try {
    await startRun(deps, { taskId, agentType, trigger: 'chain', actingUserId });
  } catch (err) {
    // A run that could not start (busy, credentials gone) is logged; the task waits for a human.
    deps.logger.warn({ err, taskId, agentType }, 'could not chain the next run');
  }
}
