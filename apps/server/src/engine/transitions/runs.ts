// Run transitions (docs/behaviour/loop.md, §12; docs/behaviour/capacity.md). Each is one function:
// its rows are written in one transaction, the run's signal token is issued or cleared with its
// status, and the run (and task) events go out after the commit. Nothing else in the server
// writes `agent_runs.status` or its token.
//
//   enqueue         (none) → queued      task claimed: counted, unblocked by a manual start, pending → in_progress
//   dispatch        queued → running     token issued (a slot was given), the executing node recorded
//   complete        running → completed  token cleared; a refinement run marks the task refined
//   fail / stop     live → failed        token cleared
//   cancel          queued / waiting_for_quota → failed
//   park            running → waiting_for_quota   token cleared; resumes at the provider's reset
//   interrupt       running → interrupted token cleared (boot, after an unclean stop; a dead node's runs)
//   requeue         interrupted / waiting_for_quota → queued   (resume; a quota that reset)
import type { AgentType, ProviderName, RunTrigger } from '@bottega/protocol';
import type { Kysely } from 'kysely';
import type { AgentRunRow, Database, TaskRow } from '../../db/schema';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { iso } from '../../time';
import { publishRun, publishTask, type TransitionDeps } from './publish';
import { inTransaction } from '../../db/transaction';

/** The run statuses during which a run owns its task (a queued or waiting run holds it too). */
export const LIVE_RUN_STATUSES = ['pending', 'queued', 'running', 'waiting_for_quota'] as const;

/** The statuses of a run whose agent process may be working (what a restart interrupts). */
const ACTIVE_RUN_STATUSES = ['pending', 'running'] as const;

/** What a queued run's start needs later (kept on its row as JSON). */
export interface QueuePayload {
  /** For PR-feedback runs: the review comments to address. */
  feedback?: string;
  /** For planning runs ("Revise plan"): what the user wants changed. */
  note?: string;
  /** A run that goes on in its own session: after an interruption, or after its quota reset. */
  continuation?: 'interrupted' | 'quota';
}

export function readQueuePayload(row: Pick<AgentRunRow, 'queue_payload'>): QueuePayload {
  if (!row.queue_payload) return {};
  try {
    return JSON.parse(row.queue_payload) as QueuePayload;
  } catch {
    return {};
  }
}

/** The live run of a task, if any (inside a transaction too). */
export async function liveRunOf(
  db: Kysely<Database>,
  taskId: number,
): Promise<{ id: number; agent_type: AgentType; status: AgentRunRow['status'] } | undefined> {
  return db
    .selectFrom('agent_runs')
    .select(['id', 'agent_type', 'status'])
    .where('task_id', '=', taskId)
    .where('status', 'in', LIVE_RUN_STATUSES)
    .executeTakeFirst();
}

/** Throws RUN_IN_PROGRESS while an agent run is live on the task. */
export async function assertNoLiveRun(deps: Pick<Deps, 'db'>, taskId: number): Promise<void> {
  const live = await liveRunOf(deps.db, taskId);
  if (live?.status === 'queued' || live?.status === 'waiting_for_quota')
    throw new AppError('RUN_IN_PROGRESS', 'a run is waiting to start on this task; cancel it first');
  if (live) throw new AppError('RUN_IN_PROGRESS', 'an agent is running on this task; stop it first');
}

export interface NewRun {
  taskId: number;
  agentType: AgentType;
  trigger: RunTrigger;
  triggerUrl: string | null;
  actingUserId: number;
  provider: ProviderName;
  model: string;
  effort: string | null;
  /** A chained run keeps its place ahead of its user's new work. */
  chained: boolean;
  payload: QueuePayload;
}

/**
 * Enqueue (start and chain): claims the task for a new queued run. One live run per
 * task, checked and claimed in one transaction; the task's run count goes up
 * (a manual start lifts a block, an iteration block restarting the count at 1),
 * and a pending task is now in progress. The scheduler starts it when a slot is free.
 */
export async function enqueueRunTransition(deps: TransitionDeps, req: NewRun): Promise<AgentRunRow> {
  const now = iso(deps.now());
  const { run, task } = await inTransaction(deps.db, async (trx) => {
    if (await liveRunOf(trx, req.taskId)) throw new AppError('RUN_IN_PROGRESS', 'an agent is already running on this task');
    const fresh = await trx.selectFrom('tasks').selectAll().where('id', '=', req.taskId).executeTakeFirstOrThrow();
    const unblock = req.trigger === 'manual' && fresh.workflow_blocked === 1;
    const task = await trx
      .updateTable('tasks')
      .set({
        workflow_run_count: unblock && fresh.block_reason === 'max_iterations' ? 1 : fresh.workflow_run_count + 1,
        ...(unblock ? { workflow_blocked: 0, block_reason: null, block_detail: null } : {}),
        // A new PR (or YOLO) run gets a fresh chance: the previous one's stop reason is void.
        ...(req.agentType === 'pr' || req.agentType === 'yolo' ? { pr_stop_reason: null } : {}),
        ...(fresh.status === 'pending' ? { status: 'in_progress' as const } : {}),
        updated_at: now,
      })
      .where('id', '=', req.taskId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const run = await trx
      .insertInto('agent_runs')
      .values({
        task_id: req.taskId,
        agent_type: req.agentType,
        status: 'queued',
        provider: req.provider,
        model: req.model,
        effort: req.effort,
        trigger: req.trigger,
        trigger_url: req.triggerUrl,
        started_by: req.actingUserId,
        queued_at: now,
        queue_priority: req.chained ? 1 : 0,
        queue_payload: Object.keys(req.payload).length > 0 ? JSON.stringify(req.payload) : null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { run, task };
  });
  publishTask(deps, task);
  await publishRun(deps, run, task.project_id);
  return run;
}

/**
 * Dispatch: a queued run was given a slot and is running now, with a fresh signal token. Null
 * when it is no longer queued (cancelled meanwhile): the slot goes back.
 */
export async function dispatchRunTransition(
  deps: TransitionDeps,
  runId: number,
  tokenHash: string,
  nodeId: string,
): Promise<AgentRunRow | null> {
  const now = iso(deps.now());
  const run = await deps.db
    .updateTable('agent_runs')
    .set((eb) => ({
      status: 'running',
      signal_token_hash: tokenHash,
      node_id: nodeId,
      queue_payload: null,
      started_at: eb.fn.coalesce('started_at', eb.val(now)),
    }))
    .where('id', '=', runId)
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
  if (run) await publishRunOfTask(deps, run);
  return run ?? null;
}

/**
 * Park: the provider's usage limit is reached until `resetAt`; the run gives its slot back and
 * waits (its session is kept on the conversation). Null when the run was no longer running.
 */
export async function parkRunTransition(deps: TransitionDeps, runId: number, resetAt: Date, reason: string): Promise<AgentRunRow | null> {
  const run = await deps.db
    .updateTable('agent_runs')
    .set({ status: 'waiting_for_quota', resume_at: iso(resetAt), failure_reason: reason, signal_token_hash: null })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst();
  if (run) await publishRunOfTask(deps, run);
  return run ?? null;
}

/**
 * Requeue: an interrupted run a person resumes, or a run whose quota reset, goes back in line
 * ahead of its user's new work, to go on in its own session. Null when it changed meanwhile.
 */
export async function requeueRunTransition(
  deps: TransitionDeps,
  run: AgentRunRow,
  from: 'interrupted' | 'waiting_for_quota',
  actingUserId: number | null,
): Promise<AgentRunRow | null> {
  const payload: QueuePayload = { continuation: from === 'interrupted' ? 'interrupted' : 'quota' };
  const requeued = await inTransaction(deps.db, async (trx) => {
    const other = await trx
      .selectFrom('agent_runs')
      .select('id')
      .where('task_id', '=', run.task_id)
      .where('status', 'in', LIVE_RUN_STATUSES)
      .where('id', '<>', run.id)
      .executeTakeFirst();
    if (other) throw new AppError('RUN_IN_PROGRESS', 'an agent is already running on this task');
    return trx
      .updateTable('agent_runs')
      .set({
        status: 'queued',
        failure_reason: null,
        ended_at: null,
        resume_at: null,
        queued_at: iso(deps.now()),
        queue_priority: 1,
        queue_payload: JSON.stringify(payload),
        ...(actingUserId !== null ? { started_by: actingUserId } : {}),
      })
      .where('id', '=', run.id)
      .where('status', '=', from)
      .returningAll()
      .executeTakeFirst();
  });
  if (requeued) await publishRunOfTask(deps, requeued);
  return requeued ?? null;
}

/** Cancel: a queued or waiting run is called off before it (re)starts. Null when it had started or ended. */
export async function cancelRunTransition(deps: TransitionDeps, runId: number, by: string): Promise<AgentRunRow | null> {
  const now = iso(deps.now());
  const run = await inTransaction(deps.db, async (trx) => {
    const row = await trx.selectFrom('agent_runs').select('status').where('id', '=', runId).executeTakeFirst();
    if (row?.status !== 'queued' && row?.status !== 'waiting_for_quota') return undefined;
    const reason = row.status === 'queued' ? `cancelled by ${by} before it started` : `cancelled by ${by} while waiting for its quota`;
    return trx
      .updateTable('agent_runs')
      .set({ status: 'failed', failure_reason: reason, ended_at: now, resume_at: null, queue_payload: null, signal_token_hash: null })
      .where('id', '=', runId)
      .where('status', '=', row.status)
      .returningAll()
      .executeTakeFirst();
  });
  if (run) await publishRunOfTask(deps, run);
  return run ?? null;
}

/** The run's conversation exists: it is linked to the run (its status does not change). */
export async function linkRunConversation(deps: TransitionDeps, runId: number, conversationId: number): Promise<AgentRunRow> {
  const run = await deps.db
    .updateTable('agent_runs')
    .set({ conversation_id: conversationId })
    .where('id', '=', runId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await publishRunOfTask(deps, run);
  return run;
}

/**
 * Complete: a run whose stream ended while still running. Null when the run
 * had already ended otherwise (stopped, failed, interrupted): nothing changes.
 */
export async function completeRunTransition(deps: TransitionDeps, runId: number): Promise<{ run: AgentRunRow; task: TaskRow } | null> {
  const now = iso(deps.now());
  const done = await inTransaction(deps.db, async (trx) => {
    const run = await trx
      .updateTable('agent_runs')
      .set({ status: 'completed', ended_at: now, signal_token_hash: null })
      .where('id', '=', runId)
      .where('status', '=', 'running')
      .returningAll()
      .executeTakeFirst();
    if (!run) return null;
    const task = await trx
      .updateTable('tasks')
      .set(run.agent_type === 'refinement' ? { refinement_complete: 1, updated_at: now } : { updated_at: now })
      .where('id', '=', run.task_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { run, task };
  });
  if (!done) return null;
  await publishRun(deps, done.run, done.task.project_id);
  publishTask(deps, done.task);
  return done;
}

/** Fail: a live run ends as failed with its reason (a fatal provider error, a turn that could not start). */
export async function failRunTransition(deps: TransitionDeps, runId: number, reason: string): Promise<AgentRunRow | null> {
  const run = await deps.db
    .updateTable('agent_runs')
    .set({ status: 'failed', failure_reason: reason, ended_at: iso(deps.now()), signal_token_hash: null })
    .where('id', '=', runId)
    .where('status', 'in', LIVE_RUN_STATUSES)
    .returningAll()
    .executeTakeFirst();
  if (run) await publishRunOfTask(deps, run);
  return run ?? null;
}

/** Stop: a human pressed Stop; the run is failed before its process is ended (docs/behaviour/loop.md). */
export function stopRunTransition(deps: TransitionDeps, runId: number): Promise<AgentRunRow | null> {
  return failRunTransition(deps, runId, 'stopped by the user');
}

/** Interrupt: at boot, every run a previous process left running (its session id stays on the conversation); queued and waiting runs stay in line. */
/**
 * Which active runs an interruption takes: at a boot, those of no live node (`liveNodes`: the
 * ones still executing theirs elsewhere keep them); a dead node's, when another takes them over.
 */
export type InterruptScope = { liveNodes: readonly string[] } | { deadNode: string };

export async function interruptLiveRuns(deps: TransitionDeps, scope: InterruptScope): Promise<AgentRunRow[]> {
  let query = deps.db
    .updateTable('agent_runs')
    .set({
      status: 'interrupted',
      failure_reason: 'deadNode' in scope ? 'the node executing this run stopped' : 'the server stopped while this run was active',
      ended_at: iso(deps.now()),
      signal_token_hash: null,
    })
    .where('status', 'in', ACTIVE_RUN_STATUSES);
  if ('deadNode' in scope) query = query.where('node_id', '=', scope.deadNode);
  else if (scope.liveNodes.length > 0) {
    const live = scope.liveNodes;
    query = query.where((eb) => eb.or([eb('node_id', 'is', null), eb('node_id', 'not in', live)]));
  }
  const runs = await query.returningAll().execute();
  for (const run of runs) await publishRunOfTask(deps, run);
  return runs;
}

async function publishRunOfTask(deps: TransitionDeps, run: AgentRunRow): Promise<void> {
  const task = await deps.db.selectFrom('tasks').select('project_id').where('id', '=', run.task_id).executeTakeFirst();
  if (task) await publishRun(deps, run, task.project_id);
}

/** The run's end as the harness sees it (Stop, a failed stream), wired to the transitions above. */
export function runEndHooks(deps: TransitionDeps, runId: number): { stopped(): Promise<void>; failed(reason: string): Promise<void> } {
  return {
    stopped: async () => {
      await stopRunTransition(deps, runId);
    },
    failed: async (reason) => {
      await failRunTransition(deps, runId, reason);
    },
  };
}
