// Structured logging (pino). Children per request and per run; secrets are
// redacted by path so a mistake in a log call cannot leak them.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'apiKey', '*.apiKey', 'headers.authorization', 'headers.cookie', '*.secret'],
      censor: '[redacted]',
    },
  });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
