// What every transition tells subscribers once its rows are committed: the
// run and the task as the routes present them.
import type { AgentRunRow, TaskRow } from '../../db/schema';
import type { Deps } from '../../deps';
import { presentRunWithUsage, presentTask } from '../presenters';

export type TransitionDeps = Pick<Deps, 'db' | 'bus' | 'now'>;

export async function publishRun(deps: Pick<Deps, 'db' | 'bus'>, run: AgentRunRow, projectId: number): Promise<void> {
  deps.bus.publish({ type: 'agent-run.updated', projectId, taskId: run.task_id, run: await presentRunWithUsage(deps.db, run) });
}

export function publishTask(deps: Pick<Deps, 'bus'>, task: TaskRow): void {
  deps.bus.publish({ type: 'task.updated', projectId: task.project_id, taskId: task.id, task: presentTask(task) });
}

export function publishBlocked(deps: Pick<Deps, 'bus'>, task: TaskRow): void {
  deps.bus.publish({ type: 'task.blocked', projectId: task.project_id, taskId: task.id, reason: task.block_reason });
}
