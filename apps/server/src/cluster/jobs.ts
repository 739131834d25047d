// The job engine under the cluster's run line (docs/decisions/0014-job-engine.md): Graphile Worker,
// in a schema of its own next to the instance's. Its tables are created once, by whichever node
// migrates first (under an advisory lock, so nodes starting together do not race), and its log
// goes to ours.
import { Logger as JobLogger, runMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../logger';

/** Runs the job engine's own migrations for the instance, one node at a time. */
const JOBS_MIGRATION_LOCK = 'bottega:jobs-migrate';

/** The job engine's schema for an instance: next to the instance's schema, so each instance (and each test world) has its own jobs. */
export function jobsSchema(schema: string | null): string {
  return `${schema ?? 'bottega'}_jobs`;
}

/** The job engine's messages in our log: its errors and warnings as they are, the rest at debug. */
export function jobLogger(logger: Logger): JobLogger {
  return new JobLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...(meta && 'error' in meta ? { err: String((meta as { error: unknown }).error) } : {}) };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else logger.debug(fields, message);
  });
}

/** Creates or updates the job engine's tables (idempotent; every node calls it at boot). */
export async function migrateJobs(pool: pg.Pool, schema: string | null, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`${JOBS_MIGRATION_LOCK}:${jobsSchema(schema)}`]);
    try {
      await runMigrations({ pgPool: pool, schema: jobsSchema(schema), logger: jobLogger(logger) });
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [`${JOBS_MIGRATION_LOCK}:${jobsSchema(schema)}`]);
    }
  } finally {
    client.release();
  }
}
