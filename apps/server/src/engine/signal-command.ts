// How an agent reaches the server to signal (docs/behaviour/agents.md#the-signal-command): an absolute command
// line for its prompt, and the run-scoped credentials it gets in its
// environment. The agent never sees the database, only this HTTP endpoint.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { shellQuote } from '../process/exec';
import { installRoot } from '../sandbox/install-root';

export const SIGNAL_URL_VAR = 'BOTTEGA_SIGNAL_URL';
export const RUN_TOKEN_VAR = 'BOTTEGA_RUN_TOKEN';
export const RUN_TOKEN_PREFIX = 'brt_';

/** A fresh run-scoped token and the hash stored on the run. */
export function newRunToken(): { token: string; hash: string } {
  const token = `${RUN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRunToken(token) };
}

export function hashRunToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The `bin/bottega.js` of this installation. */
function findBin(): string {
  return join(installRoot(), 'bin', 'bottega.js');
}

let cached: string | null = null;

/** The shell command line an agent runs: `'<node>' '<…/bin/bottega.js>' signal`. */
export function signalCommand(): string {
  cached ??= `${shellQuote(process.execPath)} ${shellQuote(findBin())} signal`;
  return cached;
}

export function signalEnvironment(serverUrl: string, token: string): Record<string, string> {
  return { [SIGNAL_URL_VAR]: `${serverUrl}/api/signals`, [RUN_TOKEN_VAR]: token };
}
