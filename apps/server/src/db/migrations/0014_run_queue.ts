// The run queue (docs/behaviour/capacity.md): a run is written `queued` when it is asked for and
// started when a slot is free, so the queue is the agent_runs table itself and survives a restart.
// Each queued run keeps when it was queued, its priority within its user's queue (a chained or
// resumed run goes ahead of new work), what its start needs later (a revision note, PR feedback,
// why it continues), and — while it waits for a provider's usage limit — when it resumes.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // `waiting_for_quota` is longer than the 16 characters the status column was given.
  if (dialect === 'postgres') await sql`alter table agent_runs alter column status type varchar(32)`.execute(db);
  await db.schema.alterTable('agent_runs').addColumn('queued_at', 'varchar(32)').execute();
  await db.schema
    .alterTable('agent_runs')
    .addColumn('queue_priority', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('agent_runs').addColumn('queue_payload', 'text').execute();
  await db.schema.alterTable('agent_runs').addColumn('resume_at', 'varchar(32)').execute();
  await db.schema.createIndex('agent_runs_status').on('agent_runs').column('status').execute();
}
