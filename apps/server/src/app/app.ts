// The HTTP application: request id + logger, authentication, the declared
// routes with their access rules, the one error handler, and the web app.
// `createApp` is pure wiring; tests drive it in-process with `app.request`.
import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { authenticateHeaders, sessionCookie } from '../features/auth/authenticate';
import { authRoutes } from '../features/auth/routes';
import { adminRoutes } from '../features/admin/routes';
import { projectRoutes } from '../features/projects/routes';
import { taskRoutes } from '../features/tasks/routes';
import { inboxRoutes } from '../features/inbox/routes';
import { searchRoutes } from '../features/search/routes';
import { runRoutes, signalRoute } from '../features/runs/routes';
import { chatRoutes } from '../features/chat/routes';
import { providerRoutes } from '../features/providers/routes';
import { agentSettingsRoutes } from '../features/agent-settings/routes';
import { promptRoutes } from '../features/prompts/routes';
import { enforceAccess } from '../http/access';
import { endUnreadBodies, limitBody } from '../http/body-limits';
import { onError } from '../http/on-error';
import type { RouteDef } from '../http/routes';
import type { AppEnv } from '../http/types';
import { webAppRoutes } from './web';
import { webhookRoutes } from '../features/webhooks/routes';
import { usageRoutes } from '../features/usage/routes';
import { sandboxRoutes } from '../features/sandbox/routes';
import { capacityRoutes } from '../features/capacity/routes';
import { pullRequestRoutes } from '../features/pull-request/routes';
import { healthRoutes } from '../cluster/health';
import { clusterRoutes } from '../cluster/overview';

export function allRoutes(deps: Deps): RouteDef[] {
  return [
    { method: 'GET', path: '/api/health', access: { kind: 'public' }, handler: (c) => c.json({ ok: true }) },
    ...healthRoutes(deps),
    ...authRoutes(deps),
    ...adminRoutes(deps),
    ...projectRoutes(deps),
    ...taskRoutes(deps),
    ...inboxRoutes(deps),
    ...searchRoutes(deps),
    ...runRoutes(deps),
    ...chatRoutes(deps),
    ...providerRoutes(deps),
    ...agentSettingsRoutes(deps),
    ...promptRoutes(deps),
    ...webhookRoutes(deps),
    ...usageRoutes(deps),
    ...sandboxRoutes(deps),
    ...capacityRoutes(deps),
    ...pullRequestRoutes(deps),
    ...clusterRoutes(deps),
  ];
}

/**
 * A worker node's listener (docs/deploy/cluster.md#roles): the health answers and the signals
 * of the agents running on its machine; no API, no WebSockets, no web app.
 */
export function workerRoutes(deps: Deps): RouteDef[] {
  return [...healthRoutes(deps), signalRoute(deps)];
}

/**
 * State-changing requests from another site's page are refused (defence in
 * depth on top of SameSite cookies and JSON-only bodies). Requests without an
 * Origin header (scripts using API keys) are unaffected.
 */
function rejectCrossOrigin(method: string, origin: string | undefined, host: string | undefined): void {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || !origin) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    // An Origin that is not a URL matches no host: refused below.
    originHost = '';
  }
  if (originHost !== host) throw new AppError('FORBIDDEN', 'cross-origin request refused');
}

/** Resolves the caller; rejects with 401 unless the route is public. */
function authenticate(deps: Deps, required: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = await authenticateHeaders(deps, {
      cookie: c.req.header('cookie'),
      authorization: c.req.header('authorization'),
    });
    if (auth) {
      c.set('user', auth.user);
      if (auth.renewedToken) c.header('set-cookie', sessionCookie(deps.config, auth.renewedToken), { append: true });
    } else if (required) {
      throw new AppError('UNAUTHENTICATED', 'log in first');
    }
    await next();
  };
}

export function createApp(deps: Deps, routes: RouteDef[] = allRoutes(deps), options: { webApp?: boolean } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', endUnreadBodies);
  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.set('log', deps.logger.child({ requestId }));
    c.header('x-request-id', requestId);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    rejectCrossOrigin(c.req.method, c.req.header('origin'), c.req.header('host'));
    await next();
  });
  for (const route of routes) {
    app.on(
      route.method,
      route.path,
      authenticate(deps, route.access.kind !== 'public' && route.access.kind !== 'agent' && route.access.kind !== 'github'),
      limitBody(route, deps.config),
      enforceAccess(deps, route.access),
      (c) => route.handler(c),
    );
  }
  app.all('/api/*', () => {
    throw new AppError('NOT_FOUND', 'no such API route');
  });
  if (options.webApp ?? true) for (const route of webAppRoutes()) app.on(route.method, route.path, route.handler);
  app.onError(onError);
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'not found' } }, 404));
  return app;
}
