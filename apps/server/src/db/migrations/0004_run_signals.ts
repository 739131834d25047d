// Agent runs carry who started them (the acting user of a chain) and the hash
// of their run-scoped signal token (docs/behaviour/agents.md#run-token: only the live run may signal).
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('agent_runs')
    .addColumn('started_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('agent_runs').addColumn('signal_token_hash', 'varchar(64)').execute();
  await db.schema.createIndex('agent_runs_signal_token').on('agent_runs').column('signal_token_hash').unique().execute();
  await db.schema.createIndex('agent_runs_conversation').on('agent_runs').column('conversation_id').execute();
}
