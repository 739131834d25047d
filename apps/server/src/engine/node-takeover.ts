// Worker failure (docs/behaviour/deployment.md#worker-failure). Every node that executes agent runs
// looks for dead nodes every third of the lease: the registry declares each dead node once, and the
// runs still active on a node that is no more are interrupted (as a restart's recovery would) and
// put back in line at once, to go on in their own provider session wherever a slot is given. A run
// such a node completed just before it died without starting the loop's next step has it started.
// The dead node's agent processes on this machine are killed; on another machine they end with
// their node (a node that finds itself declared dead stops its turns).
import type { Deps } from '../deps';
import { agentMarkerPrefix } from '../harness/providers/claude/agent-process';
import { iso } from '../time';
import { continueLoop } from './completion';
import { killOrphanedAgents, markInterruptedTranscripts } from './recovery';
import { resumeInterruptedRun } from './run-starter';
import { interruptLiveRuns } from './transitions/runs';

/** Takes over one dead node's runs: interrupted, their transcripts say so, and back in line. */
export async function takeOverNode(deps: Deps, deadNode: string): Promise<number> {
  const runs = await interruptLiveRuns(deps, { deadNode });
  await markInterruptedTranscripts(deps, runs);
  await killOrphanedAgents(deps, agentMarkerPrefix(deps.config.home), (owner) => owner === deadNode);
  let resumed = 0;
  for (const run of runs) {
    if (run.started_by === null) continue;
    try {
      await resumeInterruptedRun(deps, run, run.started_by);
      resumed += 1;
    } catch (err) {
      // It stays interrupted: a person can resume it (or start anew) from its task.
      deps.logger.warn({ err, runId: run.id, deadNode }, 'a dead node’s run could not be put back in line');
    }
  }
  if (runs.length > 0)
    deps.logger.warn({ deadNode, interrupted: runs.map((r) => r.id), resumed }, 'took over the runs of a node that stopped responding');
  return runs.length;
}

/** The nodes that are no more (a row that says so) and still have active runs. */
async function nodesWithOrphanedRuns(deps: Pick<Deps, 'db'>): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('agent_runs as r')
    .innerJoin('cluster_nodes as n', 'n.id', 'r.node_id')
    .select('n.id')
    .distinct()
    .where('r.status', 'in', ['pending', 'running'])
    .where('n.stopped_at', 'is not', null)
    .execute();
  return rows.map((r) => r.id);
}

/** How far back a node that is no more is looked at for a completion it did not finish. */
const CUT_SHORT_LOOKBACK_MS = 60 * 60_000;

/**
 * Runs a node completed in its last moments, and whose completion it did not finish (the loop's
 * next step not started: the task has no later run, is neither done nor blocked). A completion
 * takes about a second; a run that ended within the node's last lease before its last heartbeat
 * or after it is one whose node may have died in between.
 */
async function cutShortCompletions(deps: Pick<Deps, 'db' | 'now' | 'config'>) {
  const rows = await deps.db
    .selectFrom('agent_runs as r')
    .innerJoin('cluster_nodes as n', 'n.id', 'r.node_id')
    .innerJoin('tasks as t', 't.id', 'r.task_id')
    .selectAll('r')
    .select('n.heartbeat_at as node_heartbeat_at')
    .where('r.status', '=', 'completed')
    .where('n.stopped_at', 'is not', null)
    .where('n.stopped_at', '>=', iso(new Date(deps.now().getTime() - CUT_SHORT_LOOKBACK_MS)))
    .where('t.status', '!=', 'completed')
    .where('t.workflow_blocked', '=', 0)
    .where('t.block_reason', 'is', null)
    .where('r.taken_up_by', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('agent_runs as later')
            .select('later.id')
            .whereRef('later.task_id', '=', 'r.task_id')
            .whereRef('later.id', '>', 'r.id'),
        ),
      ),
    )
    .execute();
  return rows.filter((r) => r.ended_at !== null && Date.parse(r.ended_at) >= Date.parse(r.node_heartbeat_at) - deps.config.nodeLeaseMs);
}

/**
 * Claims a cut-short completion for this node: the run is marked taken up, conditionally, and only
 * while its task still has no later run. Several nodes looking at once: one of them gets it.
 */
async function claimCutShort(deps: Pick<Deps, 'db' | 'node'>, runId: number): Promise<boolean> {
  const claimed = await deps.db
    .updateTable('agent_runs')
    .set({ taken_up_by: deps.node.id })
    .where('id', '=', runId)
    .where('taken_up_by', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('agent_runs as later')
            .select('later.id')
            .whereRef('later.task_id', '=', 'agent_runs.task_id')
            .whereRef('later.id', '>', 'agent_runs.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** The periodic look for dead nodes, on a node that executes agent runs. */
export class NodeTakeover {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: Deps) {}

  start(): void {
    if (this.timer) return;
    const every = Math.max(100, Math.floor(this.deps.config.nodeLeaseMs / 3));
    this.timer = setInterval(() => {
      if (!this.sweeping) this.sweeping = this.sweep().finally(() => (this.sweeping = null));
    }, every);
    this.timer.unref();
  }

  /**
   * One look: nodes whose lease ran out are declared dead, then every run still active on a node
   * that is no more (declared dead, or stopped while its turn was cut short) is taken over. The
   * interruption is conditional per run, so when several nodes look at once each run goes to one;
   * a look that failed half-way is finished by the next. A cut-short completion is claimed the
   * same way (once, whether or not its next step can start).
   */
  async sweep(): Promise<void> {
    try {
      // A node declared dead itself takes nothing over: its own runs belong to another node now.
      if (this.deps.nodes.isLost) return;
      await this.deps.nodes.expireStale();
      for (const dead of await nodesWithOrphanedRuns(this.deps)) await takeOverNode(this.deps, dead);
      // A node that died between completing a run and starting the loop's next step: the step is taken up here.
      for (const run of await cutShortCompletions(this.deps)) {
        if (!(await claimCutShort(this.deps, run.id))) continue;
        const task = await this.deps.db.selectFrom('tasks').selectAll().where('id', '=', run.task_id).executeTakeFirst();
        if (!task) continue;
        this.deps.logger.warn(
          { runId: run.id, deadNode: run.node_id },
          'a node that is no more completed a run without its next step; taking it up',
        );
        await continueLoop(this.deps, run, task);
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'could not look for dead nodes');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}
