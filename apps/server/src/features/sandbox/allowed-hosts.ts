// A project's extra sandbox hosts (docs/behaviour/sandbox.md#allowed-hosts): read for every agent turn on
// the project, replaced whole by an administrator.
import type { Db } from '../../db/open';
import { allowedHostsOf } from '../../sandbox/allowed-hosts';
import { inTransaction } from '../../db/transaction';

export { allowedHostsOf };

/** Replaces the project's list in one transaction; duplicates collapse. */
export async function replaceAllowedHosts(db: Db, projectId: number, hosts: readonly string[]): Promise<string[]> {
  const unique = [...new Set(hosts)];
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('project_allowed_hosts').where('project_id', '=', projectId).execute();
    if (unique.length > 0)
      await trx
        .insertInto('project_allowed_hosts')
        .values(unique.map((host) => ({ project_id: projectId, host })))
        .execute();
  });
  return allowedHostsOf(db, projectId);
}
