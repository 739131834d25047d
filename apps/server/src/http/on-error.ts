// The one error handler: AppError → its status and code; anything else → a
// generic 500 with the request id (logged, never leaked).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorBody } from '@bottega/protocol';
import { AppError, codeToStatus } from '../errors';
import { CredentialsMissingError, ProviderError } from '../harness/contract';
import type { AppEnv } from './types';

export function onError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId');
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message, requestId } };
    if (err.code === 'VALIDATION_FAILED' && err.details !== undefined) body.error.details = err.details;
    return c.json(body, codeToStatus(err.code));
  }
  if (err instanceof CredentialsMissingError) {
    return c.json(
      {
        error: { code: 'PROVIDER_CREDENTIALS_MISSING', message: err.message, requestId, details: { provider: err.provider } },
      } satisfies ErrorBody,
      403,
    );
  }
  if (err instanceof ProviderError && err.kind === 'fatal') {
    return c.json({ error: { code: 'VALIDATION_FAILED', message: err.message, requestId } } satisfies ErrorBody, 400);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = err.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
    return c.json({ error: { code, message: err.message || 'bad request', requestId } } satisfies ErrorBody, err.status);
  }
  c.get('log')?.error({ err }, 'unhandled error');
  return c.json({ error: { code: 'INTERNAL', message: 'internal error', requestId } } satisfies ErrorBody, 500);
}
