// The one entry point that starts an agent run (docs/behaviour/loop.md#run-entry-point), for manual starts,
// chained starts and webhooks alike: resolves the task and its working
// directory, the acting user's model for the role and their credentials,
// builds the prompt, then claims the task through the start transition (run
// row, run count, in_progress) and starts the turn with the completion
// handler wired to its end and the run's Stop/failure wired to its transitions.
import { agentRunTitle, type AgentType, type RunTrigger } from '@bottega/protocol';
import type { AgentRunRow, ProjectRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { buildRunPrompt } from './prompts';
import { resolveRoleModel } from './role-model';
import { newRunToken } from './signal-command';
import { failRunTransition, linkRunConversation, runEndHooks, startRunTransition } from './transitions/runs';
import { runTurnSetup } from './turn-setup';

export interface StartRunRequest {
  taskId: number;
  agentType: AgentType;
  trigger: RunTrigger;
  /** Whose settings and credentials the run uses (who pressed Run, or the chain's user). */
  actingUserId: number;
  /** For PR-feedback runs: the review comments to address. */
  feedback?: string;
  /** For planning runs ("Revise plan"): what the user wants changed in the plan. */
  note?: string;
  /** For webhook runs: the GitHub comment or review that asked for it. */
  triggerUrl?: string;
  /** Called when the run's turn has ended (the completion handler). */
  onComplete: (runId: number) => Promise<void>;
}

export async function loadScope(deps: Pick<Deps, 'db'>, taskId: number): Promise<{ task: TaskRow; project: ProjectRow }> {
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task) throw notFound('task');
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
  return { task, project };
}

function checkRole(task: TaskRow, agentType: AgentType): void {
  if (task.yolo_mode === 1 && agentType !== 'yolo') throw new AppError('VALIDATION_FAILED', 'a YOLO task runs only the yolo agent');
  if (task.yolo_mode === 0 && agentType === 'yolo')
    throw new AppError('VALIDATION_FAILED', 'the yolo agent runs only on tasks created in YOLO mode');
  if (task.status === 'completed') throw new AppError('CONFLICT', 'the task is completed');
}

export async function startRun(deps: Deps, req: StartRunRequest): Promise<AgentRunRow> {
  const { task, project } = await loadScope(deps, req.taskId);
  checkRole(task, req.agentType);
  const model = await resolveRoleModel(deps, req.actingUserId, req.agentType);
  const { token, hash } = newRunToken();
  // Credentials and everything else before anything is written: a missing connection is a 403 with nothing created.
  const turn = await runTurnSetup(deps, {
    project,
    task,
    agentType: req.agentType,
    actingUserId: req.actingUserId,
    provider: model.provider,
    token,
  });
  const prompt = await buildRunPrompt(deps, {
    project,
    task,
    agentType: req.agentType,
    technical: turn.technical,
    feedback: req.feedback ?? null,
    note: req.note ?? null,
  });
  const run = await startRunTransition(deps, {
    taskId: task.id,
    agentType: req.agentType,
    trigger: req.trigger,
    triggerUrl: req.triggerUrl ?? null,
    actingUserId: req.actingUserId,
    provider: model.provider,
    model: model.model,
    effort: model.effort,
    tokenHash: hash,
  });

  try {
    const conversation = await deps.harness.start({
      ...turn.setup,
      env: turn.env,
      linkedRun: runEndHooks(deps, run.id),
      kind: 'agent_run',
      provider: model.provider,
      model: model.model,
      effort: model.effort,
      title: agentRunTitle(req.agentType),
      prompt,
      onComplete: () => req.onComplete(run.id),
    });
    return await linkRunConversation(deps, run.id, conversation.id);
  } catch (err) {
    await failRunTransition(deps, run.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
}
