// Agent signals (docs/behaviour/agents.md#signals): the only way an agent changes the workflow. Each
// flips one task flag (through the signal transition), is accepted only with
// the run-scoped token of the task's live run, and only from the roles
// allowed to send it.
import { SignalBody, SignalName, type AgentType } from '@bottega/protocol';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { syncPullRequestStage } from './pr-stage';
import { hashRunToken } from './signal-command';
import { recordSignalTransition } from './transitions/tasks';

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
  const task = await recordSignalTransition(
    deps,
    run,
    body.signal === 'workflow-blocked' ? { signal: body.signal, reason: body.reason ?? null } : { signal: body.signal },
  );
  // The verdict may change the loop's next step: the run prepared ahead follows it.
  deps.background.track(`prepare the run after run ${run.id}`, deps.warm.consider(run));
  if (body.signal === 'pr-complete') {
    const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
    await syncPullRequestStage(deps, project, task);
  }
  return `${body.signal} recorded for task ${run.task_id}`;
}
