// Which node each job worker belongs to (docs/decisions/0014-job-engine.md): Graphile Worker
// names its workers at random and records the name on the jobs they hold; when a node is
// declared dead, the leader finds the jobs its workers still hold through this table and lets
// them go. No foreign key: a node's runner may start (its boot takes up queued runs) before its row
// is written. Created on SQLite too (one migration set), where a single process never uses it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cluster_job_workers')
    .addColumn('worker_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('node_id', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cluster_job_workers_node').on('cluster_job_workers').column('node_id').execute();
}
