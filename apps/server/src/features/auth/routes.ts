// Account routes (docs/behaviour/accounts.md): first-run setup, login/logout, the caller's own
// profile, password and API key. Login is throttled per client IP and per
// (client IP, username), registration per IP, counting failures only (see
// login-throttle.ts).
import { ChangePasswordBody, LoginBody, ProfileBody, RegisterBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { clientIp } from '../../http/client-ip';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { iso } from '../../time';
import { clearedSessionCookie, newSessionToken, sessionCookie } from './authenticate';
import {
  changePassword,
  login,
  registerFirstAdmin,
  rotateApiKey,
  revokeApiKey,
  updateProfile,
  userCount,
  logoutEverywhere,
} from './commands';
import { LoginThrottle } from './login-throttle';
import { presentApiKeyStatus, presentUser } from './presenters';

export function authRoutes(deps: Deps): RouteDef[] {
  const throttle = new LoginThrottle(deps.config, () => deps.now().getTime());
  const ipOf = (c: Parameters<RouteDef['handler']>[0]) => clientIp(c, deps.config.trustProxy);

  return [
    {
      method: 'GET',
      path: '/api/auth/status',
      access: access.public,
      handler: async (c) => {
        const user = c.get('user');
        return c.json({
          needsSetup: (await userCount(deps.db)) === 0,
          authenticated: user !== undefined,
          user: user ? presentUser(user.row) : null,
        });
      },
    },
    {
      method: 'POST',
      path: '/api/auth/register',
      access: access.public,
      body: 'json',
      handler: async (c) => {
        const ip = ipOf(c);
        throttle.checkRegistration(ip);
        const body = await readJson(c, RegisterBody);
        try {
          const user = await registerFirstAdmin(deps, body);
          c.header('set-cookie', sessionCookie(deps.config, newSessionToken(deps, user)));
          return c.json({ user: presentUser(user) }, 201);
        } catch (err) {
          throttle.registrationFailed(ip);
          throw err;
        }
      },
    },
    {
      method: 'POST',
      path: '/api/auth/login',
      access: access.public,
      body: 'json',
      handler: async (c) => {
        const ip = ipOf(c);
        const body = await readJson(c, LoginBody);
        throttle.checkLogin(ip, body.username);
        const user = await login(deps, body);
        if (!user) {
          throttle.loginFailed(ip, body.username);
          throw new AppError('UNAUTHENTICATED', 'wrong username or password');
        }
        throttle.loginSucceeded(ip, body.username);
        c.header('set-cookie', sessionCookie(deps.config, newSessionToken(deps, user)));
        return c.json({ user: presentUser(user) });
      },
    },
    {
      method: 'POST',
      path: '/api/auth/logout',
      access: access.user,
      handler: async (c) => {
        await logoutEverywhere(deps, c.get('user').id);
        c.header('set-cookie', clearedSessionCookie(deps.config));
        return c.json({ ok: true });
      },
    },
    {
      method: 'GET',
      path: '/api/auth/me',
      access: access.user,
      handler: (c) => c.json({ user: presentUser(c.get('user').row) }),
    },
    {
      method: 'POST',
      path: '/api/auth/password',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, ChangePasswordBody);
        const user = await changePassword(deps, c.get('user').id, body);
        // Every other login and the API key are now revoked; keep this browser logged in.
        if (c.get('user').via === 'session') c.header('set-cookie', sessionCookie(deps.config, newSessionToken(deps, user)));
        return c.json({ user: presentUser(user) });
      },
    },
    {
      method: 'PATCH',
      path: '/api/auth/profile',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, ProfileBody);
        return c.json({ user: presentUser(await updateProfile(deps, c.get('user').id, body)) });
      },
    },
    {
      method: 'GET',
      path: '/api/auth/api-key',
      access: access.user,
      handler: (c) => c.json(presentApiKeyStatus(c.get('user').row)),
    },
    {
      method: 'POST',
      path: '/api/auth/api-key',
      access: access.user,
      handler: async (c) => {
        const { key, row } = await rotateApiKey(deps, c.get('user').id);
        // The key is shown exactly once; only its hash is stored.
        return c.json({ key, status: presentApiKeyStatus(row), createdAt: iso(deps.now()) }, 201);
      },
    },
    {
      method: 'DELETE',
      path: '/api/auth/api-key',
      access: access.user,
      handler: async (c) => c.json(presentApiKeyStatus(await revokeApiKey(deps, c.get('user').id))),
    },
  ];
}
