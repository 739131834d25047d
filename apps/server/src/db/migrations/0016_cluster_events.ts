// Events too large for a PostgreSQL notification (docs/decisions/0015-events-across-nodes.md): the
// publishing node writes the event here and notifies only its id; the other nodes read it. Rows
// are needed for seconds and pruned after a few minutes. Created on SQLite too (one migration set),
// where a single process never uses it.
import type { Kysely } from 'kysely';
import { idColumn, type Dialect } from '../ddl';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('cluster_events')
    .addColumn('id', 'integer', idColumn(dialect))
    .addColumn('origin', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cluster_events_created').on('cluster_events').column('created_at').execute();
}
