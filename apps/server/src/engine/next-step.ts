// What happens after an agent run finishes (docs/behaviour/loop.md#next-step): a pure function of the
// finished role and the task's flags, never of anything the agent said. The
// completion handler performs the step; this file only decides it.
import type { AgentType } from '@bottega/protocol';

export interface TaskFlags {
  planificationComplete: boolean;
  workflowComplete: boolean;
  workflowBlocked: boolean;
  refinementComplete: boolean;
  prAgentComplete: boolean;
  workflowRunCount: number;
}

export interface StepInput {
  finished: AgentType;
  flags: TaskFlags;
  /** The acting user's profile: non-technical users skip the plan gate. */
  actorIsTechnical: boolean;
  refinementEnabled: boolean;
  maxIterations: number;
}

export type StopReason = 'plan-gate' | 'terminal' | 'blocked' | 'not-applicable';

export type NextStep =
  { kind: 'stop'; reason: StopReason } | { kind: 'block'; reason: 'max_iterations' } | { kind: 'start'; agentType: AgentType };

const start = (agentType: AgentType): NextStep => ({ kind: 'start', agentType });
const stop = (reason: StopReason): NextStep => ({ kind: 'stop', reason });

/** The finish pipeline once the reviewer said READY: refinement once (if enabled), then the PR. */
function finishPipeline(input: StepInput): NextStep {
  if (input.finished === 'refinement') return start('pr');
  if (input.refinementEnabled && !input.flags.refinementComplete) return start('refinement');
  return start('pr');
}

export function nextStep(input: StepInput): NextStep {
  const { finished, flags } = input;
  switch (finished) {
    case 'pr':
    case 'yolo':
      return stop('terminal');
    case 'planification':
      // The plan is a human gate, except for a non-technical user whose plan is written.
      return !input.actorIsTechnical && flags.planificationComplete && !flags.workflowBlocked ? start('implementation') : stop('plan-gate');
    case 'implementation':
    case 'review':
    case 'refinement':
      break;
  }
  if (flags.workflowBlocked) return stop('blocked');
  if (flags.workflowComplete) return finishPipeline(input);
  if (finished === 'refinement') return stop('not-applicable');
  if (flags.workflowRunCount >= input.maxIterations) return { kind: 'block', reason: 'max_iterations' };
  return finished === 'implementation' ? start('review') : start('implementation');
}
