// Who this process is in a deployment of several (docs/deploy/cluster.md): one id per process
// start, and its role. `all` is the single-machine default (API, web app and worker in one
// process); `api` serves HTTP and WebSockets and starts no agent; `worker` executes agent runs
// and serves no API.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export type NodeRole = 'all' | 'api' | 'worker';

export interface NodeIdentity {
  /** New at every start: a node that comes back is a new node (its old runs were already taken over). */
  id: string;
  role: NodeRole;
  hostname: string;
  pid: number;
}

export function newNodeIdentity(role: NodeRole): NodeIdentity {
  return { id: randomUUID(), role, hostname: hostname(), pid: process.pid };
}

/** Whether the node executes agent runs. */
export const runsAgents = (role: NodeRole): boolean => role !== 'api';

/** Whether the node serves the API, the WebSocket hub and the web app. */
export const servesApi = (role: NodeRole): boolean => role !== 'worker';
