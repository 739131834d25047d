// GitHub webhook endpoints (docs/behaviour/webhook.md#endpoints). The delivery route has no user login:
// the access layer verifies the signature on the raw bytes before this code
// runs. Each delivery id, and each GitHub object a delivery acts on, is
// handled once, also across restarts (dedupe.ts); a delivery that failed on a
// genuine fault is forgotten so GitHub's redelivery retries it.
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import { readInstanceSettings } from '../admin/instance-settings';
import { claimDelivery, deliverySubject, forgetDelivery, settleDelivery } from './dedupe';
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
        const claim = await claimDelivery(deps, deliveryId, event, deliverySubject(event, payload));
        if (!claim.claimed) return c.json({ status: 'ignored', reason: claim.reason });
        try {
          const outcome = await handleDelivery(deps, event, payload);
          await settleDelivery(deps, deliveryId, outcome.status);
          c.get('log').info({ event, deliveryId, outcome }, 'github webhook handled');
          return c.json(outcome);
        } catch (err) {
          await forgetDelivery(deps, deliveryId);
          throw err;
        }
      },
    },
  ];
}
