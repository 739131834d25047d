// Accounts (docs/behaviour/accounts.md): first-run setup, login, renewal, logout everywhere,
// password change (revoking the API key too), forged cookies, API keys,
// profile, rate limiting.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, TEST_PASSWORD, type TestContext } from '../../testing/context';
import { SESSION_COOKIE } from './authenticate';
import { issueSessionToken } from './credentials';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext({ loginRateLimit: 3 });
});
afterEach(async () => ctx.close());

const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

describe('first-run registration', () => {
  it('reports needsSetup, creates the first user as admin, then closes', async () => {
    expect(await (await ctx.request('GET', '/api/auth/status')).json()).toMatchObject({ needsSetup: true, authenticated: false });
    const res = await ctx.request('POST', '/api/auth/register', { json: { username: 'ada', password: TEST_PASSWORD } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(body.user).toMatchObject({ username: 'ada', isAdmin: true });
    expect(JSON.stringify(body)).not.toMatch(/password|hash|token_version/i);
    const second = await ctx.request('POST', '/api/auth/register', { json: { username: 'bob', password: TEST_PASSWORD } });
    expect(second.status).toBe(403);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('SETUP_CLOSED');
    const status = await ctx.request('GET', '/api/auth/status', { headers: { cookie: cookieOf(res) } });
    expect(await status.json()).toMatchObject({ needsSetup: false, authenticated: true, user: { username: 'ada' } });
  });

  it('lets exactly one of two concurrent first registrations win', async () => {
    const results = await Promise.all(
      ['first', 'second', 'third'].map((username) =>
        ctx.request('POST', '/api/auth/register', { json: { username, password: TEST_PASSWORD } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403]);
    const users = await ctx.deps.db.selectFrom('users').selectAll().execute();
    expect(users).toHaveLength(1);
    expect(users[0]?.is_admin).toBe(1);
  });
});

describe('login and sessions', () => {
  it('sets an HttpOnly cookie that authenticates, and refuses wrong passwords', async () => {
    const u = await ctx.user({ username: 'carol' });
    const res = await ctx.request('POST', '/api/auth/login', { json: { username: 'CAROL', password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(await res.text()).not.toContain('v1.');
    const me = await ctx.request('GET', '/api/auth/me', { headers: { cookie: cookieOf(res) } });
    expect(((await me.json()) as { user: { id: number } }).user.id).toBe(u.row.id);
    const bad = await ctx.request('POST', '/api/auth/login', { json: { username: 'carol', password: 'wrong-password' } });
    expect(bad.status).toBe(401);
    const unknown = await ctx.request('POST', '/api/auth/login', { json: { username: 'nobody', password: 'wrong-password' } });
    expect(unknown.status).toBe(401);
  });

  it('rate-limits failed attempts per IP but not successful logins', async () => {
    await ctx.user({ username: 'dave' });
    for (let i = 0; i < 5; i++) {
      expect((await ctx.request('POST', '/api/auth/login', { json: { username: 'dave', password: TEST_PASSWORD } })).status).toBe(200);
    }
    for (let i = 0; i < 3; i++) {
      expect((await ctx.request('POST', '/api/auth/login', { json: { username: 'dave', password: 'nope-nope' } })).status).toBe(401);
    }
    const limited = await ctx.request('POST', '/api/auth/login', { json: { username: 'dave', password: TEST_PASSWORD } });
    expect(limited.status).toBe(429);
  });

  describe('throttling per client IP and username', () => {
    beforeEach(async () => {
      await ctx.close();
      ctx = await createTestContext({ trustProxy: true, loginRateLimit: 6, loginRateLimitPerUsername: 2 });
    });
    const attempt = (ip: string, username: string, password: string) =>
      ctx.request('POST', '/api/auth/login', { headers: { 'x-forwarded-for': ip }, json: { username, password } }).then((r) => r.status);

    it('locks one username out from one IP only, never the account elsewhere or other accounts', async () => {
      await ctx.user({ username: 'alice' });
      await ctx.user({ username: 'bob' });
      expect(await attempt('203.0.113.1', 'alice', 'wrong-password')).toBe(401);
      expect(await attempt('203.0.113.1', 'Alice', 'wrong-password')).toBe(401);
      // Two failures used up alice's allowance from this IP, even with the right password and another spelling.
      expect(await attempt('203.0.113.1', 'alice', TEST_PASSWORD)).toBe(429);
      expect(await attempt('203.0.113.1', 'ALICE', TEST_PASSWORD)).toBe(429);
      // Everyone else at that IP, and alice from anywhere else, signs in.
      expect(await attempt('203.0.113.1', 'bob', TEST_PASSWORD)).toBe(200);
      expect(await attempt('198.51.100.7', 'alice', TEST_PASSWORD)).toBe(200);
      // The window ends after 15 minutes.
      const realNow = ctx.deps.now;
      ctx.deps.now = () => new Date(realNow().getTime() + 15 * 60 * 1000 + 1);
      expect(await attempt('203.0.113.1', 'alice', TEST_PASSWORD)).toBe(200);
    });

    it('limits one IP across usernames, without touching other IPs', async () => {
      await ctx.user({ username: 'bob' });
      for (let i = 0; i < 6; i++) expect(await attempt('203.0.113.9', `guess${i}`, 'wrong-password')).toBe(401);
      const limited = await ctx.request('POST', '/api/auth/login', {
        headers: { 'x-forwarded-for': '203.0.113.9' },
        json: { username: 'bob', password: TEST_PASSWORD },
      });
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect(await attempt('203.0.113.10', 'bob', TEST_PASSWORD)).toBe(200);
    });

    it('a successful login clears its own username-and-IP failures', async () => {
      await ctx.user({ username: 'carol' });
      expect(await attempt('203.0.113.5', 'carol', 'wrong-password')).toBe(401);
      expect(await attempt('203.0.113.5', 'carol', TEST_PASSWORD)).toBe(200);
      expect(await attempt('203.0.113.5', 'carol', 'wrong-password')).toBe(401);
      expect(await attempt('203.0.113.5', 'carol', TEST_PASSWORD)).toBe(200);
    });
  });

  it('renews the cookie of an active user after a day and rejects expired tokens', async () => {
    const u = await ctx.user();
    const realNow = ctx.deps.now;
    const login = await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } });
    const cookie = cookieOf(login);
    ctx.deps.now = () => new Date(realNow().getTime() + 2 * 24 * 3600 * 1000);
    const renewed = await ctx.request('GET', '/api/auth/me', { headers: { cookie } });
    expect(renewed.status).toBe(200);
    const fresh = cookieOf(renewed);
    expect(fresh).toMatch(/^bottega_session=v1\./);
    expect(fresh).not.toBe(cookie);
    ctx.deps.now = () => new Date(realNow().getTime() + 31 * 24 * 3600 * 1000);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: fresh } })).status).toBe(200);
  });

  it('logout invalidates every credential of the user', async () => {
    const u = await ctx.user();
    const a = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    expect((await ctx.request('POST', '/api/auth/logout', { as: u })).status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: a } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { as: u })).status).toBe(401);
  });

  it('a password change logs out other sessions but keeps this browser', async () => {
    const u = await ctx.user();
    const other = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    const mine = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    const wrong = await ctx.request('POST', '/api/auth/password', {
      headers: { cookie: mine },
      json: { currentPassword: 'not-it-at-all', newPassword: 'new-password-1' },
    });
    expect(wrong.status).toBe(400);
    const res = await ctx.request('POST', '/api/auth/password', {
      headers: { cookie: mine },
      json: { currentPassword: TEST_PASSWORD, newPassword: 'new-password-1' },
    });
    expect(res.status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: other } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: cookieOf(res) } })).status).toBe(200);
    expect((await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: 'new-password-1' } })).status).toBe(
      200,
    );
  });

  it('a password change revokes the API key too, even when made with that key', async () => {
    const u = await ctx.user();
    const first = (await (await ctx.request('POST', '/api/auth/api-key', { as: u })).json()) as { key: string };
    const mine = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${first.key}` })).status).toBe(200);
    const changed = await ctx.request('POST', '/api/auth/password', {
      headers: { cookie: mine },
      json: { currentPassword: TEST_PASSWORD, newPassword: 'new-password-1' },
    });
    expect(changed.status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${first.key}` })).status).toBe(401);
    expect(await (await ctx.request('GET', '/api/auth/api-key', { headers: { cookie: cookieOf(changed) } })).json()).toMatchObject({
      hasKey: false,
    });

    const second = (await (await ctx.request('POST', '/api/auth/api-key', { headers: { cookie: cookieOf(changed) } })).json()) as {
      key: string;
    };
    const viaKey = await ctx.request('POST', '/api/auth/password', {
      as: `Bearer ${second.key}`,
      json: { currentPassword: 'new-password-1', newPassword: 'new-password-2' },
    });
    expect(viaKey.status).toBe(200);
    expect(viaKey.headers.get('set-cookie')).toBeNull();
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${second.key}` })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: cookieOf(changed) } })).status).toBe(401);
  });

  it('logout ends every cookie of the user but not their API key', async () => {
    const u = await ctx.user();
    const { key } = (await (await ctx.request('POST', '/api/auth/api-key', { as: u })).json()) as { key: string };
    const a = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    const b = cookieOf(await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } }));
    expect((await ctx.request('POST', '/api/auth/logout', { headers: { cookie: a } })).status).toBe(200);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: a } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { headers: { cookie: b } })).status).toBe(401);
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${key}` })).status).toBe(200);
  });

  it('refuses deactivated users', async () => {
    const u = await ctx.user();
    await ctx.deps.db.updateTable('users').set({ is_active: 0 }).where('id', '=', u.row.id).execute();
    expect((await ctx.request('GET', '/api/auth/me', { as: u })).status).toBe(401);
    expect((await ctx.request('POST', '/api/auth/login', { json: { username: u.row.username, password: TEST_PASSWORD } })).status).toBe(
      401,
    );
  });
});

describe('forged login cookies', () => {
  const claimsFor = (uid: number) => {
    const now = Date.now();
    return { uid, ver: 0, iat: now, exp: now + 24 * 3600 * 1000 };
  };
  const asCookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

  it('rejects a cookie for the administrator signed with a wrong or guessed secret', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const claims = claimsFor(admin.row.id);
    // The same claims signed with the instance's secret are accepted: only the signature differs below.
    const genuine = asCookie(issueSessionToken(ctx.deps.sessionSecret, claims));
    expect((await ctx.request('GET', '/api/auth/me', { headers: genuine })).status).toBe(200);
    expect((await ctx.request('GET', '/api/admin/users', { headers: genuine })).status).toBe(200);

    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const forged = [
      ...['secret', '', 'changeme', 'bottega', randomBytes(32).toString('hex'), randomBytes(32).toString('base64url')].map((s) =>
        issueSessionToken(s, claims),
      ),
      `v1.${payload}.`,
      `v1.${payload}`,
      `v1.${payload}.${'A'.repeat(43)}`,
      `v2.${payload}.${issueSessionToken(ctx.deps.sessionSecret, claims).split('.')[2]}`,
    ];
    for (const token of forged) {
      for (const [method, path] of [
        ['GET', '/api/auth/me'],
        ['GET', '/api/admin/users'],
        ['POST', '/api/admin/users'],
      ] as const) {
        const res = await ctx.request(method, path, {
          headers: asCookie(token),
          ...(method === 'POST' ? { json: { username: 'intruder', password: TEST_PASSWORD } } : {}),
        });
        expect({ token, path, status: res.status }).toEqual({ token, path, status: 401 });
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${token}` })).status).toBe(401);
    }
    expect(await ctx.deps.db.selectFrom('users').select('username').where('username', '=', 'intruder').executeTakeFirst()).toBeUndefined();
  });
});

describe('API keys and profile', () => {
  it('shows a key once, stores only its hash, records last use, and revokes it', async () => {
    const u = await ctx.user();
    expect(await (await ctx.request('GET', '/api/auth/api-key', { as: u })).json()).toMatchObject({ hasKey: false });
    const created = (await (await ctx.request('POST', '/api/auth/api-key', { as: u })).json()) as { key: string };
    expect(created.key).toMatch(/^bk_/);
    const row = await ctx.deps.db.selectFrom('users').selectAll().where('id', '=', u.row.id).executeTakeFirstOrThrow();
    expect(row.api_key_hash).not.toContain(created.key);
    expect(JSON.stringify(row)).not.toContain(created.key);
    const me = await ctx.request('GET', '/api/auth/me', { as: `Bearer ${created.key}` });
    expect(me.status).toBe(200);
    const status = (await (await ctx.request('GET', '/api/auth/api-key', { as: u })).json()) as {
      hasKey: boolean;
      lastUsedAt: string | null;
      prefix: string;
    };
    expect(status.hasKey).toBe(true);
    expect(status.lastUsedAt).not.toBeNull();
    expect(created.key.startsWith(status.prefix)).toBe(true);
    expect(JSON.stringify(status)).not.toContain(created.key);
    await ctx.request('DELETE', '/api/auth/api-key', { as: u });
    expect((await ctx.request('GET', '/api/auth/me', { as: `Bearer ${created.key}` })).status).toBe(401);
  });

  it('updates is_technical and the git identity', async () => {
    const u = await ctx.user();
    const res = await ctx.request('PATCH', '/api/auth/profile', {
      as: u,
      json: { isTechnical: false, gitName: 'Ada L', gitEmail: 'ada@example.com' },
    });
    expect(await res.json()).toMatchObject({ user: { isTechnical: false, gitName: 'Ada L', gitEmail: 'ada@example.com' } });
    const bad = await ctx.request('PATCH', '/api/auth/profile', { as: u, json: { gitEmail: 'not an email' } });
    expect(bad.status).toBe(400);
  });
});
