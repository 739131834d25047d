// Crash recovery (docs/behaviour/loop.md#crash-recovery). At boot, runs a previous server process left
// `running` are marked `interrupted` (their provider session id is kept on the
// conversation) and any agent process of this instance still alive is killed. With several nodes on
// one database (docs/behaviour/deployment.md#worker-failure) only the runs and agent processes of no
// live node are: another node's running runs are its own.
// Queued runs and runs waiting for their quota stay as they are: the scheduler takes them up again.
// A human resumes an interrupted run (run-starter.ts): it goes back in line and then continues in
// the same session, the loop carrying on from its end; a run that never got a provider session
// (the server died before the provider named one) starts afresh from the same context instead.
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { iso } from '../time';
import type { Deps } from '../deps';
import { agentMarkerOwner, agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { interruptLiveRuns } from './transitions/runs';
import type { AgentRunRow } from '../db/schema';
import type { ProviderName } from '@bottega/protocol';
import { TranscriptStore } from '../harness/transcript-store';
import { INTERRUPTED_NOTE } from '../harness/runtime';
import { servedEntries } from '../harness/usage-record';

export async function recoverInterruptedRuns(
  deps: Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'config' | 'scheduler' | 'node' | 'nodes'>,
): Promise<number> {
  const liveNodes = await liveNodeIds(deps);
  const runs = await interruptLiveRuns(deps, { liveNodes });
  await markInterruptedTranscripts(deps, runs);
  const killed = await killOrphanedAgents(deps, agentMarkerPrefix(deps.config.home), (owner) => !liveNodes.includes(owner));
  if (runs.length > 0 || killed > 0)
    deps.logger.warn({ interrupted: runs.map((r) => r.id), killedProcesses: killed }, 'recovered from an unclean stop');
  // Only now the line starts moving again: a queued run started earlier would have been taken for one left running.
  await deps.scheduler.restore();
  return runs.length;
}

/**
 * The transcript of a run the server lost mid-turn says so, as an ordinary
 * shutdown's would (docs/behaviour/chat.md#transcript): a crash wrote nothing.
 * Its stored entries are announced again first: the process that died may have
 * stored some it never announced to the other nodes (clients keep one copy of
 * each entry, by id).
 */
export async function markInterruptedTranscripts(deps: Pick<Deps, 'db' | 'bus' | 'now'>, runs: readonly AgentRunRow[]): Promise<void> {
  const store = new TranscriptStore(deps.db, deps.now);
  for (const run of runs) {
    if (run.conversation_id === null) continue;
    const task = await deps.db.selectFrom('tasks').select('project_id').where('id', '=', run.task_id).executeTakeFirst();
    if (task) await announceStoredEntries(deps, { projectId: task.project_id, taskId: run.task_id, conversationId: run.conversation_id });
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
    const written = await store.append(
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
    // Watchers see it: on another node's clients when a live node takes over a dead one's runs.
    if (task)
      for (const message of written)
        deps.bus.publish({
          type: 'message',
          projectId: task.project_id,
          taskId: run.task_id,
          conversationId: run.conversation_id,
          message,
        });
  }
}

/** Publishes a conversation's stored entries as the API serves them. */
async function announceStoredEntries(
  deps: Pick<Deps, 'db' | 'bus'>,
  route: { projectId: number; taskId: number; conversationId: number },
): Promise<void> {
  for (const message of await servedEntries(deps.db, route.conversationId)) deps.bus.publish({ type: 'message', ...route, message });
}

/**
 * Kills processes whose environment carries this instance's agent marker (left by a crash) and
 * whose owning node `orphaned` accepts (a marker without a node is an older server's).
 */
export async function killOrphanedAgents(
  deps: Pick<Deps, 'logger'>,
  prefix: string,
  orphaned: (owner: string) => boolean,
): Promise<number> {
  let killed = 0;
  const entries = await readdir('/proc').catch((err: unknown) => {
    deps.logger.error({ err }, 'could not list processes; orphaned agents were not looked for');
    return [] as string[];
  });
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    // A process that ended meanwhile (or is not ours to read) carries no marker.
    const env = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    const marker = env.split('\0').find((kv) => kv.startsWith(prefix));
    if (marker === undefined || !orphaned(agentMarkerOwner(marker, prefix))) continue;
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

/** Whether a process with this pid exists on this machine (one owned by another user counts). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The nodes that still execute their runs. A node on this machine whose process is gone is dead
 * without waiting for its lease (a server restarted after kill -9 recovers its runs at once), and
 * is declared so, conditionally, so no other node takes its runs over as well.
 */
export async function liveNodeIds(deps: Pick<Deps, 'db' | 'nodes' | 'now'>): Promise<string[]> {
  const live = await deps.nodes.live();
  const gone = live.filter((n) => n.hostname === hostname() && !processAlive(n.pid)).map((n) => n.id);
  if (gone.length > 0)
    await deps.db
      .updateTable('cluster_nodes')
      .set({ stopped_at: iso(deps.now()), stop_reason: 'lease_expired' })
      .where('id', 'in', gone)
      .where('stopped_at', 'is', null)
      .execute();
  return live.map((n) => n.id).filter((id) => !gone.includes(id));
}
