// Resolves who is calling, from the HttpOnly session cookie or an
// `Authorization: Bearer` header (session token or API key). Shared by REST and
// the WebSocket upgrade. Inactive users and stale token versions are rejected.
import type { Deps } from '../../deps';
import type { UserRow } from '../../db/schema';
import type { AuthUser } from '../../http/types';
import { iso } from '../../time';
import { API_KEY_PREFIX, hashApiKey, issueSessionToken, verifySessionToken } from './credentials';

export const SESSION_COOKIE = 'bottega_session';
/** Re-issue the cookie when the token is older than this (rolling renewal). */
const RENEW_AFTER_MS = 24 * 60 * 60 * 1000;
/** API-key last use is recorded at most this often. */
const LAST_USED_PRECISION_MS = 60 * 1000;

export interface Authentication {
  user: AuthUser;
  /** A fresh token to set as cookie (rolling renewal), when due. */
  renewedToken?: string;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function toAuthUser(row: UserRow, via: AuthUser['via']): AuthUser {
  return { id: row.id, username: row.username, isAdmin: row.is_admin === 1, row, via };
}

export function newSessionToken(deps: Pick<Deps, 'sessionSecret' | 'config' | 'now'>, user: Pick<UserRow, 'id' | 'token_version'>): string {
  const now = deps.now().getTime();
  return issueSessionToken(deps.sessionSecret, {
    uid: user.id,
    ver: user.token_version,
    iat: now,
    exp: now + deps.config.sessionTtlDays * 24 * 60 * 60 * 1000,
  });
}

export async function authenticateHeaders(
  deps: Pick<Deps, 'db' | 'sessionSecret' | 'config' | 'now'>,
  headers: { cookie?: string | undefined; authorization?: string | undefined },
): Promise<Authentication | null> {
  const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer?.startsWith(API_KEY_PREFIX)) return authenticateApiKey(deps, bearer);
  const token = bearer ?? readCookie(headers.cookie, SESSION_COOKIE);
  if (!token) return null;
  const now = deps.now().getTime();
  const claims = verifySessionToken(deps.sessionSecret, token, now);
  if (!claims) return null;
  const row = await deps.db.selectFrom('users').selectAll().where('id', '=', claims.uid).executeTakeFirst();
  if (!row || row.is_active !== 1 || row.token_version !== claims.ver) return null;
  const auth: Authentication = { user: toAuthUser(row, 'session') };
  if (!bearer && now - claims.iat > RENEW_AFTER_MS) auth.renewedToken = newSessionToken(deps, row);
  return auth;
}

async function authenticateApiKey(deps: Pick<Deps, 'db' | 'now'>, key: string): Promise<Authentication | null> {
  const hash = hashApiKey(key);
  const row = await deps.db.selectFrom('users').selectAll().where('api_key_hash', '=', hash).executeTakeFirst();
  if (!row || row.is_active !== 1) return null;
  // Recording every use would turn each read into a write; a minute's precision is plenty.
  const now = deps.now();
  const last = row.api_key_last_used_at ? Date.parse(row.api_key_last_used_at) : 0;
  if (now.getTime() - last > LAST_USED_PRECISION_MS) {
    await deps.db
      .updateTable('users')
      .set({ api_key_last_used_at: iso(now) })
      .where('id', '=', row.id)
      .execute();
  }
  return { user: toAuthUser(row, 'api-key') };
}

/** The login cookie: HttpOnly (page scripts cannot read it), SameSite=Lax. */
export function sessionCookie(config: Pick<Deps['config'], 'secureCookies' | 'sessionTtlDays'>, token: string): string {
  const maxAge = config.sessionTtlDays * 24 * 60 * 60;
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${config.secureCookies ? '; Secure' : ''}`;
}

export function clearedSessionCookie(config: Pick<Deps['config'], 'secureCookies'>): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${config.secureCookies ? '; Secure' : ''}`;
}
