// The task search route: the command palette's "find a task anywhere I can see".
import { TaskSearchQuery, type TaskSearchResponse } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readQuery } from '../../http/validate';
import { searchTasks } from './search';

export function searchRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/search/tasks',
      access: access.user,
      handler: async (c) =>
        c.json({ tasks: await searchTasks(deps, c.get('user'), readQuery(c, TaskSearchQuery)) } satisfies TaskSearchResponse),
    },
  ];
}
