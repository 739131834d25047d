// Serves the app: HTTP (API + web app) and the WebSocket hub on one port; a worker node serves
// only its health answers and its agents' signals (docs/deploy/cluster.md#roles).
// `close()` shuts down in order: stop accepting, drop live sockets, finish
// in-flight requests (bounded), cancel worktree checkouts and copies, wait for
// background work (bounded).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Deps } from '../deps';
import { attachWebSocketHub } from '../events/ws-hub';
import { isProjectMember, visibleTaskProjectId } from '../http/access';
import { createApp, workerRoutes } from './app';
import { runsAgents, servesApi } from '../cluster/node';
import { watchPullRequests } from '../engine/pr-watch';
import { authenticateHeaders } from '../features/auth/authenticate';
import { cancelAllWorktreeWork } from '../workspace/worktree';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close: () => Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

export async function startServer(deps: Deps, listen: { host: string; port: number }): Promise<RunningServer> {
  const api = servesApi(deps.node.role);
  const app = api ? createApp(deps) : createApp(deps, workerRoutes(deps), { webApp: false });
  // Bodies left unread are ended by the app itself (http/body-limits.ts), not drained.
  const server = createAdaptorServer({ fetch: app.fetch, autoCleanupIncoming: false }) as Server;
  const hub = api
    ? attachWebSocketHub(server, deps, {
        authenticate: async (req) => {
          const auth = await authenticateHeaders(deps, { cookie: req.headers.cookie, authorization: req.headers.authorization });
          return auth ? { id: auth.user.id, isAdmin: auth.user.isAdmin } : null;
        },
        taskAccess: (user, taskId) => visibleTaskProjectId(deps.db, user, taskId),
        projectAccess: async (user, projectId) =>
          (await deps.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst()) !== undefined &&
          (await isProjectMember(deps.db, user, projectId)),
        reloadUser: async (userId) => {
          const row = await deps.db.selectFrom('users').select(['id', 'is_admin', 'is_active']).where('id', '=', userId).executeTakeFirst();
          return row && row.is_active === 1 ? { id: row.id, isAdmin: row.is_admin === 1 } : null;
        },
      })
    : null;
  if (hub) deps.realtime.attach(hub);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  // Agents on this machine reach the server on loopback when it listens on every interface.
  const reachable = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '[::1]' : host;
  deps.address.url = `http://${reachable}:${port}`;
  // Live PR runs have their pull request followed (CI rounds, the cap) also without a webhook,
  // by the nodes that execute runs.
  const prWatch = runsAgents(deps.node.role) ? watchPullRequests(deps) : null;

  const close = async (): Promise<void> => {
    prWatch?.stop();
    if (hub) deps.realtime.detach();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await hub?.close();
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(timer);
    // Nothing more starts; queued runs stay queued in the database for the next start.
    deps.scheduler.stop();
    // Agent turns end with the server: no agent process may outlive it. Each
    // provider stops its own services too (sign-in flows, the demo model).
    await deps.harness.shutdown();
    // Unfinished checkouts resume at the next start; unfinished dependency copies
    // are abandoned (the worktree works without them). No git or cp outlives us.
    // A clone cut short removes its folder and is marked failed (retry later).
    deps.clones.stopAll();
    const cancelled = await cancelAllWorktreeWork();
    if (cancelled > 0) deps.logger.warn({ cancelled }, 'worktree preparation cancelled by shutdown');
    await Promise.race([deps.background.drain(), new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())]);
  };
  return { url: `http://${host}:${port}`, port, server, close };
}
