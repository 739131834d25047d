// One error type for the whole server, with a closed set of codes mapped to
// HTTP statuses in exactly one place (codeToStatus).
import type { ErrorCode } from '@bottega/protocol';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function codeToStatus(code: ErrorCode): 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'WORKSPACE_FAILED':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
    case 'SETUP_CLOSED':
    case 'PROVIDER_CREDENTIALS_MISSING':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'RUN_IN_PROGRESS':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    default:
      return assertNever(code);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
