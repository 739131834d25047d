// Sandbox routes: its state for administrators (Admin → Instance), and each
// project's extra hosts — read by the project's members, replaced only by an
// administrator (docs/behaviour/sandbox.md#allowed-hosts).
import { PutAllowedHostsBody, type AllowedHostsDto, type SandboxStatusDto } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { notFound } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import { idParam, readJson } from '../../http/validate';
import { allowedHostsOf, replaceAllowedHosts } from './allowed-hosts';

export function sandboxRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/admin/sandbox',
      access: access.admin,
      handler: (c) =>
        c.json({ sandbox: { ...deps.sandbox.status, alwaysAllowed: deps.sandbox.alwaysAllowedHosts() } satisfies SandboxStatusDto }),
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/allowed-hosts',
      access: access.project,
      handler: async (c) => {
        const projectId = c.get('project').id;
        return c.json({ allowedHosts: { projectId, hosts: await allowedHostsOf(deps.db, projectId) } satisfies AllowedHostsDto });
      },
    },
    {
      method: 'PUT',
      path: '/api/projects/:projectId/allowed-hosts',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const projectId = idParam(c, 'projectId');
        const body = await readJson(c, PutAllowedHostsBody);
        const project = await deps.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst();
        if (!project) throw notFound('project');
        return c.json({
          allowedHosts: { projectId, hosts: await replaceAllowedHosts(deps.db, projectId, body.hosts) } satisfies AllowedHostsDto,
        });
      },
    },
  ];
}
