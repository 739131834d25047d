// A project's extra sandbox hosts (docs/behaviour/reliability.md), read for every agent turn on
// the project; administrators replace the list (features/sandbox).
import type { Db } from '../db/open';

export async function allowedHostsOf(db: Db, projectId: number): Promise<string[]> {
  const rows = await db.selectFrom('project_allowed_hosts').select('host').where('project_id', '=', projectId).orderBy('host').execute();
  return rows.map((r) => r.host);
}
