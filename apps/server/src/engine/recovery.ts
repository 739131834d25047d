// Crash recovery (docs/behaviour/loop.md#crash-recovery). At boot, runs a previous server process left
// `running` are marked `interrupted` (their provider session id is kept on the
// conversation) and any agent process of this instance still alive is killed.
// Queued runs and runs waiting for their quota stay as they are: the scheduler takes them up again.
// A human resumes an interrupted run (run-starter.ts): it goes back in line and then continues in
// the same session, the loop carrying on from its end; a run that never got a provider session
// (the server died before the provider named one) starts afresh from the same context instead.
import { readdir, readFile } from 'node:fs/promises';
import type { Deps } from '../deps';
import { agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { interruptLiveRuns } from './transitions/runs';
import type { AgentRunRow } from '../db/schema';
import type { ProviderName } from '@bottega/protocol';
import { TranscriptStore } from '../harness/transcript-store';
import { INTERRUPTED_NOTE } from '../harness/runtime';

export async function recoverInterruptedRuns(deps: Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'config' | 'scheduler'>): Promise<number> {
  const runs = await interruptLiveRuns(deps);
  await markInterruptedTranscripts(deps, runs);
  const killed = await killOrphanedAgents(deps, agentMarkerPrefix(deps.config.home));
  if (runs.length > 0 || killed > 0)
    deps.logger.warn({ interrupted: runs.map((r) => r.id), killedProcesses: killed }, 'recovered from an unclean stop');
  // Only now the line starts moving again: a queued run started earlier would have been taken for one left running.
  await deps.scheduler.restore();
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
