// The inbox route: what waits for the signed-in user across their projects.
import type { InboxResponse } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readInbox } from './inbox';

export function inboxRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/inbox',
      access: access.user,
      handler: async (c) => c.json({ items: await readInbox(deps, c.get('user').id) } satisfies InboxResponse),
    },
  ];
}
