// Codex's context use (docs/behaviour/chat.md#context-meter). The SDK's `turn.completed`
// only sums a turn's tokens over all its model requests; the context figure —
// the last request's tokens against the model's window — is in the
// `token_count` events Codex writes to the thread's session file
// (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<thread id>.jsonl`). Read from the
// file's tail; anything missing or unreadable means "not reported".
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContextUsage } from '@bottega/protocol';
import type { Deps } from '../../../deps';
import { isMissing } from '../../../fs-errors';

const TAIL_BYTES = 256 * 1024;

async function findSessionFile(deps: Pick<Deps, 'logger'>, dir: string, threadId: string, depth = 0): Promise<string | null> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (!isMissing(err)) deps.logger.warn({ err, dir }, 'could not list Codex session files');
    return null;
  }
  // Newest first: dated folders sort by name.
  for (const e of entries.sort((a, b) => b.name.localeCompare(a.name))) {
    if (e.isFile() && e.name.endsWith(`${threadId}.jsonl`)) return join(dir, e.name);
    if (e.isDirectory() && depth < 3) {
      const found = await findSessionFile(deps, join(dir, e.name), threadId, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

async function readTail(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

interface TokenCountInfo {
  last_token_usage?: { input_tokens?: number; output_tokens?: number };
  model_context_window?: number | null;
}

/** The context use in the last `token_count` of a session file's text, or null. */
export function contextFromSessionLog(text: string): ContextUsage | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!line || !line.includes('"token_count"')) continue;
    try {
      const entry = JSON.parse(line) as { type?: string; payload?: { type?: string; info?: TokenCountInfo | null } };
      const info = entry.payload?.type === 'token_count' ? entry.payload.info : null;
      const last = info?.last_token_usage;
      if (!last || typeof last.input_tokens !== 'number') continue;
      const window = info?.model_context_window;
      return {
        usedTokens: last.input_tokens + (last.output_tokens ?? 0),
        windowTokens: typeof window === 'number' && window > 0 ? window : null,
        breakdown: null,
      };
    } catch {
      // a line cut by the tail window, or not JSON: look further up
    }
  }
  return null;
}

/** Codex's latest context use for a thread, from its session file under `codexHome`. */
export async function readThreadContext(
  deps: Pick<Deps, 'logger'>,
  codexHome: string | undefined,
  threadId: string | null,
): Promise<ContextUsage | null> {
  if (!codexHome || !threadId || !/^[0-9a-zA-Z-]+$/.test(threadId)) return null;
  const file = await findSessionFile(deps, join(codexHome, 'sessions'), threadId);
  if (!file) return null;
  try {
    return contextFromSessionLog(await readTail(file));
  } catch (err) {
    if (!isMissing(err)) deps.logger.warn({ err, file }, 'could not read the Codex session file');
    return null;
  }
}
