// `bottega db copy`: moves an instance's data from one database to another —
// SQLite to PostgreSQL above all, and back. The tables, their columns, keys and
// foreign keys are read from the databases' own catalogs (so a table a future
// migration adds is copied without anyone listing it), the target is migrated
// to this version's schema and must hold no data, the rows go over in batches
// with their ids inside one transaction on the target, the id sequences are
// set past the copied ids, and every table's row count is compared before that
// transaction commits: a failed or unequal copy leaves the target empty.
// The source is only read (in one snapshot), never written.
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Transaction } from 'kysely';
import { describeDatabase, type DatabaseConfig } from '../config';
import type { Dialect } from './ddl';
import { migrateToLatest } from './migrate';
import { migrations as allMigrations, type Migration } from './migrations/index';
import { openDatabase, type OpenedDb } from './open';

type Executor = Kysely<unknown> | Transaction<unknown>;
type Row = Record<string, unknown>;

/** The copy was refused or failed; nothing was written to the target's tables. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyOptions {
  /** Rows read from the source per query (memory stays bounded by this). */
  batchRows?: number;
  /** Called as each table is done, in copy order. */
  onTable?: (table: string, rows: number) => void;
  /** Defaults to this version's migrations (tests pass others). */
  migrations?: readonly Migration[];
}

export interface CopyResult {
  /** Every table in copy (foreign-key) order, with the rows counted on both sides after the commit. */
  tables: TableCount[];
}

const DEFAULT_BATCH_ROWS = 500;
/** Bound parameters per INSERT: under SQLite's 32766 and PostgreSQL's 65535. */
const MAX_PARAMETERS = 30_000;
const MIGRATIONS_TABLE = 'schema_migrations';

function sameDatabase(a: DatabaseConfig, b: DatabaseConfig): boolean {
  if (a.kind === 'sqlite') return b.kind === 'sqlite' && a.path === b.path;
  return b.kind === 'postgres' && a.url === b.url && (a.schema ?? 'public') === (b.schema ?? 'public');
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** What one database's catalog says about its tables, read through `db` (a connection or a transaction). */
class Catalog {
  constructor(
    readonly dialect: Dialect,
    /** PostgreSQL: the schema the tables live in. */
    private readonly schema: string,
  ) {}

  static async of(opened: OpenedDb): Promise<Catalog> {
    if (opened.dialect === 'sqlite') return new Catalog('sqlite', 'main');
    if (opened.schema) return new Catalog('postgres', opened.schema);
    const current = await sql<{ s: string | null }>`select current_schema() as s`.execute(opened.db);
    return new Catalog('postgres', current.rows[0]?.s ?? 'public');
  }

  private qualified(table: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  /** Every table of the instance, `schema_migrations` included. */
  async allTables(db: Executor): Promise<string[]> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`.execute(db);
      return r.rows.map((x) => x.name);
    }
    const r = await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${this.schema} and c.relkind in ('r', 'p') order by c.relname`.execute(db);
    return r.rows.map((x) => x.name);
  }

  async columns(db: Executor, table: string): Promise<string[]> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`.execute(db);
      return r.rows.map((x) => x.name);
    }
    const r = await sql<{ name: string }>`select a.attname as name from pg_attribute a
      where a.attrelid = ${this.qualified(table)}::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`.execute(db);
    return r.rows.map((x) => x.name);
  }

  async primaryKey(db: Executor, table: string): Promise<string[]> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
      return r.rows.map((x) => x.name);
    }
    const r = await sql<{ name: string }>`select a.attname as name from pg_constraint c
      cross join lateral unnest(c.conkey) with ordinality as k(attnum, ord)
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      where c.conrelid = ${this.qualified(table)}::regclass and c.contype = 'p' order by k.ord`.execute(db);
    return r.rows.map((x) => x.name);
  }

  /** The tables `table`'s foreign keys point at. */
  async references(db: Executor, table: string): Promise<string[]> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{ name: string }>`select distinct "table" as name from pragma_foreign_key_list(${table})`.execute(db);
      return r.rows.map((x) => x.name);
    }
    const r = await sql<{ name: string }>`select distinct t.relname as name from pg_constraint c join pg_class t on t.oid = c.confrelid
      where c.conrelid = ${this.qualified(table)}::regclass and c.contype = 'f'`.execute(db);
    return r.rows.map((x) => x.name);
  }

  /** The column a sequence numbers (AUTOINCREMENT on SQLite, identity or serial on PostgreSQL), if any. */
  async sequenceColumn(db: Executor, table: string): Promise<string | null> {
    const pk = await this.primaryKey(db, table);
    if (pk.length !== 1 || !pk[0]) return null;
    if (this.dialect === 'sqlite') {
      const r = await sql<{ sql: string | null }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
      return /\bautoincrement\b/i.test(r.rows[0]?.sql ?? '') ? pk[0] : null;
    }
    const r = await sql<{ seq: string | null }>`select pg_get_serial_sequence(${this.qualified(table)}, ${pk[0]}) as seq`.execute(db);
    return r.rows[0]?.seq ? pk[0] : null;
  }

  /** The last number the sequence handed out (0 when none), which may be past the largest id left. */
  async sequenceValue(db: Executor, table: string, column: string): Promise<number> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(db);
      return Number(r.rows[0]?.seq ?? 0);
    }
    const r = await sql<{
      v: number | null;
    }>`select pg_sequence_last_value(pg_get_serial_sequence(${this.qualified(table)}, ${column})::regclass) as v`.execute(db);
    return Number(r.rows[0]?.v ?? 0);
  }

  /** Sets the sequence so the next id is `value + 1`. */
  async setSequence(db: Executor, table: string, column: string, value: number): Promise<void> {
    if (this.dialect === 'sqlite') {
      const r = await sql<{ n: number }>`select count(*) as n from sqlite_sequence where name = ${table}`.execute(db);
      if (Number(r.rows[0]?.n ?? 0) > 0) await sql`update sqlite_sequence set seq = ${value} where name = ${table}`.execute(db);
      else if (value > 0) await sql`insert into sqlite_sequence (name, seq) values (${table}, ${value})`.execute(db);
      return;
    }
    const seq = sql`pg_get_serial_sequence(${this.qualified(table)}, ${column})`;
    if (value > 0) await sql`select setval(${seq}, ${value}, true)`.execute(db);
    else await sql`select setval(${seq}, 1, false)`.execute(db);
  }

  async count(db: Executor, table: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async maxOf(db: Executor, table: string, column: string): Promise<number> {
    const r = await sql<{ m: number | null }>`select max(${sql.ref(column)}) as m from ${sql.table(table)}`.execute(db);
    return Number(r.rows[0]?.m ?? 0);
  }

  async appliedMigrations(db: Executor): Promise<string[] | null> {
    if (!(await this.allTables(db)).includes(MIGRATIONS_TABLE)) return null;
    const r = await sql<{ name: string }>`select name from ${sql.table(MIGRATIONS_TABLE)}`.execute(db);
    return r.rows.map((x) => x.name);
  }
}

interface TablePlan {
  table: string;
  columns: string[];
  primaryKey: string[];
  sequence: string | null;
}

/** The tables ordered so every table comes after the tables its foreign keys point at. */
async function copyOrder(catalog: Catalog, db: Executor, tables: string[]): Promise<string[]> {
  const refs = new Map<string, string[]>();
  for (const t of tables)
    refs.set(
      t,
      (await catalog.references(db, t)).filter((r) => r !== t),
    );
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t) && (refs.get(t) ?? []).every((r) => done.has(r) || !refs.has(r)));
    if (ready.length === 0) {
      const left = tables.filter((t) => !done.has(t));
      throw new CopyError(`the foreign keys of ${left.join(', ')} form a cycle; they cannot be copied in order`);
    }
    for (const t of ready) {
      ordered.push(t);
      done.add(t);
    }
  }
  return ordered;
}

const keyOf = (row: Row, columns: string[]) => JSON.stringify(columns.map((c) => row[c]));

/**
 * Rows the migrations insert themselves (the model price list), by table: the key of each row.
 * A target holding only these is empty; the source's rows replace them.
 */
async function seededRows(migrations: readonly Migration[]): Promise<Map<string, Set<string>>> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
  try {
    await migrateToLatest(db, 'sqlite', { migrations });
    const catalog = new Catalog('sqlite', 'main');
    const seeded = new Map<string, Set<string>>();
    for (const table of await catalog.allTables(db)) {
      if (table === MIGRATIONS_TABLE) continue;
      const pk = await catalog.primaryKey(db, table);
      const rows = await sql<Row>`select * from ${sql.table(table)}`.execute(db);
      if (rows.rows.length > 0) seeded.set(table, new Set(rows.rows.map((r) => keyOf(r, pk.length > 0 ? pk : Object.keys(r)))));
    }
    return seeded;
  } finally {
    await db.destroy();
  }
}

/** The first table of the target holding a row that is not the migrations' own, or null. */
async function firstTableWithData(catalog: Catalog, db: Executor, seeded: Map<string, Set<string>>): Promise<string | null> {
  for (const table of await catalog.allTables(db)) {
    if (table === MIGRATIONS_TABLE) continue;
    const seeds = seeded.get(table);
    if (!seeds) {
      const r = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
      if (r.rows.length > 0) return table;
      continue;
    }
    const pk = await catalog.primaryKey(db, table);
    const rows = await sql<Row>`select * from ${sql.table(table)}`.execute(db);
    if (rows.rows.some((r) => !seeds.has(keyOf(r, pk.length > 0 ? pk : Object.keys(r))))) return table;
  }
  return null;
}

function checkMigrations(applied: string[] | null, migrations: readonly Migration[], side: 'source' | 'target', name: string): void {
  if (applied === null) {
    if (side === 'source') throw new CopyError(`the source (${name}) holds no Bottega database: it has no ${MIGRATIONS_TABLE} table`);
    return;
  }
  const known = new Set(migrations.map((m) => m.name));
  const unknown = applied.filter((m) => !known.has(m));
  if (unknown.length > 0)
    throw new CopyError(
      `the ${side} (${name}) was migrated by a newer version of Bottega (it has ${unknown.join(', ')}); copy with that version`,
    );
  if (side === 'source') {
    const done = new Set(applied);
    const pending = migrations.filter((m) => !done.has(m.name));
    if (pending.length > 0)
      throw new CopyError(
        `the source (${name}) is ${pending.length} migration${pending.length === 1 ? '' : 's'} behind this version of Bottega; run \`bottega migrate\` against it first`,
      );
  }
}

async function plan(catalog: Catalog, db: Executor, tables: string[]): Promise<TablePlan[]> {
  const plans: TablePlan[] = [];
  for (const table of await copyOrder(catalog, db, tables)) {
    const primaryKey = await catalog.primaryKey(db, table);
    if (primaryKey.length === 0) throw new CopyError(`table ${table} has no primary key; the copy pages through tables by their key`);
    plans.push({ table, columns: await catalog.columns(db, table), primaryKey, sequence: await catalog.sequenceColumn(db, table) });
  }
  return plans;
}

/** Refuses when the two sides' tables or columns differ (after the target was migrated to the same version). */
async function compareSchemas(plans: TablePlan[], target: Catalog, db: Executor, sourceName: string, targetName: string): Promise<void> {
  const targetTables = (await target.allTables(db)).filter((t) => t !== MIGRATIONS_TABLE);
  const sourceTables = new Set(plans.map((p) => p.table));
  for (const t of targetTables)
    if (!sourceTables.has(t)) throw new CopyError(`table ${t} exists only in the target (${targetName}), not in the source`);
  for (const p of plans) {
    if (!targetTables.includes(p.table))
      throw new CopyError(`table ${p.table} exists only in the source (${sourceName}), not in the target`);
    const cols = await target.columns(db, p.table);
    const missing = p.columns.filter((c) => !cols.includes(c));
    const extra = cols.filter((c) => !p.columns.includes(c));
    if (missing.length > 0 || extra.length > 0)
      throw new CopyError(
        `table ${p.table} has different columns on the two sides (only in the source: ${missing.join(', ') || 'none'}; only in the target: ${extra.join(', ') || 'none'})`,
      );
  }
}

async function copyTable(p: TablePlan, source: Executor, target: Executor, batchRows: number): Promise<number> {
  const cols = sql.join(p.columns.map((c) => sql.ref(c)));
  const keyCols = sql.join(p.primaryKey.map((c) => sql.ref(c)));
  const perInsert = Math.max(1, Math.floor(MAX_PARAMETERS / p.columns.length));
  let last: Row | null = null;
  let copied = 0;
  for (;;) {
    const after: ReturnType<typeof sql> = last ? sql`where (${keyCols}) > (${sql.join(p.primaryKey.map((c) => (last as Row)[c]))})` : sql``;
    const batch = await sql<Row>`select ${cols} from ${sql.table(p.table)} ${after} order by ${keyCols} limit ${batchRows}`.execute(source);
    if (batch.rows.length === 0) return copied;
    for (let i = 0; i < batch.rows.length; i += perInsert) {
      const rows = batch.rows.slice(i, i + perInsert);
      const values = sql.join(rows.map((r) => sql`(${sql.join(p.columns.map((c) => r[c] ?? null))})`));
      await sql`insert into ${sql.table(p.table)} (${cols}) values ${values}`.execute(target);
    }
    copied += batch.rows.length;
    last = batch.rows[batch.rows.length - 1] ?? null;
    if (batch.rows.length < batchRows) return copied;
  }
}

/** Opens a source that must exist (an absent SQLite file is not created). */
function openSource(config: DatabaseConfig): OpenedDb {
  if (config.kind === 'sqlite' && !existsSync(config.path)) throw new CopyError(`the source database ${config.path} does not exist`);
  return openDatabase(config);
}

/** A failure to reach a database, said with the database's description instead of the driver's bare error. */
async function reach<T>(name: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (err) {
    if (err instanceof CopyError) throw err;
    throw new CopyError(`cannot use ${name}: ${(err as Error).message}`);
  }
}

export async function copyDatabase(from: DatabaseConfig, to: DatabaseConfig, options: CopyOptions = {}): Promise<CopyResult> {
  const migrations = options.migrations ?? allMigrations;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const sourceName = describeDatabase(from);
  const targetName = describeDatabase(to);
  if (sameDatabase(from, to)) throw new CopyError(`the source and the target are the same database (${sourceName})`);

  const source = openSource(from);
  let target: OpenedDb | null = null;
  try {
    const sourceDb = source.db as unknown as Kysely<unknown>;
    const sourceCatalog = await reach(sourceName, Catalog.of(source));
    checkMigrations(await reach(sourceName, sourceCatalog.appliedMigrations(sourceDb)), migrations, 'source', sourceName);

    target = openDatabase(to);
    const targetDb = target.db as unknown as Kysely<unknown>;
    const seeded = await seededRows(migrations);
    // Before anything is written to the target: it must hold no data and be no newer than this version.
    const before = await reach(targetName, Catalog.of(target));
    checkMigrations(await reach(targetName, before.appliedMigrations(targetDb)), migrations, 'target', targetName);
    const occupied = await reach(targetName, firstTableWithData(before, targetDb, seeded));
    if (occupied)
      throw new CopyError(`the target (${targetName}) is not empty: table ${occupied} has rows; copy only into an empty database`);
    await reach(targetName, migrateToLatest(targetDb, target.dialect, { schema: target.schema, migrations }));
    const targetCatalog = await Catalog.of(target);

    // The source is read in one snapshot; the target is written in one transaction.
    const readSnapshot = sourceDb.transaction();
    const snapshot =
      source.dialect === 'postgres' ? readSnapshot.setIsolationLevel('repeatable read').setAccessMode('read only') : readSnapshot;
    const sourceCounts = await snapshot.execute(async (src) => {
      const tables = (await sourceCatalog.allTables(src)).filter((t) => t !== MIGRATIONS_TABLE);
      const plans = await plan(sourceCatalog, src, tables);
      await compareSchemas(plans, targetCatalog, targetDb, sourceName, targetName);
      return targetDb.transaction().execute(async (dst) => {
        const again = await firstTableWithData(targetCatalog, dst, seeded);
        if (again)
          throw new CopyError(`the target (${targetName}) is not empty: table ${again} has rows; copy only into an empty database`);
        // The migrations' own rows make way for the source's (children first).
        for (const p of [...plans].reverse()) if (seeded.has(p.table)) await sql`delete from ${sql.table(p.table)}`.execute(dst);
        const counts = new Map<string, number>();
        for (const p of plans) {
          const rows = await copyTable(p, src, dst, batchRows).catch((err: unknown) => {
            throw new CopyError(`table ${p.table}: ${(err as Error).message}; nothing was kept`);
          });
          if (p.sequence) {
            const next = Math.max(
              await sourceCatalog.sequenceValue(src, p.table, p.sequence),
              await targetCatalog.maxOf(dst, p.table, p.sequence),
            );
            await targetCatalog.setSequence(dst, p.table, p.sequence, next);
          }
          const expected = await sourceCatalog.count(src, p.table);
          const written = await targetCatalog.count(dst, p.table);
          if (rows !== expected || written !== expected)
            throw new CopyError(`table ${p.table}: the source has ${expected} rows but ${written} were written; nothing was kept`);
          counts.set(p.table, expected);
          options.onTable?.(p.table, expected);
        }
        return counts;
      });
    });

    // After the commit: the target counted again, on its own.
    const tables: TableCount[] = [];
    for (const [table, count] of sourceCounts) tables.push({ table, source: count, target: await targetCatalog.count(targetDb, table) });
    const differing = tables.find((t) => t.source !== t.target);
    if (differing)
      throw new CopyError(
        `table ${differing.table}: the source has ${differing.source} rows, the target ${differing.target} after the copy`,
      );
    return { tables };
  } finally {
    await source.close();
    await target?.close();
  }
}
