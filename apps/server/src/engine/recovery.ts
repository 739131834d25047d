// Crash recovery (SPEC §12). At boot, runs a previous server process left
// `running` are marked `interrupted` (their provider session id is kept on the
// conversation) and any agent process of this instance still alive is killed.
// A human resumes an interrupted run: the same session continues, the loop
// carries on from its end.
import { readdir, readFile } from 'node:fs/promises';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { iso } from '../time';
import { agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { broadcastRun, broadcastTask, failRun } from './run-starter';
import { taskTurnSetup } from '../features/chat/commands';
import { newRunToken, signalEnvironment } from './signal-command';
import type { AgentRunRow } from '../db/schema';

/** The follow-up that continues an interrupted run's session. */
export const RESUME_PROMPT = 'The server restarted while you were working. Continue the task from where you stopped; check the current state of the files first.';

export async function recoverInterruptedRuns(deps: Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'config'>): Promise<number> {
  const runs = await deps.db
    .updateTable('agent_runs')
    .set({ status: 'interrupted', failure_reason: 'the server stopped while this run was active', ended_at: iso(deps.now()), signal_token_hash: null })
    .where('status', 'in', ['pending', 'running'])
    .returningAll()
    .execute();
  for (const run of runs) await broadcastRun(deps, run);
  const killed = await killOrphanedAgents(agentMarkerPrefix(deps.config.home));
  if (runs.length > 0 || killed > 0) deps.logger.warn({ interrupted: runs.map((r) => r.id), killedProcesses: killed }, 'recovered from an unclean stop');
  return runs.length;
}

/** Kills processes whose environment carries this instance's agent marker (left by a crash). */
async function killOrphanedAgents(prefix: string): Promise<number> {
  let killed = 0;
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const env = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (!env.split('\0').some((kv) => kv.startsWith(prefix))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch {
      // gone already
    }
  }
  return killed;
}

/** Resumes an interrupted run in its own provider session; it completes (and chains) as usual. */
export async function resumeInterruptedRun(deps: Deps, run: AgentRunRow, actingUserId: number, onComplete: (runId: number) => Promise<void>): Promise<AgentRunRow> {
  if (run.status !== 'interrupted') throw new AppError('CONFLICT', `only an interrupted run can be resumed (this one is ${run.status})`);
  const conversation = run.conversation_id ? await deps.db.selectFrom('conversations').selectAll().where('id', '=', run.conversation_id).executeTakeFirst() : undefined;
  if (!conversation?.provider_session_id) throw new AppError('CONFLICT', 'this run never started a provider session; start a new run instead');
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', run.task_id).executeTakeFirst();
  if (!task) throw notFound('task');
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
  const setup = await taskTurnSetup(deps, project, task, actingUserId);
  if (!deps.address.url) throw new AppError('CONFLICT', 'the server is not listening yet');
  const { token, hash } = newRunToken();
  const resumed = await deps.db.transaction().execute(async (trx) => {
    const live = await trx.selectFrom('agent_runs').select('id').where('task_id', '=', task.id).where('status', 'in', ['pending', 'running']).executeTakeFirst();
    if (live) throw new AppError('RUN_IN_PROGRESS', 'an agent is already running on this task');
    return trx
      .updateTable('agent_runs')
      .set({ status: 'running', failure_reason: null, ended_at: null, signal_token_hash: hash, started_by: actingUserId })
      .where('id', '=', run.id)
      .where('status', '=', 'interrupted')
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  await broadcastRun(deps, resumed);
  try {
    await deps.harness.resume({
      ...setup,
      conversation,
      prompt: RESUME_PROMPT,
      disallowedTools: [],
      extraEnv: signalEnvironment(deps.address.url, token),
      transientRetries: 2,
      onComplete: () => onComplete(run.id),
    });
  } catch (err) {
    await failRun(deps, run.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
  await broadcastTask(deps, task.id);
  return resumed;
}
