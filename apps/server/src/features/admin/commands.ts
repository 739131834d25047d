// Administration: user management and project memberships, with the guards
// that keep an instance usable (no deleting or locking out oneself, never
// removing a project's last member). Deactivating a user revokes their logins
// and API key (see auth/commands.ts `revokedCredentials`).
import type { MemberDto, ProjectRole } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { Db } from '../../db/open';
import { isUniqueViolation } from '../../db/errors';
import type { UserRow } from '../../db/schema';
import { AppError, notFound } from '../../errors';
import { iso } from '../../time';
import { getUser, revokedCredentials } from '../auth/commands';
import { inTransaction } from '../../db/transaction';

type AdminDeps = Pick<Deps, 'db' | 'now' | 'realtime'>;

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

export async function updateUser(
  deps: AdminDeps,
  actorId: number,
  userId: number,
  body: { username?: string; isActive?: boolean; isAdmin?: boolean },
): Promise<UserRow> {
  const user = await getUser(deps.db, userId);
  if (userId === actorId && (body.isActive === false || body.isAdmin === false)) {
    throw new AppError('CONFLICT', 'you cannot deactivate yourself or remove your own admin rights');
  }
  try {
    const row = await deps.db
      .updateTable('users')
      .set((eb) => ({
        ...(body.username === undefined ? {} : { username: body.username }),
        ...(body.isActive === undefined ? {} : { is_active: body.isActive ? 1 : 0 }),
        // Deactivation ends every credential for good: reactivation brings none back.
        ...(body.isActive === false ? revokedCredentials(eb) : {}),
        ...(body.isAdmin === undefined ? {} : { is_admin: body.isAdmin ? 1 : 0 }),
        updated_at: iso(deps.now()),
      }))
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (body.isActive === false) deps.realtime.disconnectUser(userId);
    if (body.isAdmin === false) await deps.realtime.revalidate();
    return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', `username "${body.username}" is taken`);
    throw err;
  }
}

export async function deleteUser(deps: AdminDeps, actorId: number, userId: number): Promise<void> {
  if (userId === actorId) throw new AppError('CONFLICT', 'you cannot delete your own account');
  const result = await deps.db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound('user');
  deps.realtime.disconnectUser(userId);
}

export async function listMembers(db: Db, projectId: number): Promise<MemberDto[]> {
  const rows = await db
    .selectFrom('project_members')
    .innerJoin('users', 'users.id', 'project_members.user_id')
    .select(['project_members.user_id', 'users.username', 'project_members.role', 'project_members.created_at'])
    .where('project_members.project_id', '=', projectId)
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role, addedAt: r.created_at }));
}

async function requireProject(db: Db, projectId: number): Promise<void> {
  const p = await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
  if (!p) throw notFound('project');
}

/** Adds a member (role `member` unless given); adding an existing member changes nothing but a given role. */
export async function addMember(deps: AdminDeps, projectId: number, userId: number, role?: ProjectRole): Promise<MemberDto[]> {
  await requireProject(deps.db, projectId);
  await getUser(deps.db, userId);
  await deps.db
    .insertInto('project_members')
    .values({ project_id: projectId, user_id: userId, role: role ?? 'member', created_at: iso(deps.now()) })
    .onConflict((oc) =>
      role === undefined ? oc.columns(['project_id', 'user_id']).doNothing() : oc.columns(['project_id', 'user_id']).doUpdateSet({ role }),
    )
    .execute();
  return listMembers(deps.db, projectId);
}

/** Sets a member's role; a project always keeps at least one owner. */
export async function setMemberRole(deps: AdminDeps, projectId: number, userId: number, role: ProjectRole): Promise<MemberDto[]> {
  await requireProject(deps.db, projectId);
  await inTransaction(deps.db, async (trx) => {
    const members = await trx.selectFrom('project_members').select(['user_id', 'role']).where('project_id', '=', projectId).execute();
    const member = members.find((m) => m.user_id === userId);
    if (!member) throw notFound('member');
    if (role === 'member' && member.role === 'owner' && members.filter((m) => m.role === 'owner').length === 1) {
      throw new AppError('CONFLICT', 'a project must keep at least one owner; make someone else owner first');
    }
    await trx.updateTable('project_members').set({ role }).where('project_id', '=', projectId).where('user_id', '=', userId).execute();
  });
  return listMembers(deps.db, projectId);
}

/** Removes a member, never the last one (a project must stay reachable by someone). */
export async function removeMember(deps: AdminDeps, projectId: number, userId: number): Promise<MemberDto[]> {
  await requireProject(deps.db, projectId);
  await inTransaction(deps.db, async (trx) => {
    const members = await trx.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).execute();
    if (!members.some((m) => m.user_id === userId)) throw notFound('member');
    if (members.length === 1) throw new AppError('CONFLICT', 'a project must keep at least one member');
    await trx.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).execute();
  });
  await deps.realtime.revalidate();
  return listMembers(deps.db, projectId);
}
