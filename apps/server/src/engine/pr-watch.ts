// Following a live PR (or YOLO) run's pull request without a webhook (docs/behaviour/loop.md#pr-stage):
// while such a run is live, its task's pull request is read every `prWatchSeconds` and recorded,
// so the task page shows each CI round as it happens (a laptop install has no webhook) and the
// server holds the CI-round cap itself. One read at a time per run; the watch ends with the run.
import type { Deps } from '../deps';
import { liveRunOf } from './transitions/runs';
import { enforceCiRoundCap, syncPullRequestStage } from './pr-stage';

const WATCHED: ReadonlySet<string> = new Set(['pr', 'yolo']);

export interface PullRequestWatch {
  /** The runs being followed (for tests). */
  watching(): number[];
  /** Reads every watched run's pull request once, now (what each interval does). */
  tick(): Promise<void>;
  /** Ends every watch and stops listening (shutdown). */
  stop(): void;
}

interface Watched {
  taskId: number;
  timer: NodeJS.Timeout;
  reading: boolean;
}

/** Starts following live PR runs as they start. Off when `prWatchSeconds` is 0. */
export function watchPullRequests(deps: Deps): PullRequestWatch {
  const watched = new Map<number, Watched>();

  const unwatch = (runId: number): void => {
    clearInterval(watched.get(runId)?.timer);
    watched.delete(runId);
  };

  const read = async (runId: number): Promise<void> => {
    const w = watched.get(runId);
    if (!w || w.reading) return;
    w.reading = true;
    try {
      const live = await liveRunOf(deps.db, w.taskId);
      if (!live || live.id !== runId) return unwatch(runId);
      const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', w.taskId).executeTakeFirst();
      if (!task || task.status === 'completed') return unwatch(runId);
      const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
      const lookup = await syncPullRequestStage(deps, project, task);
      // Without a GitHub remote or a branch there will never be a pull request to follow.
      if (lookup.kind === 'no-remote' || lookup.kind === 'no-branch') return unwatch(runId);
      if (await enforceCiRoundCap(deps, project, task, lookup)) unwatch(runId);
    } finally {
      w.reading = false;
    }
  };

  const off =
    deps.config.prWatchSeconds > 0
      ? deps.bus.subscribe((event, origin) => {
          if (event.type !== 'agent-run.updated' || !WATCHED.has(event.run.agentType)) return;
          const runId = event.run.id;
          if (event.run.status !== 'running') return unwatch(runId);
          // The node executing the run (where its `running` is published) follows it; others would repeat its reads.
          if (origin.remote || watched.has(runId)) return;
          const timer = setInterval(
            () => deps.background.track(`follow the pull request of run ${runId}`, read(runId)),
            deps.config.prWatchSeconds * 1000,
          );
          timer.unref();
          watched.set(runId, { taskId: event.taskId, timer, reading: false });
        })
      : () => undefined;

  return {
    watching: () => [...watched.keys()],
    tick: async () => {
      await Promise.all([...watched.keys()].map(read));
    },
    stop() {
      off();
      for (const runId of [...watched.keys()]) unwatch(runId);
    },
  };
}
