// The one entry point that starts an agent run (docs/behaviour/loop.md#run-entry-point), for manual
// starts, chained starts and webhooks alike, and the dispatch that starts it when the scheduler
// gives it a slot (docs/behaviour/capacity.md). Starting checks everything a run needs before
// anything is written (the task, the acting user's model for the role, their credentials, the
// worktree), then claims the task for a `queued` run and hands it to the scheduler. Dispatching
// builds the prompt, turns the run `running` with its signal token and starts (or, for a resumed
// run, continues) its turn, with the completion handler wired to its end, the slot given back
// after it, and the run's Stop, failure and usage-limit wait wired to its transitions.
import { agentRunTitle, type AgentType, type ProviderName, type RunTrigger } from '@bottega/protocol';
import type { AgentRunRow, ProjectRow, TaskRow } from '../db/schema';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { ProviderError } from '../harness/contract';
import type { LinkedRun } from '../harness/runtime';
import { onRunComplete } from './completion';
import { buildRunPrompt } from './prompts';
import { resolveRoleModel } from './role-model';
import { hashRunToken, newRunToken } from './signal-command';
import type { WarmTaken } from './warm-starts';
import {
  cancelRunTransition,
  dispatchRunTransition,
  enqueueRunTransition,
  failRunTransition,
  linkRunConversation,
  parkRunTransition,
  readQueuePayload,
  requeueRunTransition,
  stopRunTransition,
  type QueuePayload,
} from './transitions/runs';
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
}

/** The follow-up that continues an interrupted run's session. */
export const RESUME_PROMPT =
  'The server restarted while you were working. Continue the task from where you stopped; check the current state of the files first.';

/** The follow-up that continues a run whose provider usage limit has reset. */
export const QUOTA_RESUME_PROMPT =
  'Your usage limit was reached and has now reset. Continue the task from where you stopped; check the current state of the files first.';

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

/**
 * Starts a run: it is queued, and started at once when a slot is free (the returned row is then
 * `running`); otherwise it waits in line and the returned row is `queued`.
 */
export async function startRun(deps: Deps, req: StartRunRequest): Promise<AgentRunRow> {
  const { task, project } = await loadScope(deps, req.taskId);
  checkRole(task, req.agentType);
  const model = await resolveRoleModel(deps, req.actingUserId, req.agentType);
  // Credentials, worktree and everything else before anything is written: a missing connection is a 403 with nothing created.
  await runTurnSetup(deps, {
    project,
    task,
    agentType: req.agentType,
    actingUserId: req.actingUserId,
    provider: model.provider,
    token: newRunToken().token,
  });
  const payload: QueuePayload = {
    ...(req.feedback !== undefined ? { feedback: req.feedback } : {}),
    ...(req.note !== undefined ? { note: req.note } : {}),
  };
  const run = await enqueueRunTransition(deps, {
    taskId: task.id,
    agentType: req.agentType,
    trigger: req.trigger,
    triggerUrl: req.triggerUrl ?? null,
    actingUserId: req.actingUserId,
    provider: model.provider,
    model: model.model,
    effort: model.effort,
    chained: req.trigger === 'chain',
    payload,
  });
  await deps.scheduler.enqueue(run, project.id);
  return (await deps.db.selectFrom('agent_runs').selectAll().where('id', '=', run.id).executeTakeFirst()) ?? run;
}

/**
 * Puts an interrupted run back in line (ahead of its user's new work): when it gets a slot it
 * goes on in its own provider session, or afresh from the same context when it had none.
 */
export async function resumeInterruptedRun(deps: Deps, run: AgentRunRow, actingUserId: number): Promise<AgentRunRow> {
  if (run.status !== 'interrupted') throw new AppError('CONFLICT', `only an interrupted run can be resumed (this one is ${run.status})`);
  const conversation = run.conversation_id
    ? await deps.db.selectFrom('conversations').selectAll().where('id', '=', run.conversation_id).executeTakeFirst()
    : undefined;
  if ((await promptLost(deps, conversation)) && run.trigger === 'webhook') {
    throw new AppError(
      'CONFLICT',
      'this run was started from a GitHub comment and stopped before the agent began; mention the trigger handle on the pull request again',
    );
  }
  if (!conversation && (!run.provider || !run.model))
    throw new AppError('CONFLICT', 'this run has no provider or model recorded; start a new run instead');
  const { task, project } = await loadScope(deps, run.task_id);
  // The same checks as a start: the role's tools, git identity, GitHub and provider credentials, before anything changes.
  await runTurnSetup(deps, {
    project,
    task,
    agentType: run.agent_type,
    actingUserId,
    provider: (conversation?.provider ?? run.provider ?? 'anthropic') as ProviderName,
    token: newRunToken().token,
  });
  const queued = await requeueRunTransition(deps, run, 'interrupted', actingUserId);
  if (!queued) throw new AppError('CONFLICT', 'only an interrupted run can be resumed (this one changed meanwhile)');
  await deps.scheduler.enqueue(queued, project.id);
  return (await deps.db.selectFrom('agent_runs').selectAll().where('id', '=', run.id).executeTakeFirst()) ?? queued;
}

/** A run whose quota reset goes back in line; null when it is no longer waiting (cancelled). */
export function resumeAfterQuota(deps: Deps, runId: number): Promise<AgentRunRow | null> {
  return deps.db
    .selectFrom('agent_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst()
    .then((run) => (run?.status === 'waiting_for_quota' ? requeueRunTransition(deps, run, 'waiting_for_quota', null) : null));
}

/** True when a run's conversation cannot be continued: no session and not even its prompt in the transcript. */
async function promptLost(deps: Pick<Deps, 'harness'>, conversation: { id: number; provider_session_id: string | null } | undefined) {
  return (
    !conversation || (!conversation.provider_session_id && !(await deps.harness.store.all(conversation.id)).some((m) => m.type === 'user'))
  );
}

/**
 * The scheduler gave a queued run a slot: its turn starts (a new run) or goes on (a resumed one).
 * `release` gives the slot back once the run's turn has ended and its completion (and any chained
 * start) is done; a run that cannot start is failed with the reason and gives the slot back at once.
 */
export async function dispatchQueuedRun(deps: Deps, runId: number, release: () => void): Promise<void> {
  // At a node's start the line moves once recovery is done, which may be before the server listens;
  // a run given a slot then waits for it (its agent signals there).
  await deps.address.listening;
  const run = await deps.db.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (run?.status !== 'queued') return release();
  let started = false;
  let warm: WarmTaken | null = null;
  try {
    if (run.started_by === null) throw new AppError('CONFLICT', 'the run has no acting user');
    const payload = readQueuePayload(run);
    const { task, project } = await loadScope(deps, run.task_id);
    const conversation = run.conversation_id
      ? await deps.db.selectFrom('conversations').selectAll().where('id', '=', run.conversation_id).executeTakeFirst()
      : undefined;
    const provider = (conversation?.provider ?? run.provider ?? 'anthropic') as ProviderName;
    // A process prepared ahead for this run (docs/behaviour/loop.md#warm-hand-off) was started with its signal credentials.
    warm = await deps.warm.take(run);
    const token = warm?.token ?? newRunToken().token;
    const hash = hashRunToken(token);
    const turn = await runTurnSetup(deps, { project, task, agentType: run.agent_type, actingUserId: run.started_by, provider, token });
    const prompt = (await promptLost(deps, conversation))
      ? await buildRunPrompt(deps, {
          project,
          task,
          agentType: run.agent_type,
          technical: turn.technical,
          feedback: payload.feedback ?? null,
          note: payload.note ?? null,
        })
      : null;
    const running = await dispatchRunTransition(deps, run.id, hash, deps.node.id);
    if (!running) {
      await warm?.warm.discard();
      return release();
    }
    started = true;
    const setup = {
      ...turn.setup,
      linkedRun: runEndHooks(deps, running),
      onComplete: async () => {
        try {
          await onRunComplete(deps, run.id);
        } finally {
          release();
          // Behind the hand-off: the process prepared ahead waits for the run that follows, or goes if none does.
          deps.background.track(`settle the process prepared after run ${run.id}`, deps.warm.settle(run.id, run.task_id));
        }
      },
    };
    if (conversation) {
      // With a session the agent goes on; without one, resume() replays the run's prompt in a new session.
      const goOn = payload.continuation === 'quota' ? QUOTA_RESUME_PROMPT : RESUME_PROMPT;
      deps.warm.considerAfterFirstReply(run, conversation.id);
      await deps.harness.resume({ ...setup, conversation, prompt: conversation.provider_session_id ? goOn : prompt });
    } else {
      const created = await deps.harness.start({
        ...setup,
        ...(warm ? { warm: warm.warm } : {}),
        env: turn.env,
        kind: 'agent_run',
        provider,
        model: run.model ?? '',
        effort: run.effort,
        title: agentRunTitle(run.agent_type),
        prompt: prompt ?? '',
      });
      // The loop's next step is known from the task's flags: its process starts while this run works.
      deps.warm.considerAfterFirstReply(run, created.id);
      await linkRunConversation(deps, run.id, created.id);
    }
  } catch (err) {
    // A warm process the turn did not take (it failed before) is ended.
    if (warm) await warm.warm.discard();
    await failRunTransition(deps, run.id, err instanceof Error ? err.message : String(err));
    release();
    // A start that failed after its turn began is reported by the turn itself; one before it, here.
    if (!started) deps.logger.warn({ err, runId }, 'a queued run could not start');
    throw err;
  }
}

/**
 * The run's end as the harness sees it: Stop and a failed stream go to their transitions; a usage
 * limit with a known reset parks the run until then instead of failing it.
 */
export function runEndHooks(deps: Deps, run: Pick<AgentRunRow, 'id' | 'started_by' | 'provider'>): LinkedRun {
  return {
    stopped: async () => {
      await stopRunTransition(deps, run.id);
    },
    failed: async (reason, error) => {
      if (error instanceof ProviderError && error.code === 'usage_limit' && error.resetAt) {
        const parked = await parkRunTransition(deps, run.id, error.resetAt, reason);
        if (parked) {
          deps.scheduler.park(parked, error.resetAt);
          return;
        }
      }
      await failRunTransition(deps, run.id, reason);
    },
  };
}

/** Cancel: a queued run leaves the line, a waiting one its quota wait; it ends failed with who called it off. */
export async function cancelQueuedRun(deps: Deps, run: AgentRunRow, by: string): Promise<AgentRunRow> {
  if (run.status !== 'queued' && run.status !== 'waiting_for_quota')
    throw new AppError('CONFLICT', `only a queued or waiting run can be cancelled (this one is ${run.status}); stop a running one instead`);
  const cancelled = await cancelRunTransition(deps, run.id, by);
  if (!cancelled) throw new AppError('CONFLICT', 'the run started or ended meanwhile; stop it instead');
  deps.scheduler.forget(run.id);
  return cancelled;
}
