// What each agent button of the task screen shows: a pure function of the
// task's flags and the statuses of its runs — never of anything an agent
// wrote. The server decides what is allowed; this only decides what to show.
import type { AgentRunDto, AgentType, RunStatus, TaskDto } from '@bottega/protocol';
import { ROLE_LABELS } from '../../lib/roles';

export type AgentButtonState = 'idle' | 'queued' | 'waiting' | 'running' | 'completed' | 'failed';

export interface AgentRole {
  agentType: AgentType;
  label: string;
}

export { ROLE_LABELS };

const WORKFLOW_ROLES: readonly AgentType[] = ['planification', 'implementation', 'review', 'refinement', 'pr'];

/** The roles a task offers: only the YOLO agent on a YOLO task, every other role otherwise. */
export function rolesFor(task: Pick<TaskDto, 'yoloMode'>): AgentRole[] {
  const types: readonly AgentType[] = task.yoloMode ? ['yolo'] : WORKFLOW_ROLES;
  return types.map((agentType) => ({ agentType, label: ROLE_LABELS[agentType] }));
}

export type TaskFlags = Pick<
  TaskDto,
  'planificationComplete' | 'workflowComplete' | 'workflowBlocked' | 'refinementComplete' | 'prAgentComplete'
>;

/** The flag a role's signal sets, when it has one; implementation has none (review judges it). */
function flagDone(agentType: AgentType, task: TaskFlags): boolean | null {
  switch (agentType) {
    case 'planification':
      return task.planificationComplete;
    case 'review':
      return task.workflowComplete;
    case 'refinement':
      return task.refinementComplete;
    case 'pr':
    case 'yolo':
      return task.prAgentComplete;
    case 'implementation':
      return null;
  }
}

const FAILED: readonly RunStatus[] = ['failed', 'interrupted', 'blocked'];

/** The newest run of a role (runs may arrive in any order). */
export function latestRun(runs: readonly AgentRunDto[], agentType: AgentType): AgentRunDto | undefined {
  let best: AgentRunDto | undefined;
  for (const r of runs) if (r.agentType === agentType && (!best || r.id > best.id)) best = r;
  return best;
}

/**
 * queued: its newest run waits for a run slot. waiting: it waits for its provider's usage limit to
 * reset. running: its newest run is live. failed: its newest run failed, was
 * interrupted or blocked. completed: its flag is set (plan complete, READY,
 * refinement done, PR complete) — for implementation, which signals nothing,
 * its newest run completed and the loop is not blocked. idle otherwise (never run, or it ended without
 * reaching its goal, e.g. a review that asked for more work).
 */
export function agentState(task: TaskFlags, runs: readonly AgentRunDto[], agentType: AgentType): AgentButtonState {
  const last = latestRun(runs, agentType);
  if (last?.status === 'queued') return 'queued';
  if (last?.status === 'waiting_for_quota') return 'waiting';
  if (last && (last.status === 'running' || last.status === 'pending')) return 'running';
  if (last && FAILED.includes(last.status)) return 'failed';
  const flag = flagDone(agentType, task);
  // Implementation is not done while the loop is blocked: running it again is how the block is lifted.
  if (flag === null) return last?.status === 'completed' && !task.workflowBlocked ? 'completed' : 'idle';
  return flag ? 'completed' : 'idle';
}

export const STATE_LABELS: Record<AgentButtonState, string> = {
  idle: 'Run',
  queued: 'Queued',
  waiting: 'Waiting',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
};
