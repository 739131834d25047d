// The inbox route: what waits for the signed-in user across their projects.
import type { InboxResponse } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readInbox } from './inbox';
import { byPlaceInLine, readWaitingRuns } from '../../engine/capacity/waiting-runs';

export function inboxRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/inbox',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        const waiting = await readWaitingRuns(deps, { statuses: ['queued', 'waiting_for_quota'], userId }, (id) =>
          deps.scheduler.placeOf(id),
        );
        return c.json({ items: await readInbox(deps, userId), waiting: waiting.sort(byPlaceInLine) } satisfies InboxResponse);
      },
    },
  ];
}
