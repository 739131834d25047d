// Anthropic-style error bodies for the fake server: which error type an HTTP
// status maps to, and the JSON the real API answers with.
import type { ApiErrorBody, ApiErrorType } from './wire';

/** The error type the real API uses for an HTTP status. */
export function errorTypeForStatus(status: number): ApiErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

const defaultMessages: Record<ApiErrorType, string> = {
  invalid_request_error: 'Invalid request (fake).',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit (fake).',
  api_error: 'Internal server error (fake).',
  overloaded_error: 'Overloaded',
};

/** The body the API sends with a failing status (or inside an SSE `error` event). */
export function errorBody(status: number, message?: string): ApiErrorBody {
  const type = errorTypeForStatus(status);
  return { type: 'error', error: { type, message: message ?? defaultMessages[type] } };
}

/** A refusal with the headers that come with it. */
export interface LimitAnswer {
  status: 429;
  headers: Record<string, string>;
  body: ApiErrorBody;
}

/** A plain rate limit: 429 `rate_limit_error` with `retry-after` in seconds. */
export function rateLimitAnswer(retryAfterS: number): LimitAnswer {
  return { status: 429, headers: { 'retry-after': String(Math.max(0, Math.ceil(retryAfterS))) }, body: errorBody(429) };
}

/** The subscription windows of Anthropic's unified limiter, as `representative-claim` names them. */
export type UsageLimitWindow = 'five_hour' | 'seven_day';

const WINDOW_PREFIX: Record<UsageLimitWindow, string> = { five_hour: '5h', seven_day: '7d' };

export interface UsageLimitAnswerOptions {
  window?: UsageLimitWindow;
  /** Also send `retry-after` (seconds until the reset), as field reports show the API doing; default true. */
  retryAfter?: boolean;
  now?: number;
}

/**
 * Anthropic's refusal of a subscription (OAuth) client whose usage window is
 * used up: 429 `rate_limit_error` with the unified limiter's headers —
 * `anthropic-ratelimit-unified-status: rejected`, `-unified-reset` (epoch
 * seconds), `-unified-representative-claim` (the window that bound) and the
 * window's own `-unified-5h-*` / `-unified-7d-*` status, reset and
 * utilization. These are the header names Claude Code itself reads (its
 * binary) and that public bug reports quote; the message is the one those
 * reports show for a refused subscription request. Anthropic does not
 * document the unified headers; anything beyond them is not modelled.
 */
export function usageLimitAnswer(resetAt: Date, opts: UsageLimitAnswerOptions = {}): LimitAnswer {
  const window = opts.window ?? 'five_hour';
  const reset = String(Math.ceil(resetAt.getTime() / 1000));
  const prefix = WINDOW_PREFIX[window];
  const headers: Record<string, string> = {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': reset,
    'anthropic-ratelimit-unified-representative-claim': window,
    [`anthropic-ratelimit-unified-${prefix}-status`]: 'rejected',
    [`anthropic-ratelimit-unified-${prefix}-reset`]: reset,
    [`anthropic-ratelimit-unified-${prefix}-utilization`]: '1.0',
  };
  if (opts.retryAfter !== false) {
    headers['retry-after'] = String(Math.max(0, Math.ceil((resetAt.getTime() - (opts.now ?? Date.now())) / 1000)));
  }
  return {
    status: 429,
    headers,
    body: errorBody(429, "This request would exceed your account's rate limit. Please try again later."),
  };
}
