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

/** Process warnings not worth printing: the SDK claims canUseTool is unused under bypass, but AskUserQuestion uses it. */
const SILENCED_WARNINGS = new Set(['CLAUDE_SDK_CAN_USE_TOOL_SHADOWED']);

/** Sends Node process warnings to the structured log instead of bare stderr, minus known noise. */
export function routeProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code && SILENCED_WARNINGS.has(warning.code)) return;
    logger.warn({ warning: { name: warning.name, code: warning.code, message: warning.message } }, 'process warning');
  });
}
