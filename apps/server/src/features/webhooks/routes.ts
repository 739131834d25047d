// GitHub webhook endpoints (SPEC §8). The delivery route has no user login:
// the access layer verifies the signature on the raw bytes before this code
// runs. Each delivery id is handled once, also across restarts; a delivery
// that failed on a genuine fault is forgotten so GitHub's redelivery retries it.
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import { iso } from '../../time';
import { readInstanceSettings } from '../admin/instance-settings';
import { handleDelivery, WEBHOOK_EVENTS } from './receive';

const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

export function webhookRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/webhooks/health',
      access: access.public,
      handler: async (c) =>
        c.json({
          secretConfigured: deps.config.webhookSecret !== null,
          triggerHandle: (await readInstanceSettings(deps)).triggerHandle,
          events: WEBHOOK_EVENTS,
          path: '/api/webhooks/github',
        }),
    },
    {
      method: 'POST',
      path: '/api/webhooks/github',
      access: access.github,
      handler: async (c) => {
        const event = c.req.header('x-github-event') ?? '';
        const deliveryId = c.req.header('x-github-delivery') ?? '';
        if (!DELIVERY_ID.test(deliveryId)) throw new AppError('VALIDATION_FAILED', 'X-GitHub-Delivery is missing or malformed');
        let payload: unknown;
        try {
          payload = JSON.parse(c.get('webhookBody'));
        } catch {
          throw new AppError('VALIDATION_FAILED', 'the delivery body is not JSON');
        }
        const claimed = await deps.db
          .insertInto('webhook_deliveries')
          .values({ delivery_id: deliveryId, event: event.slice(0, 64), outcome: 'processing', received_at: iso(deps.now()) })
          .onConflict((oc) => oc.column('delivery_id').doNothing())
          .executeTakeFirst();
        if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return c.json({ status: 'ignored', reason: `delivery ${deliveryId} was already received` });
        try {
          const outcome = await handleDelivery(deps, event, payload);
          await deps.db.updateTable('webhook_deliveries').set({ outcome: outcome.status }).where('delivery_id', '=', deliveryId).execute();
          c.get('log').info({ event, deliveryId, outcome }, 'github webhook handled');
          return c.json(outcome);
        } catch (err) {
          await deps.db.deleteFrom('webhook_deliveries').where('delivery_id', '=', deliveryId).execute();
          throw err;
        }
      },
    },
  ];
}
