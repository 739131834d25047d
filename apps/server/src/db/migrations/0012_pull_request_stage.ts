// The pull-request stage as Bottega records it (docs/behaviour/loop.md#pr-stage): a row per CI round
// (the checks of one pushed head commit of the task's branch) with the failing checks and the
// log excerpt, a row per review thread of the pull request, the PR's mergeability and conflicting
// files on the task with counts for the board card, a longer detail under a block's reason, and
// each project's settings for the stage (rebase or merge; its own cap on CI rounds).
import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('tasks').addColumn('pr_mergeable', 'varchar(16)').execute();
  await db.schema.alterTable('tasks').addColumn('pr_conflict_files', 'text').execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('pr_ci_rounds', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('pr_threads_total', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('pr_threads_open', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('tasks').addColumn('block_detail', 'text').execute();

  await db.schema
    .alterTable('projects')
    .addColumn('pr_update_strategy', 'varchar(8)', (c) => c.notNull().defaultTo('rebase'))
    .execute();
  await db.schema.alterTable('projects').addColumn('pr_max_ci_rounds', 'integer').execute();

  await db.schema
    .createTable('pr_ci_rounds')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('head_sha', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('failing_checks', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('log_excerpt', 'text')
    .addColumn('details_url', 'text')
    .addColumn('agent_run_id', 'integer', (c) => c.references('agent_runs.id').onDelete('set null'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('pr_ci_rounds_task_sha', ['task_id', 'head_sha'])
    .execute();

  await db.schema
    .createTable('pr_review_threads')
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('thread_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('author', 'varchar(100)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('resolved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reply_author', 'varchar(100)')
    .addColumn('last_reply_body', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('pr_review_threads_pk', ['task_id', 'thread_id'])
    .execute();
}
