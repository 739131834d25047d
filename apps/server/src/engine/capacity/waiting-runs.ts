// The runs that hold or wait for a run slot, as the Admin capacity view and the inbox list them
// (docs/behaviour/capacity.md): one statement reads them with their task, project and user; the
// scheduler's `placeOf` gives a queued run its place in line.
import type { CapacityRunDto, RunQueueDto, RunStatus } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { queueOfRow } from '../presenters';

export interface WaitingRunsFilter {
  statuses: readonly RunStatus[];
  /** Only this user's runs, in the projects they are a member of (the inbox). */
  userId?: number;
}

export async function readWaitingRuns(
  deps: Pick<Deps, 'db'>,
  filter: WaitingRunsFilter,
  placeOf: (runId: number) => RunQueueDto | null,
): Promise<CapacityRunDto[]> {
  let query = deps.db
    .selectFrom('agent_runs as r')
    .innerJoin('tasks as t', 't.id', 'r.task_id')
    .leftJoin('users as u', 'u.id', 'r.started_by')
    .select([
      'r.id',
      'r.task_id',
      'r.agent_type',
      'r.status',
      'r.resume_at',
      'r.queued_at',
      'r.started_at',
      'r.created_at',
      'r.started_by',
      't.project_id',
      't.title',
      'u.username',
    ])
    .where('r.status', 'in', filter.statuses);
  if (filter.userId !== undefined) {
    const userId = filter.userId;
    query = query
      .where('r.started_by', '=', userId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('project_members as m')
            .select('m.user_id')
            .whereRef('m.project_id', '=', 't.project_id')
            .where('m.user_id', '=', userId),
        ),
      );
  }
  const rows = await query.orderBy('r.id').execute();
  return rows.map((r) => ({
    runId: r.id,
    taskId: r.task_id,
    projectId: r.project_id,
    taskTitle: r.title,
    userId: r.started_by,
    username: r.username ?? null,
    agentType: r.agent_type,
    status: r.status,
    queue: queueOfRow(r, r.status === 'queued' ? placeOf(r.id) : null),
    since: (r.status === 'running' ? r.started_at : r.queued_at) ?? r.created_at,
  }));
}

/** Next to start first; runs waiting for their quota after the queued ones, soonest reset first. */
export function byPlaceInLine(a: CapacityRunDto, b: CapacityRunDto): number {
  const pa = a.queue?.position ?? Number.MAX_SAFE_INTEGER;
  const pb = b.queue?.position ?? Number.MAX_SAFE_INTEGER;
  if (pa !== pb) return pa - pb;
  return (a.queue?.resumeAt ?? a.since).localeCompare(b.queue?.resumeAt ?? b.since) || a.runId - b.runId;
}
