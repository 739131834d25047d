// The PostgreSQL half of `npm test`: one throwaway cluster per test project
// that runs on it (see apps/server/src/testing/database.ts), stopped and
// removed when the project ends.
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../packages/testkit/src/postgres/cluster';
import '../apps/server/src/testing/database';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
