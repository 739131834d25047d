// GitHub webhooks (docs/behaviour/webhook.md#deduplication): deliveries already handled (deduplication that
// survives a restart), the comment or review a run was started by, and a
// task's pull request closed without merging.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(32)', (c) => c.notNull())
    .addColumn('received_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('agent_runs').addColumn('trigger_url', 'text').execute();
  await db.schema
    .alterTable('tasks')
    .addColumn('pr_closed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
