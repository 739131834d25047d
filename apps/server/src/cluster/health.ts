// Health answers for a load balancer or an orchestrator (docs/deploy/cluster.md#health), on
// every role's listener, without a login and without anything secret. `live`: the process
// answers (no database call, so a slow database does not get a node restarted). `ready`: the
// node can take traffic — the database answers, its row is registered and nobody declared it dead.
import { sql } from 'kysely';
import type { Deps } from '../deps';
import { access, type RouteDef } from '../http/routes';

type HealthDeps = Pick<Deps, 'db' | 'node' | 'nodes' | 'logger'>;

/** Why the node cannot take traffic, in plain words; null when it can. */
export async function notReadyReason(deps: HealthDeps): Promise<string | null> {
  if (deps.nodes.isLost) return 'this node was declared dead by another node';
  let row: { stopped_at: string | null; stop_reason: string | null } | undefined;
  try {
    await sql`select 1`.execute(deps.db);
    row = await deps.db.selectFrom('cluster_nodes').select(['stopped_at', 'stop_reason']).where('id', '=', deps.node.id).executeTakeFirst();
  } catch (err) {
    // The error may name the database's host or user: logged, not answered.
    deps.logger.warn({ err: (err as Error).message }, 'readiness: the database did not answer');
    return 'the database does not answer';
  }
  if (!row) return 'this node is not registered yet';
  if (row.stopped_at !== null)
    return row.stop_reason === 'lease_expired' ? 'this node was declared dead by another node' : 'this node is stopping';
  return null;
}

export function healthRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/health/live',
      access: access.public,
      handler: (c) => c.json({ status: 'ok' as const, node: deps.node.id, role: deps.node.role }),
    },
    {
      method: 'GET',
      path: '/api/health/ready',
      access: access.public,
      handler: async (c) => {
        const reason = await notReadyReason(deps);
        return reason === null
          ? c.json({ status: 'ready' as const, node: deps.node.id, role: deps.node.role })
          : c.json({ status: 'not_ready' as const, reason }, 503);
      },
    },
  ];
}
