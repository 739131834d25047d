// The task document: one markdown file per task in the archive (SPEC §3),
// seeded from the user's request and saved atomically on every edit.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-write';

/** The first content of a task document: the description if it says anything, else the title as a heading. */
export function seedDocumentContent(title: string, description?: string | null): string {
  const body = (description ?? '').replace(/\r\n?/g, '\n');
  if (body.trim() !== '') return `${body.replace(/^(?:[ \t]*\n)+/, '').trimEnd()}\n`;
  return `# ${title.replace(/\s+/g, ' ').trim()}\n`;
}

/** The document's text, or '' if it has not been written yet. */
export async function readTaskDocument(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Saves the document atomically, creating its (private) directory if needed. */
export async function writeTaskDocument(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, content);
}
