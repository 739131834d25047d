// Project routes. Lists are filtered by membership; single-project routes
// go through the `project` access rule (members and admins only).
import { CreateProjectBody, UpdateProjectBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { createProject, deleteProject, listVisibleProjects, presentProjects, updateProject } from './commands';

export function projectRoutes(deps: Deps): RouteDef[] {
  const presentOne = async (row: Parameters<typeof updateProject>[1]) => (await presentProjects(deps.db, [row]))[0];
  return [
    {
      method: 'GET',
      path: '/api/projects',
      access: access.user,
      handler: async (c) => c.json({ projects: await presentProjects(deps.db, await listVisibleProjects(deps.db, c.get('user'))) }),
    },
    {
      method: 'POST',
      path: '/api/projects',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, CreateProjectBody);
        const project = await createProject(deps, c.get('user').id, body);
        return c.json({ project: await presentOne(project) }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId',
      access: access.project,
      handler: async (c) => c.json({ project: await presentOne(c.get('project')) }),
    },
    {
      method: 'PATCH',
      path: '/api/projects/:projectId',
      access: access.project,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, UpdateProjectBody);
        return c.json({ project: await presentOne(await updateProject(deps, c.get('project'), body)) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/projects/:projectId',
      access: access.project,
      handler: async (c) => {
        await deleteProject(deps, c.get('project'));
        return c.body(null, 204);
      },
    },
  ];
}
