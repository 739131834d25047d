// The line across nodes, until runs travel as jobs (docs/decisions/0014-job-engine.md): on
// PostgreSQL a run queued through any node is a `queued` row every agent node can see. Each agent
// node takes it into its own line — when it hears the run's `queued` event from another node,
// and by reading the queued rows again every few seconds, which also catches what it missed
// (a dropped listening connection) — and gives it a slot by its own limits. Whichever node claims
// it first starts it: the claim is the one conditional update `queued → running`, so a run
// starts once; the other nodes drop it from their lines when they hear it is no longer queued.
import type { Deps } from '../deps';
import type { RunScheduler } from './scheduler';

export type SharedLineDeps = Pick<Deps, 'db' | 'bus' | 'logger'> & { scheduler: RunScheduler };

/** How often an agent node reads the queued rows for runs it has not heard of. */
export const SHARED_LINE_RESCAN_MS = 3000;

export interface SharedLine {
  stop(): void;
}

export function followSharedLine(deps: SharedLineDeps, rescanMs = SHARED_LINE_RESCAN_MS): SharedLine {
  const unsubscribe = deps.bus.subscribe((event, origin) => {
    if (!origin.remote || event.type !== 'agent-run.updated') return;
    const { run } = event;
    if (run.status === 'queued') void take(run.id);
    else if (run.status !== 'waiting_for_quota') deps.scheduler.forget(run.id);
  });

  const take = async (runId: number): Promise<void> => {
    try {
      const row = await deps.db
        .selectFrom('agent_runs as r')
        .innerJoin('tasks as t', 't.id', 'r.task_id')
        .selectAll('r')
        .select('t.project_id')
        .where('r.id', '=', runId)
        .where('r.status', '=', 'queued')
        .executeTakeFirst();
      if (row && !deps.scheduler.knows(row.id)) await deps.scheduler.enqueue(row, row.project_id);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message, runId }, 'a run queued on another node was not taken into the line');
    }
  };

  let scanning = false;
  const timer = setInterval(() => {
    if (scanning) return;
    scanning = true;
    deps.db
      .selectFrom('agent_runs')
      .select('id')
      .where('status', '=', 'queued')
      .orderBy('id')
      .execute()
      .then(async (rows) => {
        for (const { id } of rows) if (!deps.scheduler.knows(id)) await take(id);
      })
      .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'queued runs not read'))
      .finally(() => (scanning = false));
  }, rescanMs);
  timer.unref();

  return {
    stop() {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
