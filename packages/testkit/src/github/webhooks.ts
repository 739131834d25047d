// Delivers a webhook the way GitHub does: POST of the raw JSON with X-GitHub-Event,
// a uuid X-GitHub-Delivery and X-Hub-Signature-256 (HMAC-SHA256 of the exact body).
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

export type WebhookEvent = 'issue_comment' | 'pull_request_review' | 'pull_request' | 'check_suite' | 'check_run' | 'status' | 'ping';

export interface WebhookDeliveryOptions {
  /** Use this delivery id (to test deduplication); default a fresh uuid. */
  deliveryId?: string;
  /** Replace the signature header (e.g. a wrong one); null omits it. */
  signature?: string | null;
  /** Extra headers, applied last. */
  headers?: Record<string, string>;
}

export interface WebhookDelivery {
  deliveryId: string;
  /** The exact body sent (what the signature covers). */
  rawBody: string;
  signature: string | null;
  status: number;
  /** The receiver's answer (parsed JSON when it was JSON). */
  body: unknown;
}

export async function deliverWebhook(
  url: string,
  event: WebhookEvent,
  payload: object,
  secret: string,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDelivery> {
  const rawBody = JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const signature = options.signature === undefined ? await sign(secret, rawBody) : options.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/fake',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'x-github-hook-id': '1',
    'x-github-hook-installation-target-type': 'repository',
    ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    ...options.headers,
  };
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { deliveryId, rawBody, signature, status: response.status, body };
}
