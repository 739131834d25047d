// Task and agent-run JSON, as the engine publishes them in its events and the
// routes answer them. Flags become booleans; the dev-server port is derived
// (docs/behaviour/tasks.md); a run carries its usage summed from its turns.
import type { AgentRunDto, RunQueueDto, TaskDto, UsageTotalsDto } from '@bottega/protocol';
import type { AgentRunRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { devServerPort } from '../workspace/paths';
import { usageOfRuns, ZERO_USAGE } from './usage-totals';

export function presentTask(row: TaskRow): TaskDto {
  return {
    id: row.id,
    projectId: row.project_id,
    ownerId: row.owner_id,
    title: row.title,
    status: row.status,
    yoloMode: row.yolo_mode === 1,
    planificationComplete: row.planification_complete === 1,
    workflowComplete: row.workflow_complete === 1,
    workflowBlocked: row.workflow_blocked === 1,
    blockReason: row.block_reason,
    workflowRunCount: row.workflow_run_count,
    refinementComplete: row.refinement_complete === 1,
    prAgentComplete: row.pr_agent_complete === 1,
    prUrl: row.pr_url,
    prClosed: row.pr_closed === 1,
    prCiState: row.pr_ci_state,
    prStopReason: row.pr_stop_reason,
    prMergeable: row.pr_mergeable,
    prCiRounds: row.pr_ci_rounds,
    prThreadsTotal: row.pr_threads_total,
    prThreadsOpen: row.pr_threads_open,
    blockDetail: row.block_detail,
    branchName: row.branch_name,
    worktreePath: row.worktree_path,
    workspaceStatus: row.workspace_status,
    workspaceError: row.workspace_error,
    devServerPort: devServerPort(row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Runs with their usage summed from their turns (one query for all of them). */
/** A queued run's place in line (the scheduler's `placeOf`). */
type PlaceOf = (runId: number) => RunQueueDto | null;

/** Runs with their usage summed from their turns (one query for all of them) and a queued run's place. */
export async function presentRuns(db: Deps['db'], rows: readonly AgentRunRow[], placeOf?: PlaceOf): Promise<AgentRunDto[]> {
  const usage = await usageOfRuns(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentRun(r, usage.get(r.id) ?? { ...ZERO_USAGE }, r.status === 'queued' ? placeOf?.(r.id) : null));
}

export async function presentRunWithUsage(db: Deps['db'], row: AgentRunRow, placeOf?: PlaceOf): Promise<AgentRunDto> {
  const [dto] = await presentRuns(db, [row], placeOf);
  return dto ?? presentRun(row, { ...ZERO_USAGE });
}

/**
 * Where a waiting run stands as its row tells: a run waiting for its quota resumes at `resume_at`; a
 * queued run's place comes from the scheduler (`queue` passed in), else it is only known to be queued.
 */
export function queueOfRow(row: Pick<AgentRunRow, 'status' | 'resume_at'>, queue?: RunQueueDto | null): RunQueueDto | null {
  if (row.status === 'waiting_for_quota') return { position: null, reason: 'quota', resumeAt: row.resume_at };
  if (row.status !== 'queued') return null;
  return queue ?? { position: null, reason: 'global_limit', resumeAt: null };
}

export function presentRun(row: AgentRunRow, usage: UsageTotalsDto, queue?: RunQueueDto | null): AgentRunDto {
  return {
    id: row.id,
    taskId: row.task_id,
    agentType: row.agent_type,
    status: row.status,
    conversationId: row.conversation_id,
    provider: row.provider,
    model: row.model,
    effort: row.effort,
    trigger: row.trigger,
    triggerUrl: row.trigger_url,
    failureReason: row.failure_reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    createdAt: row.created_at,
    usage,
    queue: queueOfRow(row, queue),
  };
}
