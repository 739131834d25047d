// Usage routes: a task's totals per role, a project's total (both SQL sums of
// their runs), and the admin's price table.
import { ModelPriceKey, PutModelPriceBody, type ProjectUsageDto, type TaskUsageDto } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { deletePrice, listPrices, putPrice } from './prices';
import { usageOfProject, usageOfTask } from '../../engine/usage-totals';

export function usageRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/tasks/:taskId/usage',
      access: access.task,
      handler: async (c) => {
        const taskId = c.get('task').id;
        return c.json({ usage: { taskId, ...(await usageOfTask(deps.db, taskId)) } satisfies TaskUsageDto });
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/usage',
      access: access.project,
      handler: async (c) => {
        const projectId = c.get('project').id;
        return c.json({ usage: { projectId, ...(await usageOfProject(deps.db, projectId)) } satisfies ProjectUsageDto });
      },
    },
    {
      method: 'GET',
      path: '/api/admin/prices',
      access: access.admin,
      handler: async (c) => c.json({ prices: await listPrices(deps) }),
    },
    {
      method: 'PUT',
      path: '/api/admin/prices',
      access: access.admin,
      body: 'json',
      handler: async (c) => c.json({ price: await putPrice(deps, await readJson(c, PutModelPriceBody)) }),
    },
    {
      method: 'DELETE',
      path: '/api/admin/prices',
      access: access.admin,
      body: 'json',
      handler: async (c) => c.json({ deleted: await deletePrice(deps, await readJson(c, ModelPriceKey)) }),
    },
  ];
}
