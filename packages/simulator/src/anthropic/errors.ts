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
