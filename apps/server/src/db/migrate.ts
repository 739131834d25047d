// Runs pending migrations in order, each in its own transaction, recording
// them in `schema_migrations`. Safe to call at every boot.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './ddl';
import { migrations as allMigrations, type Migration } from './migrations/index';

export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  migrations: readonly Migration[] = allMigrations,
): Promise<string[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('applied_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  const rows = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(db);
  const applied = new Set(rows.rows.map((r) => r.name));
  const ran: string[] = [];
  for (const m of migrations) {
    if (applied.has(m.name)) continue;
    await db.transaction().execute(async (trx) => {
      await m.up(trx, dialect);
      await sql`INSERT INTO schema_migrations (name, applied_at) VALUES (${m.name}, ${new Date().toISOString()})`.execute(trx);
    });
    ran.push(m.name);
  }
  return ran;
}
