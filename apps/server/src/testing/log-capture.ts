// A pino logger that writes its lines into an array, so tests can assert that a
// failure was logged (level, message, context) instead of passing silently.
import { pino } from 'pino';
import type { Logger } from '../logger';

export interface LogLine {
  level: number;
  msg: string;
  err?: { message: string };
  [key: string]: unknown;
}

export function captureLogs(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}
