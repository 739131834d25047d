// Task search across projects (docs/behaviour/web-app.md#search): the tasks the
// viewer may open — their projects' tasks, every project's for an
// administrator, as the projects list and the task routes allow — whose title
// holds the query (case-insensitively, every character literal) or whose id it
// names (`12`, `#12`). An exact id first, then the most recently active. One
// SQL statement: the hits are picked first (a CTE), then joined to what a board
// card shows of them, as the board's own list does.
import { sql } from 'kysely';
import { isLiveRunStatus, runStatuses, type TaskSearchHitDto, type TaskSearchQuery } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { Viewer } from '../../http/access';
import { usageByTask } from '../../engine/usage-totals';
import { CARD_FACT_COLUMNS, presentListedTask } from '../tasks/commands';

const liveStatuses = runStatuses.filter(isLiveRunStatus);

/** `text` as a LIKE pattern that matches itself only: `\`, `%` and `_` escaped by `\`. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The task id a query names (`12` or `#12`), else null. */
export function taskIdOf(q: string): number | null {
  const m = /^#?([1-9][0-9]{0,15})$/.exec(q);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

export async function searchTasks(deps: Pick<Deps, 'db'>, viewer: Viewer, query: TaskSearchQuery): Promise<TaskSearchHitDto[]> {
  const { db } = deps;
  const id = taskIdOf(query.q);
  const pattern = `%${likeLiteral(query.q)}%`;
  const idFirst = sql<number>`case when t.id = ${id ?? 0} then 0 else 1 end`;
  const rows = await db
    .with('hits', (qc) => {
      let q = qc.selectFrom('tasks as t').selectAll('t');
      if (!viewer.isAdmin)
        q = q.innerJoin('project_members as m', (j) => j.onRef('m.project_id', '=', 't.project_id').on('m.user_id', '=', viewer.id));
      if (query.q !== '') {
        const title = sql<boolean>`lower(t.title) like lower(${pattern}) escape '\\'`;
        q = id === null ? q.where(title) : q.where((eb) => eb.or([title, eb('t.id', '=', id)]));
      }
      return q.orderBy(idFirst).orderBy('t.updated_at', 'desc').orderBy('t.id', 'desc').limit(query.limit);
    })
    .selectFrom('hits as t')
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .leftJoin('users as o', 'o.id', 't.owner_id')
    .leftJoin(usageByTask(db, sql`select id from hits`).as('us'), 'us.task_id', 't.id')
    .selectAll('t')
    .select(CARD_FACT_COLUMNS)
    .select([
      'p.name as project_name',
      sql<number>`exists (select 1 from agent_runs r where r.task_id = t.id and r.status in (${sql.join(liveStatuses)}))`.as('live_run'),
    ])
    .orderBy(idFirst)
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  return rows.map((row) => ({ task: presentListedTask(row), projectName: row.project_name, liveRun: Number(row.live_run) === 1 }));
}
