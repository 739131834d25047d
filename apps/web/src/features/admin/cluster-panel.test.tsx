// Admin → Cluster: every node with its role, host, state badge, heartbeat and running runs against
// its slots, the queue, and a one-node state that explains several nodes; read again while open.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { ClusterDto, ClusterNodeDto } from '@bottega/protocol';
import { ClusterPanel } from './cluster-panel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

function node(over: Partial<ClusterNodeDto> & Pick<ClusterNodeDto, 'id'>): ClusterNodeDto {
  return {
    role: 'worker',
    hostname: `host-${over.id}`,
    pid: 100,
    version: '1.0.0',
    url: null,
    slots: 8,
    startedAt: secondsAgo(3600),
    heartbeatAt: secondsAgo(2),
    stoppedAt: null,
    state: 'live',
    running: 0,
    runs: [],
    ...over,
  };
}

function serve(...pictures: ClusterDto[]): { calls: () => number } {
  let calls = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      if (!url.endsWith('/api/admin/cluster')) throw new Error(`unexpected ${url}`);
      const picture = pictures[Math.min(calls, pictures.length - 1)];
      calls += 1;
      return json({ cluster: picture });
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter>
        <ClusterPanel />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return { calls: () => calls };
}

const several: ClusterDto = {
  nodeId: 'api-1',
  leaseSeconds: 15,
  queued: 3,
  unplaced: [],
  nodes: [
    node({ id: 'api-1', role: 'api', hostname: 'web-1', slots: 0 }),
    node({
      id: 'w-1',
      hostname: 'gpu-box',
      running: 2,
      runs: [
        { runId: 7, taskId: 70, projectId: 4 },
        { runId: 8, taskId: 80, projectId: 4 },
      ],
    }),
    node({ id: 'w-2', hostname: 'slow-box', state: 'stale', heartbeatAt: secondsAgo(40) }),
    node({ id: 'w-3', hostname: 'dead-box', state: 'lost', heartbeatAt: secondsAgo(3 * 3600), stoppedAt: secondsAgo(3 * 3600 - 20) }),
  ],
};

describe('cluster panel', () => {
  it('lists each node with its role, state, heartbeat and runs, and the queue', async () => {
    serve(several);
    const panel = await screen.findByTestId('cluster-panel');
    expect(panel.textContent).toContain('2 of 3 nodes live');
    expect(panel.textContent).toContain('2 stale or lost');
    expect(panel.textContent).toContain('3 queued');
    expect(panel.textContent).toContain('silent for 15 s');
    expect(screen.queryByTestId('cluster-one-node')).toBeNull();

    const api = within(screen.getByTestId('cluster-node-api-1'));
    expect(api.getByText('web-1')).toBeTruthy();
    expect(api.getByText('API')).toBeTruthy();
    expect(api.getByText('Live')).toBeTruthy();
    expect(api.getByText('just now')).toBeTruthy();
    expect(api.getByText(/answered this page/)).toBeTruthy();

    const worker = within(screen.getByTestId('cluster-node-w-1'));
    expect(worker.getByText('Worker')).toBeTruthy();
    expect(worker.getByText('2 / 8')).toBeTruthy();
    expect(worker.getByRole('link', { name: 'run 7 (task #70)' }).getAttribute('href')).toBe('/projects/4/tasks/70');

    expect(within(screen.getByTestId('cluster-node-w-2')).getByText('Stale')).toBeTruthy();
    const lost = within(screen.getByTestId('cluster-node-w-3'));
    expect(lost.getByText('Lost').getAttribute('title')).toContain('declared dead');
    expect(lost.getByText('3 h ago')).toBeTruthy();
  });

  it('explains several nodes when the instance runs as one, and names the deployment guide', async () => {
    serve({ nodeId: 'one', leaseSeconds: 15, queued: 0, unplaced: [], nodes: [node({ id: 'one', role: 'all', hostname: 'laptop' })] });
    const explained = await screen.findByTestId('cluster-one-node');
    expect(explained.textContent).toContain('runs as one node');
    expect(explained.textContent).toContain('bottega start --no-worker');
    expect(explained.textContent).toContain('bottega worker');
    expect(explained.textContent).toContain('docs/deploy/cluster.md');
    expect(within(screen.getByTestId('cluster-node-one')).getByText('API + worker')).toBeTruthy();
    expect(screen.getByTestId('cluster-panel').textContent).toContain('1 of 1 node live');
  });

  it('reads the nodes again while open, so a node that died shows as lost', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const dying = {
        ...several,
        nodes: [several.nodes[0] as ClusterNodeDto, node({ id: 'w-9', state: 'lost', stoppedAt: secondsAgo(1) })],
      };
      const served = serve({ ...several, nodes: [several.nodes[0] as ClusterNodeDto, node({ id: 'w-9' })] }, dying);
      expect(await within(await screen.findByTestId('cluster-node-w-9')).findByText('Live')).toBeTruthy();
      await vi.advanceTimersByTimeAsync(6000);
      await waitFor(() => expect(within(screen.getByTestId('cluster-node-w-9')).getByText('Lost')).toBeTruthy());
      expect(served.calls()).toBeGreaterThanOrEqual(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
