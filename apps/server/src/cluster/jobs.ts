// The job engine under the cluster's run line (docs/decisions/0014-job-engine.md): Graphile Worker,
// in one schema per database (`bottega_jobs`), each instance's jobs told apart by their task names
// and keys. One schema per database because Graphile Worker announces its own migrations on a
// channel of the whole database, and a runner that hears of a breaking one stops: a schema per
// instance would have each new instance's first start stop every other instance's runners. Its
// tables are created once, by whichever node migrates first (under an advisory lock, so nodes
// starting together do not race), and its log goes to ours.
import { Logger as JobLogger, runMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from '../logger';

/** Runs the job engine's own migrations, one node at a time. */
const JOBS_MIGRATION_LOCK = 'bottega:jobs-migrate';

/** The job engine's schema, shared by the instances of a database. */
export const JOBS_SCHEMA = 'bottega_jobs';

/** An instance's job names: the run a node executes, the messages only the leader takes, and a run's job key. */
export interface JobNames {
  run: string;
  line: string;
  runKey: (runId: number) => string;
  /** The run of a job key of this instance; null for another key. */
  runOfKey: (key: string | null) => number | null;
}

export function jobNames(schema: string | null): JobNames {
  const instance = schema ?? 'public';
  const keyPrefix = `${instance}:run:`;
  return {
    run: `bottega_run:${instance}`,
    line: `bottega_line:${instance}`,
    runKey: (runId) => `${keyPrefix}${runId}`,
    runOfKey: (key) => (key?.startsWith(keyPrefix) ? Number(key.slice(keyPrefix.length)) : null),
  };
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
export async function migrateJobs(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [JOBS_MIGRATION_LOCK]);
    try {
      await runMigrations({ pgPool: pool, schema: JOBS_SCHEMA, logger: jobLogger(logger) });
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [JOBS_MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
