// Every transaction of the server runs through here, so both databases give it
// the same guarantee. SQLite runs one transaction at a time (serializable by
// construction); PostgreSQL runs them side by side, so there each one is
// SERIALIZABLE and is tried again when the database refuses it to keep that
// promise (two people taking a column's last place, two starts on one task).
// The bodies touch only the database, so running one again is safe.
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';

/** SQLSTATE serialization_failure and deadlock_detected: the transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 8;

export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

export async function inTransaction<DB, T>(db: Kysely<DB>, body: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return db.transaction().execute(body);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel('serializable').execute(body);
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= ATTEMPTS) throw err;
      // A short, growing, jittered pause lets the transaction that won finish first.
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
