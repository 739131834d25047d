// A conversation remembers the question its agent is waiting on, so the
// answer still reaches it after a restart (docs/behaviour/harness.md#questions).
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('pending_question', 'text').execute();
}
