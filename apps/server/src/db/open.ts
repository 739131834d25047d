// Opens the database: SQLite (better-sqlite3) with WAL, a busy timeout and
// foreign keys on. The returned handle is the only database object the server uses.
// The database file is created 0600 before SQLite opens it (SQLite would use
// 0644), and its -wal/-shm files, which SQLite creates with the database's
// mode, are set to 0600 right after opening — whatever the umask.
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
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

const PRIVATE_FILE_MODE = 0o600;

/** Creates `path` empty with mode 0600 unless it exists (SQLite takes an empty file as a new database). */
function createPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Sets the SQLite side files that exist to 0600 (they were just created with the database's mode). */
function privateSideFiles(path: string): void {
  for (const side of [`${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(side).mode & 0o077) !== 0) chmodSync(side, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

export function openDatabase(config: DatabaseConfig): OpenedDb {
  mkdirSync(dirname(config.path), { recursive: true, mode: 0o700 });
  createPrivateFile(config.path);
  const sqlite = new BetterSqlite3(config.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  privateSideFiles(config.path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
