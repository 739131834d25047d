// Opens the database: SQLite (better-sqlite3) with WAL, a busy timeout and
// foreign keys on. The returned handle is the only database object the server uses.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DatabaseConfig } from '../config';
import type { Dialect } from './ddl';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  dialect: Dialect;
  close: () => Promise<void>;
}

export function openDatabase(config: DatabaseConfig): OpenedDb {
  mkdirSync(dirname(config.path), { recursive: true, mode: 0o700 });
  const sqlite = new BetterSqlite3(config.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
