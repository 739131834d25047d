// Classifies Claude Code failures into ProviderErrors. The CLI reports a failed
// model request three ways: an `assistant` message with an `error` field, a
// `result` with `is_error` and `api_error_status`, then a thrown error from the
// SDK iterator ("Claude Code returned an error result: …"). The first two are
// collected into an ApiFailure; a throw without them is a process failure.
//
// A subscription's usage limit (measured against the fake's unified-limiter
// refusal with an OAuth token): the CLI does not retry; it yields a
// `rate_limit_event` {status: 'rejected', resetsAt, rateLimitType}, then the
// synthetic assistant message with error 'rate_limit', an untyped
// `api_error: 'usage_limit_reached'` and `api_error_params.rate_limit_info.
// resetsAt`, text "You've hit your 5-hour limit · resets 1:02am (UTC)". A
// plain 429 (no unified headers) is retried by the CLI itself, honouring
// retry-after, and ends as error 'rate_limit' with "API Error: Server is
// temporarily limiting requests (not your usage limit) · …" (OAuth) or "API
// Error: Request rejected (429) · …" (API key); the retry-after is not passed on.
import type { SDKAssistantMessageError, SDKRateLimitEvent } from '@anthropic-ai/claude-agent-sdk';
import { ProviderError, type ProviderErrorKind } from '../../contract';
import { parseClaudeReset } from '../reset-time';

export interface ApiFailure {
  /** HTTP status of the failed request; null when there was no response (network). */
  status: number | null;
  /** The CLI's error category from the assistant message, when one came. */
  error: SDKAssistantMessageError | null;
  /** What the CLI said (its synthetic assistant text or the result text). */
  text: string;
  /** Set when the CLI reported a subscription usage limit: its reset (epoch seconds), null when it gave none. */
  usageLimit?: { resetsAt: number | null } | null;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * The usage limit an assistant or result message of the CLI reports, read
 * from its (untyped) `api_error: 'usage_limit_reached'` and
 * `api_error_params.rate_limit_info.resetsAt`; null for any other message.
 */
export function usageLimitOf(msg: unknown): { resetsAt: number | null } | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as { api_error?: unknown; api_error_params?: { rate_limit_info?: { resetsAt?: unknown } } | null };
  if (m.api_error !== 'usage_limit_reached') return null;
  return { resetsAt: positive(m.api_error_params?.rate_limit_info?.resetsAt) };
}

/** The reset (epoch seconds) of a `rate_limit_event` that refuses requests; null when it does not, or names no reset. */
export function rejectedUntil(event: SDKRateLimitEvent): number | null {
  return event.rate_limit_info.status === 'rejected' ? positive(event.rate_limit_info.resetsAt) : null;
}

/** The failure with the reset of a refusing `rate_limit_event` seen in the same attempt (a 429 only). */
export function withRejection(f: ApiFailure, resetsAt: number | null): ApiFailure {
  if (resetsAt === null || f.status !== 429 || f.usageLimit?.resetsAt) return f;
  return { ...f, usageLimit: { resetsAt } };
}

function usageLimit(f: ApiFailure, detail: string): ProviderError | null {
  const parsed = f.status === 429 || f.error === 'rate_limit' ? parseClaudeReset(f.text) : null;
  if (!f.usageLimit && !parsed) return null;
  const resetAt = f.usageLimit?.resetsAt ? new Date(f.usageLimit.resetsAt * 1000) : parsed;
  if (!resetAt) {
    return err('fatal', 'usage_limit', `the Claude subscription's usage limit is reached and no reset time was given: ${detail}`);
  }
  return new ProviderError(
    'anthropic',
    'transient',
    'usage_limit',
    `the Claude subscription's usage limit is reached until ${resetAt.toISOString()}: ${detail}`,
    { resetAt },
  );
}

const err = (kind: ProviderErrorKind, code: ProviderError['code'], message: string) => new ProviderError('anthropic', kind, code, message);

/** True for the failure that may be a stale credential (recovered once in a fresh process). */
export function isUnauthorized(f: ApiFailure): boolean {
  return f.status === 401 || (f.status === null && f.error === 'authentication_failed');
}

export function classifyApiFailure(f: ApiFailure): ProviderError {
  const detail = f.text.trim() || f.error || 'no detail';
  const status = f.status;
  if (isUnauthorized(f)) return err('transient', 'auth', `the Anthropic API rejected the credentials (401): ${detail}`);
  if (
    status === 403 ||
    f.error === 'billing_error' ||
    f.error === 'account_on_hold' ||
    f.error === 'oauth_org_not_allowed' ||
    f.error === 'verification_required' ||
    f.error === 'cloud_credential_error'
  ) {
    return err('fatal', 'auth', `the Anthropic account cannot be used for this request${status ? ` (${status})` : ''}: ${detail}`);
  }
  const limit = usageLimit(f, detail);
  if (limit) return limit;
  if (status === 429 || f.error === 'rate_limit') return err('transient', 'rate_limit', `rate limited by the Anthropic API: ${detail}`);
  if (status === 529 || f.error === 'overloaded') return err('transient', 'overloaded', `the Anthropic API is overloaded: ${detail}`);
  if (status === 404 || f.error === 'model_not_found') return err('fatal', 'invalid_request', `the model is not available: ${detail}`);
  if ((status !== null && status >= 400 && status < 500) || f.error === 'invalid_request') {
    return err('fatal', 'invalid_request', `the Anthropic API refused the request${status ? ` (${status})` : ''}: ${detail}`);
  }
  if (f.error === 'max_output_tokens') return err('fatal', 'unknown', `the reply exceeded the output token limit: ${detail}`);
  if ((status !== null && status >= 500) || status === null) {
    return err('transient', 'network', `the Anthropic API could not be reached or failed${status ? ` (${status})` : ''}: ${detail}`);
  }
  return err('transient', 'unknown', `the model request failed (${status}): ${detail}`);
}

/** The fatal error for a 401 that survived the fresh-process retry. */
export function credentialsRejected(f: ApiFailure): ProviderError {
  return err(
    'fatal',
    'auth',
    `the Anthropic credentials were rejected (401): ${f.text.trim() || 'invalid credentials'}; update them in Settings → Providers`,
  );
}

/** A failure thrown by the SDK with no API failure reported before it. */
export function classifyThrown(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || /ENOENT|EACCES|not found|failed to launch/i.test(message)) {
    return err('fatal', 'process', `Claude Code could not be started: ${message}`);
  }
  if (/not logged in/i.test(message)) return err('fatal', 'credentials_missing', `Claude Code has no credentials: ${message}`);
  return err('transient', 'process', `Claude Code failed: ${message}`);
}
