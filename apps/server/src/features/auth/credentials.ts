// Login credentials and API keys.
// - Session tokens: `v1.<payload>.<hmac>` signed with the instance secret; they
//   carry the user's token version, so a version bump (logout, password change
//   or reset, deactivation) invalidates every outstanding token at once.
// - API keys: `bk_<random>`; only a SHA-256 hash is stored (the key has 256 bits
//   of entropy, so a fast hash is sufficient and allows an indexed lookup).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Deps } from '../../deps';

export interface SessionClaims {
  uid: number;
  ver: number;
  /** Issued at, ms since epoch. */
  iat: number;
  /** Expires at, ms since epoch. */
  exp: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function sign(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function issueSessionToken(secret: string, claims: SessionClaims): string {
  const payload = b64(JSON.stringify(claims));
  return `v1.${payload}.${sign(secret, `v1.${payload}`)}`;
}

/** Returns the claims of a well-signed, unexpired token, else null. */
export function verifySessionToken(secret: string, token: string, nowMs: number): SessionClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'v1') return null;
  const [, payload, mac] = parts as [string, string, string];
  const expected = Buffer.from(sign(secret, `v1.${payload}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    // Signed but not JSON: no credential of ours.
    return null;
  }
  if (!isClaims(claims) || claims.exp <= nowMs) return null;
  return claims;
}

function isClaims(v: unknown): v is SessionClaims {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return ['uid', 'ver', 'iat', 'exp'].every((k) => typeof c[k] === 'number' && Number.isFinite(c[k]));
}

export const API_KEY_PREFIX = 'bk_';

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(deps: Pick<Deps, 'logger'>, stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch (err) {
    // A stored hash argon2 cannot read: the password cannot match, and someone must look at it.
    deps.logger.error({ err }, 'could not verify a password against its stored hash');
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('not-a-real-password-but-equal-cost');
  return dummyHash;
}
