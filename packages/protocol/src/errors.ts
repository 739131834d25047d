// The closed set of error codes the API answers with. The server maps each
// code to one HTTP status in one place; clients switch on the code.
export const errorCodes = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RUN_IN_PROGRESS',
  'SETUP_CLOSED',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'PROVIDER_CREDENTIALS_MISSING',
  'WORKSPACE_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}
