// Several processes on one database (docs/deploy/cluster.md): API nodes serve the API, worker
// nodes execute agent runs, `all` does both. Each node keeps a heartbeat; one silent longer than
// the lease is declared dead (`lost`) by another node. The health answers tell a load balancer or
// an orchestrator whether a node can take traffic; the admin view shows where runs execute.
import { z } from 'zod';

export const nodeRoles = ['all', 'api', 'worker'] as const;
export const NodeRole = z.enum(nodeRoles);
export type NodeRole = z.infer<typeof NodeRole>;

/**
 * `live`: heartbeat within the lease. `stale`: heartbeat older than the lease, not yet declared
 * dead. `stopped`: stopped cleanly. `lost`: declared dead by another node (its runs were taken over).
 */
export const nodeStates = ['live', 'stale', 'stopped', 'lost'] as const;
export const NodeState = z.enum(nodeStates);
export type NodeState = z.infer<typeof NodeState>;

/** GET /api/health/live: the process answers (no database call). */
export const HealthLiveResponse = z.object({ status: z.literal('ok'), node: z.string(), role: NodeRole });
export type HealthLiveResponse = z.infer<typeof HealthLiveResponse>;

/** GET /api/health/ready: 200 when the node can serve; 503 `{status: 'not_ready', reason}` otherwise. */
export const HealthReadyResponse = z.union([
  z.object({ status: z.literal('ready'), node: z.string(), role: NodeRole }),
  z.object({ status: z.literal('not_ready'), reason: z.string() }),
]);
export type HealthReadyResponse = z.infer<typeof HealthReadyResponse>;

/** A running agent run and the task it works on. */
export const ClusterRunDto = z.object({ runId: z.number().int(), taskId: z.number().int(), projectId: z.number().int() });
export type ClusterRunDto = z.infer<typeof ClusterRunDto>;

export const ClusterNodeDto = z.object({
  id: z.string(),
  role: NodeRole,
  hostname: z.string(),
  pid: z.number().int(),
  version: z.string(),
  /** Where the node's listener is reached (a worker's is on its own loopback). */
  url: z.string().nullable(),
  /** Agent runs the node executes at once (0 for an API node). */
  slots: z.number().int(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  /** When it stopped or was declared dead; null while it runs. */
  stoppedAt: z.string().nullable(),
  state: NodeState,
  /** Agent runs executing on the node now. */
  running: z.number().int(),
  runs: z.array(ClusterRunDto),
});
export type ClusterNodeDto = z.infer<typeof ClusterNodeDto>;

export const ClusterDto = z.object({
  /** This node (the one that answered). */
  nodeId: z.string(),
  /** A node silent this long is declared dead. */
  leaseSeconds: z.number().int(),
  /** Running nodes, then those stopped or lost in the last day; newest first in each group. */
  nodes: z.array(ClusterNodeDto),
  /** Runs running without a node recorded (started before the deployment recorded nodes). */
  unplaced: z.array(ClusterRunDto),
  /** Runs waiting in the cluster's queue. */
  queued: z.number().int(),
});
export type ClusterDto = z.infer<typeof ClusterDto>;

export const ClusterResponse = z.object({ cluster: ClusterDto });
export type ClusterResponse = z.infer<typeof ClusterResponse>;
