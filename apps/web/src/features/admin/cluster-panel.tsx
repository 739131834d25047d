// Admin → Cluster (docs/deploy/cluster.md#the-admin-view): is every node alive, and where do the
// runs execute. Each node with its role, host, state, last heartbeat and its running runs against
// its slots, and the cluster's queue. With one node, it says what several nodes are and where to
// read how to set them up. Read again every few seconds while the page is open.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import type { ClusterDto, ClusterNodeDto, ClusterRunDto, NodeRole, NodeState } from '@bottega/protocol';
import { ago } from '../../lib/ago';
import { api } from '../../lib/api';
import { keys } from '../../lib/keys';
import { paths } from '../../lib/routing';
import { Badge, ErrorState, LoadingState } from '../../ui';

/** How often the open panel reads the nodes again (a node's heartbeat is a third of the lease). */
export const CLUSTER_REFRESH_MS = 5000;

const ROLE_LABELS: Record<NodeRole, string> = { all: 'API + worker', api: 'API', worker: 'Worker' };

const STATES: Record<NodeState, { label: string; tone: 'green' | 'amber' | 'stone' | 'red'; means: string }> = {
  live: { label: 'Live', tone: 'green', means: 'its heartbeat is within the lease' },
  stale: { label: 'Stale', tone: 'amber', means: 'silent longer than the lease; another node will declare it dead' },
  stopped: { label: 'Stopped', tone: 'stone', means: 'stopped cleanly' },
  lost: { label: 'Lost', tone: 'red', means: 'declared dead after its lease ran out; its runs were taken over' },
};

export function ClusterPanel() {
  const cluster = useQuery({
    queryKey: keys.adminCluster,
    queryFn: async ({ signal }) => (await api.get('/api/admin/cluster', { signal })).cluster,
    refetchInterval: CLUSTER_REFRESH_MS,
  });
  if (cluster.isPending) return <LoadingState label="Reading the nodes…" />;
  if (cluster.isError && !cluster.data) return <ErrorState error={cluster.error} retry={() => void cluster.refetch()} />;
  const c = cluster.data;
  const running = c.nodes.filter((n) => n.stoppedAt === null);
  const troubled = c.nodes.filter((n) => n.state === 'stale' || n.state === 'lost').length;
  return (
    <div className="flex flex-col gap-3 text-sm sm:max-w-4xl" data-testid="cluster-panel">
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone="green">
          {running.filter((n) => n.state === 'live').length} of {running.length} {running.length === 1 ? 'node' : 'nodes'} live
        </Badge>
        {troubled > 0 && <Badge tone="red">{troubled} stale or lost</Badge>}
        <Badge tone="stone">{c.queued} queued</Badge>
        <span className="text-stone-600">A node silent for {c.leaseSeconds} s is declared dead and its runs are taken over.</span>
      </p>
      {running.length <= 1 && <OneNode />}
      {c.nodes.length > 0 && <NodesTable cluster={c} />}
      {c.unplaced.length > 0 && (
        <p className="text-stone-600" data-testid="cluster-unplaced">
          Running without a recorded node: <RunLinks runs={c.unplaced} />
        </p>
      )}
    </div>
  );
}

/** The single-machine case: what several nodes would be, and where to read more. */
function OneNode() {
  const code = 'rounded bg-stone-100 px-1';
  return (
    <div className="flex flex-col gap-1 rounded-md border border-stone-200 bg-stone-50 p-3 text-stone-700" data-testid="cluster-one-node">
      <p>
        This instance runs as one node. With PostgreSQL it can run as several, sharing one database and one{' '}
        <code className={code}>BOTTEGA_HOME</code>:
      </p>
      <ul className="list-disc pl-5">
        <li>
          API nodes serve the app behind a proxy: <code className={code}>bottega start --no-worker</code>
        </li>
        <li>
          worker nodes execute the agents, on other machines: <code className={code}>bottega worker</code>
        </li>
      </ul>
      <p>
        How to set them up: <code className={code}>docs/deploy/cluster.md</code> in Bottega&apos;s documentation.
      </p>
    </div>
  );
}

function NodesTable({ cluster }: { cluster: ClusterDto }) {
  return (
    <table className="w-full table-fixed text-left tabular-nums sm:table-auto" aria-label="Nodes">
      <thead className="text-xs text-stone-500">
        <tr>
          <th scope="col" className="w-[38%] py-1 pr-3 font-medium sm:w-auto">
            Node
          </th>
          <th scope="col" className="w-[26%] py-1 pr-3 font-medium sm:w-auto">
            State
          </th>
          <th scope="col" className="w-[16%] py-1 pr-3 text-right font-medium sm:w-auto">
            Running
          </th>
          <th scope="col" className="py-1 font-medium">
            Runs
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {cluster.nodes.map((n) => (
          <NodeRow key={n.id} node={n} self={n.id === cluster.nodeId} />
        ))}
      </tbody>
    </table>
  );
}

function NodeRow({ node, self }: { node: ClusterNodeDto; self: boolean }) {
  const state = STATES[node.state];
  return (
    <tr data-testid={`cluster-node-${node.id}`} className="align-top">
      <th scope="row" className="py-1.5 pr-3 font-medium">
        <span className="block truncate text-stone-800" title={`${node.hostname}, process ${node.pid}, ${node.id}`}>
          {node.hostname}
        </span>
        <span className="block text-xs font-normal text-stone-600">
          <span>{ROLE_LABELS[node.role]}</span> · pid {node.pid} · v{node.version}
          {self && <span className="block">answered this page</span>}
        </span>
      </th>
      <td className="py-1.5 pr-3">
        <Badge tone={state.tone} title={state.means}>
          {state.label}
        </Badge>
        <time className="block text-xs text-stone-600" dateTime={node.heartbeatAt} title={`last heartbeat ${node.heartbeatAt}`}>
          {ago(node.heartbeatAt)}
        </time>
      </td>
      <td className="whitespace-nowrap py-1.5 pr-3 text-right">{node.role === 'api' ? '—' : `${node.running} / ${node.slots}`}</td>
      <td className="break-words py-1.5">
        {node.runs.length === 0 ? <span className="text-stone-500">none</span> : <RunLinks runs={node.runs} />}
      </td>
    </tr>
  );
}

function RunLinks({ runs }: { runs: readonly ClusterRunDto[] }) {
  return (
    <span className="inline-flex flex-wrap gap-x-2">
      {runs.map((r) => (
        <Link key={r.runId} to={paths.task(r.projectId, r.taskId)} className="text-indigo-700 hover:underline">
          run {r.runId} (task #{r.taskId})
        </Link>
      ))}
    </span>
  );
}
