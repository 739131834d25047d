// Administration: user management with its self-protection guards, credential
// revocation on reset and deactivation, project memberships with the
// last-member guard, instance settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../../testing/context';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

const apiKeyOf = async (u: TestUser) => (await (await ctx.request('POST', '/api/auth/api-key', { as: u })).json()) as { key: string };
const loginCookie = async (username: string, password: string) => {
  const res = await ctx.request('POST', '/api/auth/login', { json: { username, password } });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')?.split(';')[0] ?? '';
};

describe('users', () => {
  it('creates, renames, deactivates, resets and deletes users', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const created = await ctx.request('POST', '/api/admin/users', { as: admin, json: { username: 'erin', password: TEST_PASSWORD } });
    expect(created.status).toBe(201);
    const erin = ((await created.json()) as { user: { id: number; isAdmin: boolean } }).user;
    expect(erin.isAdmin).toBe(false);
    const dup = await ctx.request('POST', '/api/admin/users', { as: admin, json: { username: 'ERIN', password: TEST_PASSWORD } });
    expect(dup.status).toBe(409);

    const renamed = await ctx.request('PATCH', `/api/admin/users/${erin.id}`, { as: admin, json: { username: 'erin2', isAdmin: true } });
    expect(await renamed.json()).toMatchObject({ user: { username: 'erin2', isAdmin: true } });

    const login = await ctx.request('POST', '/api/auth/login', { json: { username: 'erin2', password: TEST_PASSWORD } });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    await ctx.request('POST', `/api/admin/users/${erin.id}/password`, { as: admin, json: { password: 'brand-new-pass' } });
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await ctx.request('POST', '/api/auth/login', { json: { username: 'erin2', password: 'brand-new-pass' } })).status).toBe(200);

    await ctx.request('PATCH', `/api/admin/users/${erin.id}`, { as: admin, json: { isActive: false } });
    expect((await ctx.request('POST', '/api/auth/login', { json: { username: 'erin2', password: 'brand-new-pass' } })).status).toBe(401);

    expect((await ctx.request('DELETE', `/api/admin/users/${erin.id}`, { as: admin })).status).toBe(204);
    expect((await ctx.request('DELETE', `/api/admin/users/${erin.id}`, { as: admin })).status).toBe(404);
    const list = (await (await ctx.request('GET', '/api/admin/users', { as: admin })).json()) as { users: unknown[] };
    expect(list.users).toHaveLength(1);
    expect(JSON.stringify(list)).not.toMatch(/hash/i);
  });

  it("a password reset revokes the user's cookies and API key", async () => {
    const admin = await ctx.user({ isAdmin: true });
    const u = await ctx.user();
    const { key } = await apiKeyOf(u);
    const cookie = await loginCookie(u.row.username, TEST_PASSWORD);
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(200);
    expect(
      (await ctx.request('POST', `/api/admin/users/${u.row.id}/password`, { as: admin, json: { password: 'brand-new-pass' } })).status,
    ).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { as: u })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { as: admin })).status).toBe(200);
  });

  it('deactivation revokes cookies and the API key, and reactivation brings neither back', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const u = await ctx.user();
    const { key } = await apiKeyOf(u);
    const cookie = await loginCookie(u.row.username, TEST_PASSWORD);
    const off = await ctx.request('PATCH', `/api/admin/users/${u.row.id}`, { as: admin, json: { isActive: false } });
    expect(off.status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);

    const on = await ctx.request('PATCH', `/api/admin/users/${u.row.id}`, { as: admin, json: { isActive: true } });
    expect(await on.json()).toMatchObject({ user: { isActive: true } });
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { as: u })).status).toBe(401);
    // The user signs in again with their password and makes a new key.
    const fresh = await loginCookie(u.row.username, TEST_PASSWORD);
    expect(await (await ctx.request('GET', '/api/auth/api-key', { headers: { cookie: fresh } })).json()).toMatchObject({ hasKey: false });
  });

  it("other changes (rename, admin rights) leave the user's credentials alone", async () => {
    const admin = await ctx.user({ isAdmin: true });
    const u = await ctx.user();
    const { key } = await apiKeyOf(u);
    const cookie = await loginCookie(u.row.username, TEST_PASSWORD);
    await ctx.request('PATCH', `/api/admin/users/${u.row.id}`, { as: admin, json: { username: 'renamed', isAdmin: true } });
    await ctx.request('PATCH', `/api/admin/users/${u.row.id}`, { as: admin, json: { isActive: true } });
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(200);
  });

  it('will not let an admin delete, deactivate or demote themself', async () => {
    const admin = await ctx.user({ isAdmin: true });
    expect((await ctx.request('DELETE', `/api/admin/users/${admin.row.id}`, { as: admin })).status).toBe(409);
    expect((await ctx.request('PATCH', `/api/admin/users/${admin.row.id}`, { as: admin, json: { isActive: false } })).status).toBe(409);
    expect((await ctx.request('PATCH', `/api/admin/users/${admin.row.id}`, { as: admin, json: { isAdmin: false } })).status).toBe(409);
    expect((await ctx.request('GET', '/api/auth/me', { as: admin })).status).toBe(200);
  });
});

describe('memberships', () => {
  it('adds and removes members but never the last one', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const a = await ctx.user();
    const b = await ctx.user();
    const project = await ctx.project({ members: [a] });
    expect((await ctx.request('GET', `/api/projects/${project.id}`, { as: b })).status).toBe(404);
    const added = await ctx.request('POST', `/api/projects/${project.id}/members`, { as: admin, json: { userId: b.row.id } });
    expect(added.status).toBe(201);
    expect((await ctx.request('GET', `/api/projects/${project.id}`, { as: b })).status).toBe(200);
    const members = (await (await ctx.request('GET', `/api/projects/${project.id}/members`, { as: a })).json()) as {
      members: { userId: number }[];
    };
    expect(members.members.map((m) => m.userId).sort()).toEqual([a.row.id, b.row.id].sort());

    expect((await ctx.request('DELETE', `/api/projects/${project.id}/members/${a.row.id}`, { as: admin })).status).toBe(200);
    expect((await ctx.request('GET', `/api/projects/${project.id}`, { as: a })).status).toBe(404);
    const last = await ctx.request('DELETE', `/api/projects/${project.id}/members/${b.row.id}`, { as: admin });
    expect(last.status).toBe(409);
    expect((await ctx.request('POST', `/api/projects/${project.id}/members`, { as: admin, json: { userId: 999 } })).status).toBe(404);
    expect((await ctx.request('POST', `/api/projects/999/members`, { as: admin, json: { userId: a.row.id } })).status).toBe(404);
  });
});

describe('instance settings', () => {
  it('defaults the trigger handle from configuration and saves changes', async () => {
    const admin = await ctx.user({ isAdmin: true });
    expect(await (await ctx.request('GET', '/api/admin/settings', { as: admin })).json()).toEqual({ triggerHandle: 'bottega' });
    await ctx.request('PATCH', '/api/admin/settings', { as: admin, json: { triggerHandle: 'review-bot' } });
    expect(await (await ctx.request('GET', '/api/admin/settings', { as: admin })).json()).toEqual({ triggerHandle: 'review-bot' });
    expect((await ctx.request('PATCH', '/api/admin/settings', { as: admin, json: { triggerHandle: '@bad handle' } })).status).toBe(400);
  });
});
