// GitHub webhook replays: a delivery also records the GitHub object it acts
// on (a comment, a review, a pull request's state change), unique, so the same
// signed body re-sent under a new X-GitHub-Delivery starts nothing. Deliveries
// recorded before have none.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('subject', 'text').execute();
  await db.schema.createIndex('webhook_deliveries_subject').on('webhook_deliveries').column('subject').unique().execute();
}
