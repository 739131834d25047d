// Crash recovery (docs/behaviour/loop.md#crash-recovery). At boot, runs a previous server process left
// `running` are marked `interrupted` (their provider session id is kept on the
// conversation) and any agent process of this instance still alive is killed.
// A human resumes an interrupted run: the same session continues, the loop
// carries on from its end. A run that never got a provider session (the
// server died before the provider named one) starts afresh from the same
// context instead: its conversation's prompt is sent again in a new session,
// or — if not even its conversation was created — the role prompt is built
// again and a new conversation linked to the run.
import { readdir, readFile } from 'node:fs/promises';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { loadScope } from './run-starter';
import { newRunToken } from './signal-command';
import { buildRunPrompt } from './prompts';
import { failRunTransition, interruptLiveRuns, linkRunConversation, resumeRunTransition, runEndHooks } from './transitions/runs';
import { runTurnSetup } from './turn-setup';
import type { AgentRunRow } from '../db/schema';
import { agentRunTitle, type ProviderName } from '@bottega/protocol';
import { TranscriptStore } from '../harness/transcript-store';
import { INTERRUPTED_NOTE } from '../harness/runtime';

/** The follow-up that continues an interrupted run's session. */
export const RESUME_PROMPT =
  'The server restarted while you were working. Continue the task from where you stopped; check the current state of the files first.';

export async function recoverInterruptedRuns(deps: Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'config'>): Promise<number> {
  const runs = await interruptLiveRuns(deps);
  await markInterruptedTranscripts(deps, runs);
  const killed = await killOrphanedAgents(deps, agentMarkerPrefix(deps.config.home));
  if (runs.length > 0 || killed > 0)
    deps.logger.warn({ interrupted: runs.map((r) => r.id), killedProcesses: killed }, 'recovered from an unclean stop');
  return runs.length;
}

/**
 * The transcript of a run the server lost mid-turn says so, as an ordinary
 * shutdown's would (docs/behaviour/chat.md#transcript): a crash wrote nothing.
 */
async function markInterruptedTranscripts(deps: Pick<Deps, 'db' | 'now'>, runs: readonly AgentRunRow[]): Promise<void> {
  const store = new TranscriptStore(deps.db, deps.now);
  for (const run of runs) {
    if (run.conversation_id === null) continue;
    const last = await deps.db
      .selectFrom('transcript_entries')
      .select(['type', 'payload'])
      .where('conversation_id', '=', run.conversation_id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last?.type === 'system' && (JSON.parse(last.payload) as { subtype?: string }).subtype === 'interrupted') continue;
    const conversation = await deps.db
      .selectFrom('conversations')
      .select('provider')
      .where('id', '=', run.conversation_id)
      .executeTakeFirst();
    await store.append(
      run.conversation_id,
      [
        {
          type: 'system',
          subtype: 'interrupted',
          text: INTERRUPTED_NOTE,
          id: `interrupted:${run.id}:${deps.now().getTime()}`,
          providerSessionId: null,
          raw: null,
        },
      ],
      (conversation?.provider ?? run.provider ?? 'anthropic') as ProviderName,
    );
  }
}

/** Kills processes whose environment carries this instance's agent marker (left by a crash). */
async function killOrphanedAgents(deps: Pick<Deps, 'logger'>, prefix: string): Promise<number> {
  let killed = 0;
  const entries = await readdir('/proc').catch((err: unknown) => {
    deps.logger.error({ err }, 'could not list processes; orphaned agents were not looked for');
    return [] as string[];
  });
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    // A process that ended meanwhile (or is not ours to read) carries no marker.
    const env = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (!env.split('\0').some((kv) => kv.startsWith(prefix))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed += 1;
    } catch (err) {
      // ESRCH: gone already; anything else leaves an orphan running, so say so.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH')
        deps.logger.error({ err, pid: Number(entry) }, 'could not kill an orphaned agent');
    }
  }
  return killed;
}

/**
 * Resumes an interrupted run: in its own provider session when one was
 * stored, else afresh from the same context. It completes (and chains) as usual.
 */
export async function resumeInterruptedRun(
  deps: Deps,
  run: AgentRunRow,
  actingUserId: number,
  onComplete: (runId: number) => Promise<void>,
): Promise<AgentRunRow> {
  if (run.status !== 'interrupted') throw new AppError('CONFLICT', `only an interrupted run can be resumed (this one is ${run.status})`);
  const conversation = run.conversation_id
    ? await deps.db.selectFrom('conversations').selectAll().where('id', '=', run.conversation_id).executeTakeFirst()
    : undefined;
  // Without a session and without even its prompt in the transcript, the run starts from its role prompt built again.
  const promptLost =
    !conversation || (!conversation.provider_session_id && !(await deps.harness.store.all(conversation.id)).some((m) => m.type === 'user'));
  if (promptLost && run.trigger === 'webhook') {
    throw new AppError(
      'CONFLICT',
      'this run was started from a GitHub comment and stopped before the agent began; mention the trigger handle on the pull request again',
    );
  }
  if (!conversation && (!run.provider || !run.model))
    throw new AppError('CONFLICT', 'this run has no provider or model recorded; start a new run instead');
  const { task, project } = await loadScope(deps, run.task_id);
  const { token, hash } = newRunToken();
  // The same builder as a start: the role's tools, git identity, GitHub and signal credentials (checked before anything changes).
  const turn = await runTurnSetup(deps, {
    project,
    task,
    agentType: run.agent_type,
    actingUserId,
    provider: (conversation?.provider ?? run.provider ?? 'anthropic') as ProviderName,
    token,
  });
  const prompt = promptLost
    ? await buildRunPrompt(deps, { project, task, agentType: run.agent_type, technical: turn.technical, feedback: null, note: null })
    : null;
  const resumed = await resumeRunTransition(deps, run, actingUserId, hash);
  const setup = { ...turn.setup, linkedRun: runEndHooks(deps, run.id), onComplete: () => onComplete(run.id) };
  try {
    if (conversation) {
      // With a session the agent continues; without one, resume() replays the run's prompt in a new session.
      await deps.harness.resume({ ...setup, conversation, prompt: conversation.provider_session_id ? RESUME_PROMPT : prompt });
    } else {
      const started = await deps.harness.start({
        ...setup,
        env: turn.env,
        kind: 'agent_run',
        provider: run.provider as ProviderName,
        model: run.model ?? '',
        effort: run.effort,
        title: agentRunTitle(run.agent_type),
        prompt: prompt ?? '',
      });
      await linkRunConversation(deps, run.id, started.id);
    }
  } catch (err) {
    await failRunTransition(deps, run.id, err instanceof Error ? err.message : String(err));
    throw err;
  }
  return (await deps.db.selectFrom('agent_runs').selectAll().where('id', '=', run.id).executeTakeFirst()) ?? resumed;
}
