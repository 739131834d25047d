// Opens the database: SQLite (better-sqlite3) with WAL, a busy timeout and
// foreign keys on, or PostgreSQL through a node-postgres pool. The returned
// handle is the only database object the server uses.
// The database file is created 0600 before SQLite opens it (SQLite would use
// 0644), and its -wal/-shm files, which SQLite creates with the database's
// mode, are set to 0600 right after opening — whatever the umask.
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config';
import type { Dialect } from './ddl';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface OpenedDb {
  db: Db;
  dialect: Dialect;
  /** PostgreSQL: the schema the instance lives in (created by the migrations), or null for the server's search_path. */
  schema: string | null;
  /** PostgreSQL: the connection pool itself, shared with the job engine (cluster/jobs.ts). */
  pool?: pg.Pool;
  close: () => Promise<void>;
}

/** PostgreSQL connections per process: a few per running agent (transcript writes) plus the API's requests. */
const POSTGRES_POOL_SIZE = 20;

// bigint (counts, sums) and numeric arrive as strings by default; every such value here fits a JS number.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const postgresTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

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

export function openDatabase(config: DatabaseConfig, onPoolError: (err: Error) => void = () => undefined): OpenedDb {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: POSTGRES_POOL_SIZE,
      types: postgresTypes,
      ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    });
    // An idle connection the server drops (a restart, a network blip) is replaced by the next query.
    pool.on('error', onPoolError);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', schema: config.schema, pool, close: () => db.destroy() };
  }
  mkdirSync(dirname(config.path), { recursive: true, mode: 0o700 });
  createPrivateFile(config.path);
  const sqlite = new BetterSqlite3(config.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  privateSideFiles(config.path);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', schema: null, close: () => db.destroy() };
}
