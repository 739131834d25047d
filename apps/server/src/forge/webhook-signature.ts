// GitHub webhook signatures (docs/behaviour/webhook.md): `X-Hub-Signature-256` is
// `sha256=` + the hex HMAC-SHA256 of the exact raw body under the shared
// secret. Compared in constant time; anything malformed simply fails.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifySignature(secret: string, rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signBody(secret, rawBody), 'utf8');
  const given = Buffer.from(header.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
