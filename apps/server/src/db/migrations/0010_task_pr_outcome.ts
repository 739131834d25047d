// What became of a task's pull request beyond its address (docs/behaviour/loop.md#pr-outcome): the CI
// state last read from GitHub, and why the PR agent stopped without reporting
// its pull request complete (no GitHub remote, no pull request opened).
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('pr_ci_state', 'varchar(16)').execute();
  await db.schema.alterTable('tasks').addColumn('pr_stop_reason', 'text').execute();
}
