// Admin routes: users, project memberships and instance settings. Members of
// a project may read its member list; changing it is for administrators.
import {
  AddMemberBody,
  AdminCreateUserBody,
  AdminResetPasswordBody,
  AdminUpdateUserBody,
  UpdateInstanceSettingsBody,
  UpdateMemberBody,
} from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { idParam, readJson } from '../../http/validate';
import { createUser, setPassword } from '../auth/commands';
import { presentUser } from '../auth/presenters';
import { addMember, deleteUser, listMembers, listUsers, removeMember, setMemberRole, updateUser } from './commands';
import { readInstanceSettings, updateInstanceSettings } from './instance-settings';

export function adminRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/admin/users',
      access: access.admin,
      handler: async (c) => c.json({ users: (await listUsers(deps.db)).map(presentUser) }),
    },
    {
      method: 'POST',
      path: '/api/admin/users',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, AdminCreateUserBody);
        return c.json({ user: presentUser(await createUser(deps, body)) }, 201);
      },
    },
    {
      method: 'PATCH',
      path: '/api/admin/users/:userId',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const userId = idParam(c, 'userId');
        const body = await readJson(c, AdminUpdateUserBody);
        return c.json({ user: presentUser(await updateUser(deps, c.get('user').id, userId, body)) });
      },
    },
    {
      method: 'POST',
      path: '/api/admin/users/:userId/password',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const userId = idParam(c, 'userId');
        const body = await readJson(c, AdminResetPasswordBody);
        return c.json({ user: presentUser(await setPassword(deps, userId, body.password)) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/admin/users/:userId',
      access: access.admin,
      handler: async (c) => {
        await deleteUser(deps, c.get('user').id, idParam(c, 'userId'));
        return c.body(null, 204);
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/members',
      access: access.project,
      handler: async (c) => c.json({ members: await listMembers(deps.db, c.get('project').id) }),
    },
    {
      method: 'POST',
      path: '/api/projects/:projectId/members',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const projectId = idParam(c, 'projectId');
        const body = await readJson(c, AddMemberBody);
        return c.json({ members: await addMember(deps, projectId, body.userId, body.role) }, 201);
      },
    },
    {
      method: 'PATCH',
      path: '/api/projects/:projectId/members/:userId',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, UpdateMemberBody);
        return c.json({ members: await setMemberRole(deps, idParam(c, 'projectId'), idParam(c, 'userId'), body.role) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/projects/:projectId/members/:userId',
      access: access.admin,
      handler: async (c) => {
        const members = await removeMember(deps, idParam(c, 'projectId'), idParam(c, 'userId'));
        return c.json({ members });
      },
    },
    {
      method: 'GET',
      path: '/api/admin/settings',
      access: access.admin,
      handler: async (c) => c.json(await readInstanceSettings(deps)),
    },
    {
      method: 'PATCH',
      path: '/api/admin/settings',
      access: access.admin,
      body: 'json',
      handler: async (c) => c.json(await updateInstanceSettings(deps, await readJson(c, UpdateInstanceSettingsBody))),
    },
  ];
}
