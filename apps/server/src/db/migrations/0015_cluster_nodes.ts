// Several processes on one database (docs/deploy/cluster.md): each node writes its row at start
// and a heartbeat while it lives; a node whose heartbeat is older than the lease is taken for dead
// and its runs are taken over. A run records the node executing it, so a node's recovery touches
// only its own runs and a dead node's runs can be found.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cluster_nodes')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('version', 'varchar(64)', (c) => c.notNull())
    .addColumn('url', 'varchar(255)')
    .addColumn('slots', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('heartbeat_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('stopped_at', 'varchar(32)')
    .addColumn('stop_reason', 'varchar(32)')
    .execute();
  await db.schema.createIndex('cluster_nodes_live').on('cluster_nodes').columns(['stopped_at', 'heartbeat_at']).execute();
  await db.schema.alterTable('agent_runs').addColumn('node_id', 'varchar(64)').execute();
  await db.schema.createIndex('agent_runs_node').on('agent_runs').column('node_id').execute();
}
