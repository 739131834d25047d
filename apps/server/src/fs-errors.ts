// The filesystem errors a catch may expect by name. "Fail loud, never guess": a
// catch names the case it handles (the path is not there) and logs any other.
import type { Logger } from './logger';

/** The path (or a folder on the way to it) does not exist. */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A `.catch` handler answering `fallback`: silently when the path is missing,
 * with a warning (what was being done, the context, the error) otherwise.
 */
export function missingOr<T>(
  fallback: T,
  logger: Pick<Logger, 'warn'>,
  context: Record<string, unknown>,
  doing: string,
): (err: unknown) => T {
  return (err: unknown) => {
    if (!isMissing(err)) logger.warn({ err, ...context }, `${doing} failed`);
    return fallback;
  };
}

/** A `.catch` handler answering `fallback` when the path is missing; any other error is thrown on. */
export function ifMissing<T>(fallback: T): (err: unknown) => T {
  return (err: unknown) => {
    if (isMissing(err)) return fallback;
    throw err;
  };
}
