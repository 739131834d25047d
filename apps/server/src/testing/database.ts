// The database a test world uses. `npm test` runs the suite twice: on SQLite
// (a file in the world's home) and on PostgreSQL (one throwaway cluster per
// run, started by tests/postgres-setup.ts; each home gets a schema of its own,
// named after the home so a restarted world finds its data again).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../config';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL cluster, in the projects that test on it. */
    postgresUrl?: string;
  }
}

/** The PostgreSQL URL of this test run, or null when the suite is on SQLite. */
export function testPostgresUrl(): string | null {
  // Outside a vitest run (the benchmarks use the test config too) there is no run cluster.
  if (!process.env.VITEST) return null;
  return inject('postgresUrl') ?? null;
}

function schemaOf(home: string): string {
  return `t_${createHash('sha256').update(home).digest('hex').slice(0, 24)}`;
}

/** The database of the world whose home is `home`. */
export function testDatabase(home: string): DatabaseConfig {
  const url = testPostgresUrl();
  return url ? { kind: 'postgres', url, schema: schemaOf(home) } : { kind: 'sqlite', path: join(home, 'bottega.db') };
}

/** `DATABASE_URL` for a server process whose home is `home` (nothing on SQLite: the default file). */
export function testDatabaseEnv(home: string): Record<string, string> {
  const url = testPostgresUrl();
  if (!url) return {};
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schemaOf(home));
  return { DATABASE_URL: withSchema.toString() };
}

/** The database of a server process started over `home` (tests/server-process.ts: its BOTTEGA_HOME is `home/data`). */
export function serverDatabase(home: string): DatabaseConfig {
  return testPostgresUrl() ? testDatabase(home) : { kind: 'sqlite', path: join(home, 'data', 'bottega.db') };
}
