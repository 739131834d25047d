// Runs pending migrations in order, each in its own transaction, recording
// them in `schema_migrations`. Safe to call at every boot, and on PostgreSQL
// from several nodes at once: each step holds an advisory lock and looks again
// before it applies anything.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from './ddl';
import { migrations as allMigrations, type Migration } from './migrations/index';

/** The advisory lock key every node's migrations share ("BTGA"). */
const MIGRATION_LOCK = 0x42544741;

export interface MigrateOptions {
  /** PostgreSQL: the schema to create first (the connection's search_path names it). */
  schema?: string | null;
  migrations?: readonly Migration[];
}

async function locked(trx: Transaction<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = options.migrations ?? allMigrations;
  await db.transaction().execute(async (trx) => {
    await locked(trx, dialect);
    if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(trx);
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
      .addColumn('applied_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  });
  const rows = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(db);
  const applied = new Set(rows.rows.map((r) => r.name));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    const didRun = await db.transaction().execute(async (trx) => {
      await locked(trx, dialect);
      // Another node may have applied it while this one waited for the lock.
      const again = await sql<{ name: string }>`SELECT name FROM schema_migrations WHERE name = ${m.name}`.execute(trx);
      if (again.rows.length > 0) return false;
      await m.up(trx, dialect);
      await sql`INSERT INTO schema_migrations (name, applied_at) VALUES (${m.name}, ${new Date().toISOString()})`.execute(trx);
      return true;
    });
    if (didRun) ran.push(m.name);
  }
  return ran;
}
