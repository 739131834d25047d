// Classifies Claude Code failures into ProviderErrors. The CLI reports a failed
// model request three ways: an `assistant` message with an `error` field, a
// `result` with `is_error` and `api_error_status`, then a thrown error from the
// SDK iterator ("Claude Code returned an error result: …"). The first two are
// collected into an ApiFailure; a throw without them is a process failure.
import type { SDKAssistantMessageError } from '@anthropic-ai/claude-agent-sdk';
import { ProviderError, type ProviderErrorKind } from '../../contract';

export interface ApiFailure {
  /** HTTP status of the failed request; null when there was no response (network). */
  status: number | null;
  /** The CLI's error category from the assistant message, when one came. */
  error: SDKAssistantMessageError | null;
  /** What the CLI said (its synthetic assistant text or the result text). */
  text: string;
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
