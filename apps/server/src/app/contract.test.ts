// The server's route table against the API contract (packages/protocol,
// contract.ts): the same routes on both sides, each taking the same kind of
// body. The answers are checked by the compiler (routes.ts types every
// handler from its contract entry); the last test pins that typing, so a
// loosened RouteDef fails `npm run typecheck` here.
import { apiContract } from '@bottega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/context';
import { routeKey } from '../testing/route-world';
import { allRoutes } from './app';
import { access, type RouteDef } from '../http/routes';

describe('the route table and the API contract', () => {
  let ctx: TestContext;
  let routes: RouteDef[];
  beforeAll(async () => {
    ctx = await createTestContext();
    routes = allRoutes(ctx.deps);
  });
  afterAll(async () => ctx.close());

  it('name the same routes: every server route has a contract entry and every entry a route', () => {
    const served = routes.map(routeKey);
    const declared = Object.keys(apiContract);
    expect(served.filter((k) => !declared.includes(k))).toEqual([]);
    expect(declared.filter((k) => !served.includes(k))).toEqual([]);
    expect(served.length).toBe(new Set(served).size);
  });

  it('agree on the kind of body each route takes', () => {
    const disagreements = routes
      .map((r) => ({
        key: routeKey(r),
        server: r.body ?? null,
        contract: (apiContract as Partial<Record<string, { body: unknown }>>)[routeKey(r)]?.body,
      }))
      .filter((d) => d.server !== d.contract);
    expect(disagreements).toEqual([]);
  });

  it('type each handler from its contract entry (checked by the compiler)', () => {
    // @ts-expect-error GET /api/auth/me answers `{ user: UserDto }`, not a name.
    const wrongAnswer: RouteDef = {
      method: 'GET',
      path: '/api/auth/me',
      access: access.user,
      handler: (c) => c.json({ user: c.get('user').username }),
    };
    // @ts-expect-error DELETE /api/tasks/:taskId answers 204 with no body.
    const wrongStatus: RouteDef = {
      method: 'DELETE',
      path: '/api/tasks/:taskId',
      access: access.task,
      handler: (c) => c.json({ ok: true }),
    };
    // @ts-expect-error a route the contract does not declare.
    const undeclared: RouteDef = { method: 'GET', path: '/api/nowhere', access: access.user, handler: (c) => c.json({}) };
    expect([wrongAnswer, wrongStatus, undeclared].map(routeKey)).toEqual([
      'GET /api/auth/me',
      'DELETE /api/tasks/:taskId',
      'GET /api/nowhere',
    ]);
  });
});
