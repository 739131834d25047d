// Tasks record the state of their worktree's background preparation
// (checkout, conveniences), and the board's paged listing gets covering
// indexes: (project, updated_at, id) and the same per status.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('tasks')
    .addColumn('workspace_status', 'varchar(16)', (c) => c.notNull().defaultTo('none'))
    .execute();
  await db.schema.alterTable('tasks').addColumn('workspace_error', 'text').execute();
  await db.schema.dropIndex('tasks_project_updated').execute();
  await db.schema.createIndex('tasks_project_updated_id').on('tasks').columns(['project_id', 'updated_at', 'id']).execute();
  await db.schema
    .createIndex('tasks_project_status_updated_id')
    .on('tasks')
    .columns(['project_id', 'status', 'updated_at', 'id'])
    .execute();
}
