// Agent signals (SPEC §4): the only way an agent changes the workflow. Each
// flips one task flag, is accepted only with the run-scoped token of the
// task's live run, and only from the roles allowed to send it.
import { SignalBody, SignalName, type AgentType } from '@bottega/protocol';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { iso } from '../time';
import { recordPullRequestUrl } from './merge';
import { broadcastTask } from './run-starter';
import { hashRunToken } from './signal-command';

// The signal body is part of the API contract (packages/protocol).
export { SignalBody, SignalName };

const ALLOWED: Record<SignalName, readonly AgentType[]> = {
  'plan-complete': ['planification'],
  'workflow-complete': ['review', 'yolo'],
  'workflow-blocked': ['review', 'yolo'],
  'pr-complete': ['pr', 'yolo'],
};

export async function applySignal(deps: Deps, token: string, body: z.infer<typeof SignalBody>): Promise<string> {
  const run = await deps.db.selectFrom('agent_runs').selectAll().where('signal_token_hash', '=', hashRunToken(token)).executeTakeFirst();
  if (!run || run.status !== 'running') throw new AppError('UNAUTHENTICATED', 'this signal token does not belong to a running agent run');
  if (!ALLOWED[body.signal].includes(run.agent_type)) {
    throw new AppError('FORBIDDEN', `a ${run.agent_type} run may not send ${body.signal} (allowed: ${ALLOWED[body.signal].join(', ')})`);
  }
  const now = iso(deps.now());
  const update = deps.db.updateTable('tasks').where('id', '=', run.task_id);
  switch (body.signal) {
    case 'plan-complete':
      await update.set({ planification_complete: 1, updated_at: now }).execute();
      break;
    case 'workflow-complete':
      await update.set({ workflow_complete: 1, updated_at: now }).execute();
      break;
    case 'workflow-blocked':
      await update.set({ workflow_blocked: 1, block_reason: body.reason ?? null, updated_at: now }).execute();
      break;
    case 'pr-complete': {
      await update.set({ pr_agent_complete: 1, status: 'in_review', updated_at: now }).execute();
      const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', run.task_id).executeTakeFirstOrThrow();
      const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
      await recordPullRequestUrl(deps, project, task);
      break;
    }
  }
  const task = await broadcastTask(deps, run.task_id);
  if (task && body.signal === 'workflow-blocked') deps.bus.publish({ type: 'task.blocked', projectId: task.project_id, taskId: task.id, reason: task.block_reason });
  return `${body.signal} recorded for task ${run.task_id}`;
}
