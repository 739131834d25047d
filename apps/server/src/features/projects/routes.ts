// Project routes. Lists are filtered by membership; single-project routes
// go through the `project` access rule (members and admins only). Within a
// project, deleting it, moving its path and retrying its clone are for its
// owners and administrators (checked here, after access), and so is setting
// its board's column limits, which every member reads; registering a
// checkout path is for administrators.
import { CreateProjectBody, PutWipLimitsBody, UpdateProjectBody, type ProjectDto } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { ProjectRow } from '../../db/schema';
import { updateWipLimits, wipLimitsOf } from '../../engine/column-limits';
import { AppError } from '../../errors';
import type { Viewer } from '../../http/access';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { retryClone } from './clones';
import { assertCanManage, createProject, deleteProject, listVisibleProjects, presentProjects, updateProject } from './commands';

export function projectRoutes(deps: Deps): RouteDef[] {
  const presentOne = async (viewer: Viewer, row: ProjectRow): Promise<ProjectDto> => {
    const [project] = await presentProjects(deps, viewer, [row]);
    if (!project) throw new AppError('INTERNAL', 'the project could not be presented');
    return project;
  };
  return [
    {
      method: 'GET',
      path: '/api/projects',
      access: access.user,
      handler: async (c) =>
        c.json({ projects: await presentProjects(deps, c.get('user'), await listVisibleProjects(deps.db, c.get('user'))) }),
    },
    {
      method: 'POST',
      path: '/api/projects',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, CreateProjectBody);
        const project = await createProject(deps, c.get('user'), body);
        return c.json({ project: await presentOne(c.get('user'), project) }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId',
      access: access.project,
      handler: async (c) => c.json({ project: await presentOne(c.get('user'), c.get('project')) }),
    },
    {
      method: 'PATCH',
      path: '/api/projects/:projectId',
      access: access.project,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, UpdateProjectBody);
        return c.json({ project: await presentOne(c.get('user'), await updateProject(deps, c.get('user'), c.get('project'), body)) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/projects/:projectId',
      access: access.project,
      handler: async (c) => {
        await assertCanManage(deps.db, c.get('user'), c.get('project'), 'delete the project');
        await deleteProject(deps, c.get('project'));
        return c.body(null, 204);
      },
    },
    {
      method: 'POST',
      path: '/api/projects/:projectId/clone',
      access: access.project,
      handler: async (c) => {
        await assertCanManage(deps.db, c.get('user'), c.get('project'), 'retry the clone');
        return c.json({ project: await presentOne(c.get('user'), await retryClone(deps, c.get('project'))) }, 202);
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/wip-limits',
      access: access.project,
      handler: (c) => c.json({ wipLimits: wipLimitsOf(c.get('project')) }),
    },
    {
      method: 'PUT',
      path: '/api/projects/:projectId/wip-limits',
      access: access.project,
      body: 'json',
      handler: async (c) => {
        const project = c.get('project');
        await assertCanManage(deps.db, c.get('user'), project, "change the board's column limits");
        const body = await readJson(c, PutWipLimitsBody);
        return c.json({ wipLimits: await updateWipLimits(deps, project.id, body) });
      },
    },
  ];
}
