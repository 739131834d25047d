// Task JSON. Flags become booleans; the dev-server port is derived (SPEC §3).
import type { TaskDto } from '@bottega/protocol';
import type { TaskRow } from '../../db/schema';
import { devServerPort } from '../../workspace/paths';

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
    branchName: row.branch_name,
    worktreePath: row.worktree_path,
    workspaceStatus: row.workspace_status,
    workspaceError: row.workspace_error,
    devServerPort: devServerPort(row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
