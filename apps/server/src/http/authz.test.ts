// The shared authorization suite (docs/behaviour/accounts.md#authorization): every declared route is called
// as anonymous, as a logged-in non-member, as a member and as an admin, each
// in a fresh world so destructive routes cannot mask each other. A route added
// without a sample request here makes the suite fail, and so does a route
// registered on the app outside the declared list.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../app/app';
import type { RouteDef } from './routes';
import { createTestContext, type TestContext } from '../testing/context';
import { buildWorld, fillPath, routeKey as key, samples } from '../testing/route-world';

type Role = 'anonymous' | 'outsider' | 'member' | 'admin';

describe('authorization suite', () => {
  let ctx: TestContext;
  let routes: RouteDef[];
  beforeAll(async () => {
    ctx = await createTestContext();
    routes = allRoutes(ctx.deps);
  });
  afterAll(async () => ctx.close());

  it('has a sample request for every body-accepting route', () => {
    const missing = routes.filter((r) => r.body && !samples[key(r)]).map(key);
    expect(missing).toEqual([]);
  });

  it('registers no API route on the app outside the declared, access-checked list', () => {
    const declared = new Set(routes.map(key));
    const registered = ctx.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.path !== '/api/*' && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    expect(registered.filter((r) => !declared.has(r))).toEqual([]);
    expect(declared.size).toBeGreaterThan(30);
  });

  const roles: Role[] = ['anonymous', 'outsider', 'member', 'admin'];

  // A fresh world per route and role: on PostgreSQL under load that takes longer than a unit test's default.
  it("enforces each route's access rule for every role", { timeout: 90_000 }, async () => {
    const failures: string[] = [];
    for (const route of routes) {
      for (const role of roles) {
        const w = await buildWorld(ctx);
        const as = role === 'anonymous' ? null : w[role];
        const sample = (await samples[key(route)]?.(ctx, w, as)) ?? {};
        const query = sample.query ? `?${new URLSearchParams(sample.query).toString()}` : '';
        const res = await ctx.request(route.method, fillPath(route, w) + query, {
          ...(as ? { as } : {}),
          ...(sample.json !== undefined ? { json: sample.json } : {}),
          ...(sample.form ? { body: sample.form } : {}),
        });
        const text = await res.text();
        const expectation = expected(route, role);
        const ok = expectation === 'allowed' ? passedAuthorization(res.status, text) : res.status === expectation;
        const seesAll = role === 'admin' || (role === 'member' && route.access.kind !== 'admin');
        const leaked =
          !seesAll &&
          (expectation !== 'allowed' || route.access.kind === 'user') &&
          (text.includes(w.projectName) || text.includes(w.taskTitle) || text.includes('secret notes'));
        if (!ok || leaked)
          failures.push(`${key(route)} as ${role}: got ${res.status}${leaked ? ' and leaked data' : ''} (${text.slice(0, 120)})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("keeps a project's owner-only actions from members who are not its owners", async () => {
    const w = await buildWorld(ctx);
    const path = `/api/projects/${w.projectId}`;
    const attempts = [
      await ctx.request('DELETE', path, { as: w.member2 }),
      await ctx.request('POST', `${path}/clone`, { as: w.member2 }),
      await ctx.request('PATCH', path, { as: w.member2, json: { repoPath: join(ctx.home, 'repos', 'elsewhere') } }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain(w.projectName);
    }
    expect((await ctx.request('GET', path, { as: w.member2 })).status).toBe(200);
  });
});

/**
 * Allowed means the request got past authorization: a success, or a refusal
 * for a precondition of the world that is not about access (setup already
 * done, no provider connected, nothing in progress to act on).
 */
function passedAuthorization(status: number, text: string): boolean {
  if (status < 400) return true;
  const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  return code === 'SETUP_CLOSED' || code === 'PROVIDER_CREDENTIALS_MISSING' || code === 'CONFLICT';
}

function expected(route: RouteDef, role: Role): 'allowed' | 401 | 403 | 404 {
  const kind = route.access.kind;
  if (kind === 'public') return 'allowed';
  // Agent routes accept only a run token, webhook routes only GitHub's
  // signature: no user login, whatever its role, gets in.
  if (kind === 'agent' || kind === 'github') return 401;
  if (role === 'anonymous') return 401;
  if (role === 'admin') return 'allowed';
  switch (kind) {
    case 'user':
      return 'allowed';
    case 'admin':
      return 403;
    case 'project':
    case 'task':
    case 'conversation':
    case 'run':
      return role === 'member' ? 'allowed' : 404;
  }
}
