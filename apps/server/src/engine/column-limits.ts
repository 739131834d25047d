// Work-in-progress limits per board column (docs/behaviour/tasks.md#column-limits). A project's
// owners and administrators set a cap (or none) on the Pending, In Progress and In Review columns;
// a person moving a task into a full column, or creating one into a full Pending column, is refused.
// The engine's own moves (a run starting, the PR agent done, a merge) never read these: a limit is
// about what people pull in, not about work already under way.
import { columnFullReason, wipLimitOf, type PutWipLimitsBody, type TaskStatus, type WipLimitsDto } from '@bottega/protocol';
import type { Kysely } from 'kysely';
import type { Database, ProjectRow } from '../db/schema';
import type { Deps } from '../deps';
import { iso } from '../time';

type LimitColumns = Pick<ProjectRow, 'wip_limit_pending' | 'wip_limit_in_progress' | 'wip_limit_in_review'>;

export function wipLimitsOf(project: LimitColumns): WipLimitsDto {
  return { pending: project.wip_limit_pending, in_progress: project.wip_limit_in_progress, in_review: project.wip_limit_in_review };
}

/** How full the column holding `status` is: its tasks and its limit (null when it has none). */
export interface ColumnLoad {
  count: number;
  limit: number | null;
}

/** Reads the column's load in `db` (a transaction, when the caller writes after checking). */
export async function columnLoad(db: Kysely<Database>, projectId: number, status: TaskStatus): Promise<ColumnLoad> {
  const row = await db
    .selectFrom('projects as p')
    .select((eb) => [
      'p.wip_limit_pending',
      'p.wip_limit_in_progress',
      'p.wip_limit_in_review',
      eb
        .selectFrom('tasks as t')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('t.project_id', '=', 'p.id')
        .where('t.status', '=', status)
        .as('count'),
    ])
    .where('p.id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count ?? 0), limit: wipLimitOf(wipLimitsOf(row), status) };
}

/** Why the column takes no more tasks, or null while it has room (or no limit). */
export function columnFull(status: TaskStatus, load: ColumnLoad): string | null {
  return columnFullReason(status, load.count, load.limit);
}

/** Replaces the project's column limits (its owners and administrators decide; checked by the route). */
export async function updateWipLimits(deps: Pick<Deps, 'db' | 'now'>, projectId: number, body: PutWipLimitsBody): Promise<WipLimitsDto> {
  const row = await deps.db
    .updateTable('projects')
    .set({
      wip_limit_pending: body.pending,
      wip_limit_in_progress: body.in_progress,
      wip_limit_in_review: body.in_review,
      updated_at: iso(deps.now()),
    })
    .where('id', '=', projectId)
    .returning(['wip_limit_pending', 'wip_limit_in_progress', 'wip_limit_in_review'])
    .executeTakeFirstOrThrow();
  return wipLimitsOf(row);
}
