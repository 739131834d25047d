// Finds, in Claude Code's own session file, the transcript entry holding a
// given tool_use. Needed for one thing: re-driving a parked AskUserQuestion
// after a restart. Resuming plainly makes the CLI close the dangling call with
// an "interrupted" result and drop the answer; resuming AT that entry
// (`resumeSessionAt`) lets the answer land as the call's real tool_result.
// Bottega never reads these files for history (its own store is the record).
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ifMissing } from '../../../fs-errors';
import { createInterface } from 'node:readline';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function sessionFiles(configDir: string, sessionId: string): Promise<string[]> {
  if (!SESSION_ID.test(sessionId)) return [];
  const root = join(configDir, 'projects');
  const dirs = await readdir(root).catch(ifMissing([] as string[]));
  const out: string[] = [];
  for (const d of dirs) {
    const names = await readdir(join(root, d)).catch(ifMissing([] as string[]));
    if (names.includes(`${sessionId}.jsonl`)) out.push(join(root, d, `${sessionId}.jsonl`));
  }
  return out;
}

interface Entry {
  type?: unknown;
  uuid?: unknown;
  message?: { content?: unknown };
}

function holdsToolUse(entry: Entry, toolUseId: string): boolean {
  const content = entry.message?.content;
  return Array.isArray(content) && content.some((b: { type?: unknown; id?: unknown }) => b.type === 'tool_use' && b.id === toolUseId);
}

/** The uuid of the assistant entry that made the tool call, or null when not found. */
export async function findToolUseEntry(configDir: string, sessionId: string, toolUseId: string): Promise<string | null> {
  for (const file of await sessionFiles(configDir, sessionId)) {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let found: string | null = null;
    for await (const line of lines) {
      if (!line.includes(toolUseId)) continue;
      let entry: Entry;
      try {
        entry = JSON.parse(line) as Entry;
      } catch {
        // a line the CLI is still writing, or not JSON: not the entry sought
        continue;
      }
      if (entry.type === 'assistant' && typeof entry.uuid === 'string' && holdsToolUse(entry, toolUseId)) found = entry.uuid;
    }
    if (found) return found;
  }
  return null;
}
