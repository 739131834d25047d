// Admin → Cluster (docs/deploy/cluster.md#the-admin-view): every node that runs or stopped in the
// last day, its state, and the agent runs executing on it, plus the cluster's queue. Reading it
// sweeps first (declares dead the nodes whose lease ran out), so a crashed node shows as `lost`
// as soon as an administrator looks, even when no other node has noticed yet.
import type { ClusterDto, ClusterNodeDto, ClusterRunDto, NodeState } from '@bottega/protocol';
import type { ClusterNodesTable } from '../db/schema';
import type { Deps } from '../deps';
import { access, type RouteDef } from '../http/routes';
import { iso } from '../time';

/** Stopped and lost nodes stay listed this long; older rows are history nobody asks about. */
export const STOPPED_NODES_SHOWN_MS = 24 * 60 * 60 * 1000;

export function nodeState(
  row: Pick<ClusterNodesTable, 'stopped_at' | 'stop_reason' | 'heartbeat_at'>,
  now: Date,
  leaseMs: number,
): NodeState {
  if (row.stopped_at !== null) return row.stop_reason === 'lease_expired' ? 'lost' : 'stopped';
  return Date.parse(row.heartbeat_at) < now.getTime() - leaseMs ? 'stale' : 'live';
}

export async function readCluster(deps: Deps): Promise<ClusterDto> {
  const expired = await deps.nodes.expireStale();
  if (expired.length > 0) deps.logger.warn({ nodes: expired }, 'nodes declared dead: their lease ran out');
  const now = deps.now();
  const since = iso(new Date(now.getTime() - STOPPED_NODES_SHOWN_MS));
  const rows = await deps.db
    .selectFrom('cluster_nodes')
    .selectAll()
    .where((eb) => eb.or([eb('stopped_at', 'is', null), eb('stopped_at', '>=', since)]))
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .execute();
  const running = await deps.db
    .selectFrom('agent_runs')
    .innerJoin('tasks', 'tasks.id', 'agent_runs.task_id')
    .select(['agent_runs.id', 'agent_runs.task_id', 'agent_runs.node_id', 'tasks.project_id'])
    .where('agent_runs.status', '=', 'running')
    .orderBy('agent_runs.id')
    .execute();
  const queued = await deps.db
    .selectFrom('agent_runs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  const runsOf = (nodeId: string | null): ClusterRunDto[] =>
    running.filter((r) => r.node_id === nodeId).map((r) => ({ runId: r.id, taskId: r.task_id, projectId: r.project_id }));
  const nodes: ClusterNodeDto[] = rows.map((row) => {
    const runs = runsOf(row.id);
    return {
      id: row.id,
      role: row.role,
      hostname: row.hostname,
      pid: row.pid,
      version: row.version,
      url: row.url,
      slots: row.slots,
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
      stoppedAt: row.stopped_at,
      state: nodeState(row, now, deps.config.nodeLeaseMs),
      running: runs.length,
      runs,
    };
  });
  // Running nodes first; within each group the newest start first (the query's order).
  nodes.sort((a, b) => Number(a.stoppedAt !== null) - Number(b.stoppedAt !== null));
  return {
    nodeId: deps.node.id,
    leaseSeconds: Math.round(deps.config.nodeLeaseMs / 1000),
    nodes,
    unplaced: runsOf(null),
    queued: Number(queued.n),
  };
}

export function clusterRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/admin/cluster',
      access: access.admin,
      handler: async (c) => c.json({ cluster: await readCluster(deps) }),
    },
  ];
}
