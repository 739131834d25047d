// The reviewed access map (docs/behaviour/accounts.md#authorization). The shared authorization suite checks
// that each route enforces the access kind it declares; this file pins the
// declarations themselves. ACCESS_MAP is written by hand and reviewed: a route
// whose access changes — or a route added or removed — fails here until the
// map is updated on purpose. The administrators' routes are also probed
// directly as a project's owner and as a plain member: 403, nothing written.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../app/app';
import type { AccessKind, RouteDef } from './routes';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import { buildWorld, fillPath, routeKey, samples, type World } from '../testing/route-world';

const ACCESS_MAP: Record<string, AccessKind> = {
  'GET /api/health': 'public',
  'GET /api/health/live': 'public',
  'GET /api/health/ready': 'public',
  'GET /api/auth/status': 'public',
  'POST /api/auth/register': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'user',
  'GET /api/auth/me': 'user',
  'POST /api/auth/password': 'user',
  'PATCH /api/auth/profile': 'user',
  'GET /api/auth/api-key': 'user',
  'POST /api/auth/api-key': 'user',
  'DELETE /api/auth/api-key': 'user',
  'GET /api/admin/users': 'admin',
  'POST /api/admin/users': 'admin',
  'PATCH /api/admin/users/:userId': 'admin',
  'POST /api/admin/users/:userId/password': 'admin',
  'DELETE /api/admin/users/:userId': 'admin',
  'GET /api/projects/:projectId/members': 'project',
  'POST /api/projects/:projectId/members': 'admin',
  'PATCH /api/projects/:projectId/members/:userId': 'admin',
  'DELETE /api/projects/:projectId/members/:userId': 'admin',
  'GET /api/admin/settings': 'admin',
  'PATCH /api/admin/settings': 'admin',
  'GET /api/projects': 'user',
  'GET /api/inbox': 'user',
  'GET /api/search/tasks': 'user',
  'POST /api/projects': 'user',
  'GET /api/projects/:projectId': 'project',
  'PATCH /api/projects/:projectId': 'project',
  'DELETE /api/projects/:projectId': 'project',
  'POST /api/projects/:projectId/clone': 'project',
  'GET /api/projects/:projectId/tasks': 'project',
  'POST /api/projects/:projectId/tasks': 'project',
  'GET /api/tasks/:taskId': 'task',
  'PATCH /api/tasks/:taskId': 'task',
  'DELETE /api/tasks/:taskId': 'task',
  'POST /api/tasks/:taskId/merge': 'task',
  'GET /api/tasks/:taskId/diff': 'task',
  'GET /api/tasks/:taskId/document': 'task',
  'PUT /api/tasks/:taskId/document': 'task',
  'GET /api/tasks/:taskId/files': 'task',
  'POST /api/tasks/:taskId/files': 'task',
  'GET /api/tasks/:taskId/files/:name': 'task',
  'DELETE /api/tasks/:taskId/files/:name': 'task',
  'POST /api/tasks/:taskId/agent-runs': 'task',
  'POST /api/agent-runs/:runId/resume': 'run',
  'POST /api/agent-runs/:runId/cancel': 'run',
  'POST /api/signals': 'agent',
  'GET /api/tasks/:taskId/agent-runs': 'task',
  'GET /api/projects/:projectId/active-runs': 'project',
  'GET /api/agent-runs/:runId': 'run',
  'GET /api/tasks/:taskId/conversations': 'task',
  'GET /api/conversations/:conversationId': 'conversation',
  'GET /api/tasks/:taskId/commands': 'task',
  'POST /api/tasks/:taskId/tmp-files': 'task',
  'GET /api/tasks/:taskId/chat-images/:name': 'task',
  'POST /api/tasks/:taskId/conversations': 'task',
  'POST /api/conversations/:conversationId/messages': 'conversation',
  'PATCH /api/conversations/:conversationId': 'conversation',
  'POST /api/conversations/:conversationId/stop': 'conversation',
  'POST /api/conversations/:conversationId/answer': 'conversation',
  'GET /api/conversations/:conversationId/live': 'conversation',
  'GET /api/conversations/:conversationId/messages': 'conversation',
  'GET /api/providers': 'user',
  'PUT /api/providers/anthropic': 'user',
  'DELETE /api/providers/anthropic': 'user',
  'POST /api/providers/anthropic/simulated': 'user',
  'POST /api/providers/anthropic/setup-token/start': 'user',
  'POST /api/providers/anthropic/setup-token/complete': 'user',
  'POST /api/providers/anthropic/setup-token/cancel': 'user',
  'GET /api/providers/anthropic/setup-token': 'user',
  'PUT /api/providers/openai': 'user',
  'DELETE /api/providers/openai': 'user',
  'POST /api/providers/openai/device-login/start': 'user',
  'GET /api/providers/openai/device-login': 'user',
  'POST /api/providers/openai/device-login/cancel': 'user',
  'PUT /api/providers/opencode': 'user',
  'DELETE /api/providers/opencode': 'user',
  'GET /api/providers/opencode/models': 'user',
  'GET /api/agent-settings': 'user',
  'PUT /api/agent-settings': 'user',
  'GET /api/prompts': 'user',
  'GET /api/prompts/:name': 'user',
  'PUT /api/prompts/:name': 'admin',
  'DELETE /api/prompts/:name': 'admin',
  'GET /api/webhooks/health': 'public',
  'POST /api/webhooks/github': 'github',
  'GET /api/tasks/:taskId/usage': 'task',
  'GET /api/projects/:projectId/usage': 'project',
  'GET /api/admin/prices': 'admin',
  'PUT /api/admin/prices': 'admin',
  'DELETE /api/admin/prices': 'admin',
  'GET /api/admin/sandbox': 'admin',
  'GET /api/admin/capacity': 'admin',
  'PUT /api/admin/capacity': 'admin',
  'GET /api/admin/cluster': 'admin',
  'GET /api/projects/:projectId/allowed-hosts': 'project',
  'PUT /api/projects/:projectId/allowed-hosts': 'admin',
  'GET /api/tasks/:taskId/pull-request': 'task',
  'GET /api/projects/:projectId/pr-settings': 'project',
  'PUT /api/projects/:projectId/pr-settings': 'project',
  'GET /api/projects/:projectId/wip-limits': 'project',
  'PUT /api/projects/:projectId/wip-limits': 'project',
};

/** Administrators-only routes outside `/api/admin/`, listed by hand. */
const ADMIN_ROUTES_ELSEWHERE = [
  'POST /api/projects/:projectId/members',
  'PATCH /api/projects/:projectId/members/:userId',
  'DELETE /api/projects/:projectId/members/:userId',
  'PUT /api/projects/:projectId/allowed-hosts',
  'PUT /api/prompts/:name',
  'DELETE /api/prompts/:name',
];

const TABLES = ['users', 'projects', 'project_members', 'tasks', 'instance_settings', 'model_prices', 'project_allowed_hosts'] as const;

/** The rows an administrator's route could change, and the instance's prompt overrides. */
async function snapshot(ctx: TestContext): Promise<string> {
  const h = createHash('sha256');
  for (const t of TABLES) h.update(JSON.stringify(await ctx.deps.db.selectFrom(t).selectAll().execute()));
  h.update(JSON.stringify(await readdir(`${ctx.home}/prompts`).catch(() => [])));
  return h.digest('hex');
}

describe('access map', () => {
  let ctx: TestContext;
  let routes: RouteDef[];
  beforeAll(async () => {
    ctx = await createTestContext();
    routes = allRoutes(ctx.deps);
  });
  afterAll(async () => ctx.close());

  it('every route has exactly the reviewed access kind, and no route is missing or unreviewed', () => {
    const actual = Object.fromEntries(routes.map((r) => [routeKey(r), r.access.kind]));
    expect(routes.length).toBe(new Set(routes.map(routeKey)).size);
    expect(actual).toEqual(ACCESS_MAP);
  });

  it("refuses a project's owner and a plain member with 403 on every administrators' route, writing nothing", async () => {
    const adminPaths = routes.filter((r) => r.path.startsWith('/api/admin/')).map(routeKey);
    const probed = [...adminPaths, ...ADMIN_ROUTES_ELSEWHERE];
    expect(probed.length).toBeGreaterThanOrEqual(17);
    const failures: string[] = [];
    for (const key of probed) {
      const route = routes.find((r) => routeKey(r) === key);
      if (!route) {
        failures.push(`${key}: no such route`);
        continue;
      }
      const w: World = await buildWorld(ctx);
      for (const [who, as] of [
        ['owner', w.member],
        ['plain member', w.member2],
      ] as [string, TestUser][]) {
        const sample = (await samples[key]?.(ctx, w, as)) ?? {};
        const before = await snapshot(ctx);
        const res = await ctx.request(route.method, fillPath(route, w), {
          as,
          ...(sample.json !== undefined ? { json: sample.json } : {}),
          ...(sample.form ? { body: sample.form } : {}),
        });
        const text = await res.text();
        if (res.status !== 403) failures.push(`${key} as ${who}: ${res.status} (${text.slice(0, 120)})`);
        if ((await snapshot(ctx)) !== before) failures.push(`${key} as ${who}: something was written`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets an administrator add a member (the probe above reaches a working route)', async () => {
    const w = await buildWorld(ctx);
    const res = await ctx.request('POST', `/api/projects/${w.projectId}/members`, { as: w.admin, json: { userId: w.target.row.id } });
    expect(res.status).toBeLessThan(300);
    const row = await ctx.deps.db
      .selectFrom('project_members')
      .selectAll()
      .where('project_id', '=', w.projectId)
      .where('user_id', '=', w.target.row.id)
      .executeTakeFirst();
    expect(row?.role).toBe('member');
  });
});
