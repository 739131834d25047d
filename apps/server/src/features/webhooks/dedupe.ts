// Deduplication of GitHub deliveries, persisted in `webhook_deliveries`. A
// delivery is claimed once per X-GitHub-Delivery — but that header is not
// signed, so anyone holding one signed body could re-send it under new ids.
// Each delivery therefore also claims the GitHub object it acts on: the
// comment (issue_comment), the review (pull_request_review), or the pull
// request's state change (number, action, merged, updated_at), the check
// run's change (id, action, completion time), the commit status (its id). A
// second delivery of the same object starts nothing. A delivery that hit a genuine
// fault is forgotten, object and all, so GitHub's redelivery retries it.
import type { Deps } from '../../deps';
import { iso } from '../../time';
import { CheckRunPayload, IssueCommentPayload, PullRequestPayload, ReviewPayload, StatusPayload } from './payloads';

export interface DeliverySubject {
  /** Unique key of the object (stored in `webhook_deliveries.subject`). */
  key: string;
  /** The object in words, for the "already handled" answer. */
  label: string;
}

/** The GitHub object a delivery acts on, or null when it acts on none Bottega knows. */
export function deliverySubject(event: string, payload: unknown): DeliverySubject | null {
  switch (event) {
    case 'issue_comment': {
      const p = IssueCommentPayload.safeParse(payload);
      if (!p.success) return null;
      const repo = p.data.repository.full_name.toLowerCase();
      return {
        key: `issue_comment:${repo}:${p.data.comment.id}:${p.data.action}`,
        label: `comment ${p.data.comment.id} (${p.data.action}) on ${repo}`,
      };
    }
    case 'pull_request_review': {
      const p = ReviewPayload.safeParse(payload);
      if (!p.success) return null;
      const repo = p.data.repository.full_name.toLowerCase();
      return {
        key: `pull_request_review:${repo}:${p.data.review.id}:${p.data.action}`,
        label: `review ${p.data.review.id} (${p.data.action}) on ${repo}`,
      };
    }
    case 'pull_request': {
      const p = PullRequestPayload.safeParse(payload);
      // Without updated_at two genuine changes of the same kind could not be told apart.
      if (!p.success || !p.data.pull_request.updated_at) return null;
      const repo = p.data.repository.full_name.toLowerCase();
      const { number, merged, updated_at: updatedAt } = p.data.pull_request;
      const action = p.data.action === 'closed' && merged ? 'merged' : p.data.action;
      return {
        key: `pull_request:${repo}:${number}:${action}:${updatedAt}`,
        label: `pull request ${repo}#${number} ${action} at ${updatedAt}`,
      };
    }
    case 'check_run': {
      const p = CheckRunPayload.safeParse(payload);
      if (!p.success) return null;
      const repo = p.data.repository.full_name.toLowerCase();
      const { id, completed_at: completedAt } = p.data.check_run;
      const when = completedAt ? ` at ${completedAt}` : '';
      return {
        key: `check_run:${repo}:${id}:${p.data.action}:${completedAt ?? ''}`,
        label: `check run ${id} (${p.data.action}${when}) on ${repo}`,
      };
    }
    case 'status': {
      const p = StatusPayload.safeParse(payload);
      if (!p.success) return null;
      const repo = p.data.repository.full_name.toLowerCase();
      return { key: `status:${repo}:${p.data.id}`, label: `commit status ${p.data.id} (${p.data.state}) on ${repo}` };
    }
    default:
      return null;
  }
}

export type Claim = { claimed: true } | { claimed: false; reason: string };

/**
 * Claims a delivery and its subject in one insert (the unique delivery id and
 * the unique subject make a concurrent twin lose); the answer says which one
 * was seen before.
 */
export async function claimDelivery(
  deps: Pick<Deps, 'db' | 'now'>,
  deliveryId: string,
  event: string,
  subject: DeliverySubject | null,
): Promise<Claim> {
  const inserted = await deps.db
    .insertInto('webhook_deliveries')
    .values({
      delivery_id: deliveryId,
      event: event.slice(0, 64),
      outcome: 'processing',
      received_at: iso(deps.now()),
      subject: subject?.key ?? null,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { claimed: true };
  const same = await deps.db
    .selectFrom('webhook_deliveries')
    .select('delivery_id')
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  if (same || !subject) return { claimed: false, reason: `delivery ${deliveryId} was already received` };
  const first = await deps.db.selectFrom('webhook_deliveries').select('delivery_id').where('subject', '=', subject.key).executeTakeFirst();
  return { claimed: false, reason: `already handled: ${subject.label} came before${first ? ` in delivery ${first.delivery_id}` : ''}` };
}

/** Records what became of a claimed delivery. */
export async function settleDelivery(deps: Pick<Deps, 'db'>, deliveryId: string, outcome: string): Promise<void> {
  await deps.db.updateTable('webhook_deliveries').set({ outcome }).where('delivery_id', '=', deliveryId).execute();
}

/** Forgets a delivery that hit a genuine fault, so a redelivery of it (or its subject) is handled afresh. */
export async function forgetDelivery(deps: Pick<Deps, 'db'>, deliveryId: string): Promise<void> {
  await deps.db.deleteFrom('webhook_deliveries').where('delivery_id', '=', deliveryId).execute();
}
