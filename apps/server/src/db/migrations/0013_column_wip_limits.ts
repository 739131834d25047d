// Work-in-progress limits per board column (docs/behaviour/tasks.md#column-limits): each project's
// cap on the Pending, In Progress and In Review columns; null where a column has none.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  for (const column of ['wip_limit_pending', 'wip_limit_in_progress', 'wip_limit_in_review'])
    await db.schema.alterTable('projects').addColumn(column, 'integer').execute();
}
