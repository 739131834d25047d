// The one entry point that starts an agent run (SPEC §4), for manual starts,
// chained starts and webhooks alike: resolves the task and its working
// directory, the acting user's model for the role and their credentials,
// builds the prompt, counts the run, creates the run row and its conversation,
// flips the task to in_progress, and starts the turn with the completion
// handler wired to its end.
import type { AgentType, RunTrigger } from '@bottega/protocol';
import type { AgentRunRow, ProjectRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import type { DisallowableTool } from '../harness/contract';
import { iso } from '../time';
import { resolveRoleModel } from '../features/agent-settings/store';
import { taskTurnSetup } from '../features/chat/commands';
import { presentRunWithUsage } from '../features/runs/presenters';
import { presentTask } from '../features/tasks/presenters';
import { buildRunPrompt } from './prompts';
import { newRunToken, signalEnvironment } from './signal-command';

export interface StartRunRequest {
  taskId: number;
  agentType: AgentType;
  trigger: RunTrigger;
  /** Whose settings and credentials the run uses (who pressed Run, or the chain's user). */
  actingUserId: number;
  /** For PR-feedback runs: the review comments to address. */
  feedback?: string;
  /** For webhook runs: the GitHub comment or review that asked for it. */
  triggerUrl?: string;
  /** Called when the run's turn has ended (the completion handler). */
  onComplete: (runId: number) => Promise<void>;
}

/** Roles that may not delegate to sub-agents, and roles that may not stop to ask. */
const NO_SUBAGENTS: readonly AgentType[] = ['implementation', 'yolo'];
const MAY_ASK: readonly AgentType[] = ['planification'];

/** Roles that talk to GitHub: they get the server's GitHub settings (gh token, host, proxy). */
const USES_GITHUB: readonly AgentType[] = ['pr', 'yolo'];
const GITHUB_VARS = ['GH_TOKEN', 'GITHUB_TOKEN', 'GH_HOST', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/**
 * What a run adds to the agent's environment: commits made in the user's
 * name (their git identity from the profile), and — for the roles that open
 * pull requests — the server's GitHub credentials, with git using gh for them.
 */
export function runEnvironment(agentType: AgentType, user: { username: string; git_name: string | null; git_email: string | null }): Record<string, string> {
  const name = user.git_name ?? user.username;
  const email = user.git_email ?? `${user.username}@users.noreply.bottega.local`;
  const env: Record<string, string> = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email };
  if (!USES_GITHUB.includes(agentType)) return env;
  for (const key of GITHUB_VARS) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  if (env.http_proxy || env.https_proxy || env.HTTP_PROXY || env.HTTPS_PROXY) {
    // A proxy for GitHub must not capture the agent's own model endpoint on this machine
    // (by address: a `localhost` entry would also match hosts like github.localhost).
    const bypass = [env.no_proxy ?? env.NO_PROXY, '127.0.0.1', '::1'].filter(Boolean).join(',');
    env.no_proxy = bypass;
    env.NO_PROXY = bypass;
  }
  return { ...env, GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: '!gh auth git-credential' };
}

export function disallowedFor(agentType: AgentType): DisallowableTool[] {
  const tools: DisallowableTool[] = [];
  if (NO_SUBAGENTS.includes(agentType)) tools.push('subagents');
  if (!MAY_ASK.includes(agentType)) tools.push('ask-user');
  return tools;
}

async function loadScope(deps: Pick<Deps, 'db'>, taskId: number): Promise<{ task: TaskRow; project: ProjectRow }> {
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task) throw notFound('task');
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
  return { task, project };
}

function checkRole(task: TaskRow, agentType: AgentType): void {
  if (task.yolo_mode === 1 && agentType !== 'yolo') throw new AppError('VALIDATION_FAILED', 'a YOLO task runs only the yolo agent');
  if (task.yolo_mode === 0 && agentType === 'yolo') throw new AppError('VALIDATION_FAILED', 'the yolo agent runs only on tasks created in YOLO mode');
  if (task.status === 'completed') throw new AppError('CONFLICT', 'the task is completed');
}

export async function startRun(deps: Deps, req: StartRunRequest): Promise<AgentRunRow> {
  const { task, project } = await loadScope(deps, req.taskId);
  checkRole(task, req.agentType);
  const setup = await taskTurnSetup(deps, project, task, req.actingUserId);
  const model = await resolveRoleModel(deps, req.actingUserId, req.agentType);
  // Credentials before anything is written: a missing connection is a 403 with nothing created.
  const env = await deps.providers.get(model.provider).environmentFor(req.actingUserId);
  const actor = await deps.db.selectFrom('users').select(['is_technical', 'username', 'git_name', 'git_email']).where('id', '=', req.actingUserId).executeTakeFirstOrThrow();
  const prompt = await buildRunPrompt(deps, { project, task, agentType: req.agentType, technical: actor.is_technical === 1, feedback: req.feedback ?? null });
  if (!deps.address.url) throw new AppError('CONFLICT', 'the server is not listening yet');
  const { token, hash } = newRunToken();
  const now = iso(deps.now());

  // One live run per task: checked and claimed in one transaction.
  const run = await deps.db.transaction().execute(async (trx) => {
    const live = await trx.selectFrom('agent_runs').select('id').where('task_id', '=', task.id).where('status', 'in', ['pending', 'running']).executeTakeFirst();
    if (live) throw new AppError('RUN_IN_PROGRESS', 'an agent is already running on this task');
    const fresh = await trx.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    const manualUnblock = req.trigger === 'manual' && fresh.workflow_blocked === 1;
    await trx
      .updateTable('tasks')
      .set({
        workflow_run_count: manualUnblock && fresh.block_reason === 'max_iterations' ? 1 : fresh.workflow_run_count + 1,
        ...(manualUnblock ? { workflow_blocked: 0, block_reason: null } : {}),
        ...(fresh.status === 'pending' ? { status: 'in_progress' as const } : {}),
        updated_at: now,
      })
      .where('id', '=', task.id)
      .execute();
    return trx
      .insertInto('agent_runs')
      .values({
        task_id: task.id,
        agent_type: req.agentType,
        status: 'running',
        provider: model.provider,
        model: model.model,
        effort: model.effort,
        trigger: req.trigger,
        trigger_url: req.triggerUrl ?? null,
        started_by: req.actingUserId,
        signal_token_hash: hash,
        started_at: now,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  await broadcastTask(deps, task.id);
  deps.bus.publish({ type: 'agent-run.updated', projectId: project.id, taskId: task.id, run: await presentRunWithUsage(deps.db, run) });

  try {
    const conversation = await deps.harness.start({
      ...setup,
      env,
      disallowedTools: disallowedFor(req.agentType),
      extraEnv: { ...runEnvironment(req.agentType, actor), ...signalEnvironment(deps.address.url, token) },
      transientRetries: 2,
      kind: 'agent_run',
      provider: model.provider,
      model: model.model,
      effort: model.effort,
      title: `${req.agentType} run`,
      prompt,
      onComplete: () => req.onComplete(run.id),
    });
    const linked = await deps.db.updateTable('agent_runs').set({ conversation_id: conversation.id }).where('id', '=', run.id).returningAll().executeTakeFirstOrThrow();
    deps.bus.publish({ type: 'agent-run.updated', projectId: project.id, taskId: task.id, run: await presentRunWithUsage(deps.db, linked) });
    return linked;
  } catch (err) {
    await failRun(deps, run.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
}

export async function failRun(deps: Pick<Deps, 'db' | 'bus' | 'now'>, runId: number, reason: string): Promise<void> {
  const run = await deps.db
    .updateTable('agent_runs')
    .set({ status: 'failed', failure_reason: reason, ended_at: iso(deps.now()), signal_token_hash: null })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirst();
  if (run) await broadcastRun(deps, run);
}

export async function broadcastRun(deps: Pick<Deps, 'db' | 'bus'>, run: AgentRunRow): Promise<void> {
  const task = await deps.db.selectFrom('tasks').select('project_id').where('id', '=', run.task_id).executeTakeFirst();
  if (task) deps.bus.publish({ type: 'agent-run.updated', projectId: task.project_id, taskId: run.task_id, run: await presentRunWithUsage(deps.db, run) });
}

export async function broadcastTask(deps: Pick<Deps, 'db' | 'bus'>, taskId: number): Promise<TaskRow | undefined> {
  const row = await deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (row) deps.bus.publish({ type: 'task.updated', projectId: row.project_id, taskId: row.id, task: presentTask(row) });
  return row;
}
