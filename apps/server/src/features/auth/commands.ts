// Account commands shared by the REST routes, the admin routes and the CLI.
// They validate nothing about HTTP; they enforce the account rules.
import type { RegisterBody } from '@bottega/protocol';
import type { ExpressionBuilder } from 'kysely';
import type { Deps } from '../../deps';
import type { Db } from '../../db/open';
import { isUniqueViolation } from '../../db/errors';
import type { Database, UserRow } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { iso } from '../../time';
import { dummyPasswordHash, generateApiKey, hashPassword, verifyPassword } from './credentials';
import { inTransaction } from '../../db/transaction';

type CommandDeps = Pick<Deps, 'db' | 'now'>;

/** Key of the instance setting that claims first-run setup (unique: only one claim can win). */
const SETUP_CLAIM_KEY = 'setup.completed_at';

export async function userCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserByName(db: Db, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
    .executeTakeFirst();
}

export async function getUser(db: Db, id: number): Promise<UserRow> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

export interface NewUser {
  username: string;
  password: string;
  isAdmin?: boolean;
}

/** Creates a user; a taken username (any case) is a 409. */
export async function createUser(deps: CommandDeps, input: NewUser): Promise<UserRow> {
  const passwordHash = await hashPassword(input.password);
  const now = iso(deps.now());
  try {
    return await deps.db
      .insertInto('users')
      .values({
        username: input.username,
        password_hash: passwordHash,
        is_active: 1,
        is_admin: input.isAdmin ? 1 : 0,
        is_technical: 1,
        has_completed_onboarding: 0,
        token_version: 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', `username "${input.username}" is taken`);
    throw err;
  }
}

/**
 * First-run registration. Inside one transaction: claim setup (a unique row,
 * so two concurrent registrations — even from two processes — cannot both
 * win), re-check that no user exists, create the administrator.
 */
export async function registerFirstAdmin(deps: CommandDeps, body: RegisterBody): Promise<UserRow> {
  const passwordHash = await hashPassword(body.password);
  const now = iso(deps.now());
  try {
    return await inTransaction(deps.db, async (trx) => {
      await trx.insertInto('instance_settings').values({ key: SETUP_CLAIM_KEY, value: now, updated_at: now }).execute();
      const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (existing) throw new AppError('SETUP_CLOSED', 'registration is closed; ask an administrator for an account');
      return trx
        .insertInto('users')
        .values({
          username: body.username,
          password_hash: passwordHash,
          is_active: 1,
          is_admin: 1,
          is_technical: 1,
          has_completed_onboarding: 0,
          token_version: 0,
          last_login_at: now,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('SETUP_CLOSED', 'registration is closed; ask an administrator for an account');
    throw err;
  }
}

/** Verifies credentials; returns the user (with last login stamped) or null. */
export async function login(
  deps: CommandDeps & Pick<Deps, 'logger'>,
  body: { username: string; password: string },
): Promise<UserRow | null> {
  const user = await findUserByName(deps.db, body.username);
  // Verify against a dummy hash when the user is unknown so timing reveals nothing.
  const ok = await verifyPassword(deps, user?.password_hash ?? (await dummyPasswordHash()), body.password);
  if (!user || !ok || user.is_active !== 1) return null;
  return deps.db
    .updateTable('users')
    .set({ last_login_at: iso(deps.now()) })
    .where('id', '=', user.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Ends every login of the user (cookies and session tokens) by bumping the token version; the API key stays. */
export async function logoutEverywhere(deps: Pick<Deps, 'db' | 'now' | 'realtime'>, userId: number): Promise<UserRow> {
  const row = await deps.db
    .updateTable('users')
    .set((eb) => ({ token_version: eb('token_version', '+', 1), updated_at: iso(deps.now()) }))
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('user');
  deps.realtime.disconnectUser(userId);
  return row;
}

/**
 * The columns that end every credential of a user in one update: the token
 * version moves on (every cookie and session token dies, and none comes back
 * later) and the API key is deleted (only its hash was stored, so it cannot be
 * restored either). Used by password changes and resets and by deactivation.
 */
export function revokedCredentials(eb: ExpressionBuilder<Database, 'users'>) {
  return {
    token_version: eb('token_version', '+', 1),
    api_key_hash: null,
    api_key_prefix: null,
    api_key_created_at: null,
    api_key_last_used_at: null,
  };
}

/** Sets a new password and revokes every credential of the user (cookies, session tokens, API key). */
export async function setPassword(deps: Pick<Deps, 'db' | 'now' | 'realtime'>, userId: number, password: string): Promise<UserRow> {
  const passwordHash = await hashPassword(password);
  const row = await deps.db
    .updateTable('users')
    .set((eb) => ({ password_hash: passwordHash, ...revokedCredentials(eb), updated_at: iso(deps.now()) }))
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('user');
  deps.realtime.disconnectUser(userId);
  return row;
}

export async function changePassword(
  deps: Pick<Deps, 'db' | 'now' | 'realtime' | 'logger'>,
  userId: number,
  body: { currentPassword: string; newPassword: string },
): Promise<UserRow> {
  const user = await getUser(deps.db, userId);
  if (!(await verifyPassword(deps, user.password_hash, body.currentPassword))) {
    throw new AppError('VALIDATION_FAILED', 'current password is wrong');
  }
  return setPassword(deps, userId, body.newPassword);
}

export async function updateProfile(
  deps: CommandDeps,
  userId: number,
  body: { isTechnical?: boolean; hasCompletedOnboarding?: boolean; gitName?: string | null; gitEmail?: string | null },
): Promise<UserRow> {
  const row = await deps.db
    .updateTable('users')
    .set({
      ...(body.isTechnical === undefined ? {} : { is_technical: body.isTechnical ? 1 : 0 }),
      ...(body.hasCompletedOnboarding === undefined ? {} : { has_completed_onboarding: body.hasCompletedOnboarding ? 1 : 0 }),
      ...(body.gitName === undefined ? {} : { git_name: body.gitName || null }),
      ...(body.gitEmail === undefined ? {} : { git_email: body.gitEmail }),
      updated_at: iso(deps.now()),
    })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('user');
  return row;
}

/** Replaces the user's API key (one active key per user); returns the plain key once. */
export async function rotateApiKey(deps: CommandDeps, userId: number): Promise<{ key: string; row: UserRow }> {
  const { key, hash, prefix } = generateApiKey();
  const row = await deps.db
    .updateTable('users')
    .set({ api_key_hash: hash, api_key_prefix: prefix, api_key_created_at: iso(deps.now()), api_key_last_used_at: null })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, row };
}

export async function revokeApiKey(deps: CommandDeps, userId: number): Promise<UserRow> {
  return deps.db
    .updateTable('users')
    .set({ api_key_hash: null, api_key_prefix: null, api_key_created_at: null, api_key_last_used_at: null })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
