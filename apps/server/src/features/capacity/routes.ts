// Admin → Capacity (docs/behaviour/capacity.md#admin): the limits, the machine's memory, each
// user's running, queued and waiting work, and the runs themselves in the order they will start.
// Administrators set the per-user limit; the global one comes from configuration.
import { PutCapacityBody, type CapacityDto, type CapacityUserDto } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { byPlaceInLine, readWaitingRuns } from '../../engine/capacity/waiting-runs';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';

export async function readCapacity(deps: Deps): Promise<CapacityDto> {
  const { usersHolding, ...figures } = await deps.scheduler.figures();
  const runs = await readWaitingRuns(deps, { statuses: ['running', 'queued', 'waiting_for_quota'] }, (id) => deps.scheduler.placeOf(id));
  const live = runs.filter((r) => r.status === 'running');
  const waiting = runs.filter((r) => r.status !== 'running').sort(byPlaceInLine);
  const userIds = new Set<number>([...usersHolding.keys(), ...runs.flatMap((r) => (r.userId === null ? [] : [r.userId]))]);
  const names = userIds.size
    ? await deps.db
        .selectFrom('users')
        .select(['id', 'username'])
        .where('id', 'in', [...userIds])
        .execute()
    : [];
  const users: CapacityUserDto[] = names
    .map((u) => ({
      userId: u.id,
      username: u.username,
      running: runs.filter((r) => r.userId === u.id && r.status === 'running').length,
      chatting: usersHolding.get(u.id)?.chatting ?? 0,
      queued: runs.filter((r) => r.userId === u.id && r.status === 'queued').length,
      waitingForQuota: runs.filter((r) => r.userId === u.id && r.status === 'waiting_for_quota').length,
    }))
    .sort((a, b) => a.username.localeCompare(b.username));
  return {
    ...figures,
    running: live.length,
    queued: waiting.filter((r) => r.status === 'queued').length,
    waitingForQuota: waiting.filter((r) => r.status === 'waiting_for_quota').length,
    users,
    runs: [...live, ...waiting],
  };
}

export function capacityRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/admin/capacity',
      access: access.admin,
      handler: async (c) => c.json({ capacity: await readCapacity(deps) }),
    },
    {
      method: 'PUT',
      path: '/api/admin/capacity',
      access: access.admin,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, PutCapacityBody);
        await deps.scheduler.setPerUserLimit(body.perUserLimit);
        return c.json({ capacity: await readCapacity(deps) });
      },
    },
  ];
}
