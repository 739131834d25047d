// Classifies OpenCode failures into ProviderErrors. A model error reported by
// the session (session.error / an assistant message's error) ends the run as
// a FATAL failure: OpenCode has already retried what is retryable (429, 5xx,
// a dead endpoint) for about a minute, and a failed turn must never count as
// done (the orchestrator would chain the next agent on nothing).
//
// OpenCode honours a vendor's `retry-after` (or `retry-after-ms`) however
// long it is (measured: a 429 with retry-after 3600 s is announced as
// session.status {type: 'retry', attempt, message, next: now + 3600 s} and
// then waited out, silently). A turn does not sit out such a wait inside
// OpenCode: a retry announced more than LONG_RETRY_MS ahead is taken over
// (see classifyRetryWait). Its own backoff when the vendor names no wait
// (2 s, doubling, up to a quarter of jitter, as its bundled code reads) stays
// under that line for its first five retries, so mostly a vendor's wait
// crosses it.
import { ProviderError } from '../../contract';
import { describeError } from './mapper';
import type { MapperState } from './mapper';

type SessionError = NonNullable<MapperState['error']>;

const err = (code: ProviderError['code'], message: string, kind: ProviderError['kind'] = 'fatal') =>
  new ProviderError('opencode', kind, code, message);

export function classifySessionError(error: SessionError): ProviderError {
  const text = describeError(error);
  switch (error.name) {
    case 'ProviderAuthError':
      return err('auth', `OpenCode's model provider rejected the credentials: ${text}; update them in Settings → Providers`);
    case 'APIError': {
      const status = error.data.statusCode;
      if (status === 401 || status === 403)
        return err('auth', `the model provider rejected the credentials: ${text}; update them in Settings → Providers`);
      if (status === 429) return err('rate_limit', `rate limited by the model provider: ${text}`);
      if (status !== undefined && status >= 400 && status < 500)
        return err('invalid_request', `the model provider refused the request: ${text}`);
      return err('network', `the model provider could not be reached or failed: ${text}`);
    }
    case 'MessageAbortedError':
      return err('aborted', 'the turn was stopped');
    case 'MessageOutputLengthError':
    case 'ContextOverflowError':
    case 'ContentFilterError':
    case 'StructuredOutputError':
      return err('invalid_request', `the model could not complete the turn: ${text}`);
    case 'UnknownError':
      return err('unknown', `OpenCode failed: ${text}`);
    default: {
      const other: { name?: unknown } = error satisfies never;
      return err('unknown', `OpenCode failed: ${String(other.name)}`);
    }
  }
}

/** A failed call to the OpenCode server itself (not the model). */
export function serverCallFailed(what: string, detail: unknown): ProviderError {
  const message = detail instanceof Error ? detail.message : typeof detail === 'string' ? detail : JSON.stringify(detail);
  return err('process', `OpenCode ${what} failed: ${message}`, 'transient');
}

/** A retry OpenCode announces further ahead than this is taken over by Bottega. */
export const LONG_RETRY_MS = 60_000;
/** A wait at least this long is a usage limit (a quota window), not a rate limit. */
export const USAGE_LIMIT_WAIT_MS = 15 * 60_000;

/**
 * The error for a retry OpenCode announced (`session.status` of type
 * `retry`): null for a short wait (OpenCode's own backoff goes on); a rate
 * limit carrying the wait as `retryAfterMs` up to USAGE_LIMIT_WAIT_MS; beyond
 * that a usage limit that resets when OpenCode would have retried.
 */
export function classifyRetryWait(retry: { attempt: number; message: string; next: number }, now = Date.now()): ProviderError | null {
  const waitMs = retry.next - now;
  if (!Number.isFinite(waitMs) || waitMs <= LONG_RETRY_MS) return null;
  if (waitMs < USAGE_LIMIT_WAIT_MS) {
    return new ProviderError(
      'opencode',
      'transient',
      'rate_limit',
      `rate limited by the model provider for ${Math.round(waitMs / 1000)} s: ${retry.message}`,
      { retryAfterMs: waitMs },
    );
  }
  const resetAt = new Date(retry.next);
  return new ProviderError(
    'opencode',
    'transient',
    'usage_limit',
    `the model provider refuses requests until ${resetAt.toISOString()}: ${retry.message}`,
    { resetAt },
  );
}
