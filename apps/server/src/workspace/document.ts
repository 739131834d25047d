// The task document: one markdown file per task in the archive (docs/behaviour/tasks.md#task-document),
// seeded from the user's request and saved atomically on every edit.
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AppError } from '../errors';
import { readConfinedFile } from './confined-read';
import { writeFileAtomic } from './atomic-write';

/** The first content of a task document: the description if it says anything, else the title as a heading. */
export function seedDocumentContent(title: string, description?: string | null): string {
  const body = (description ?? '').replace(/\r\n?/g, '\n');
  if (body.trim() !== '') return `${body.replace(/^(?:[ \t]*\n)+/, '').trimEnd()}\n`;
  return `# ${title.replace(/\s+/g, ' ').trim()}\n`;
}

/**
 * The document's text, or '' if it has not been written yet. Its folder is
 * writable by the task's agents, so a link or anything but a regular file in
 * its place is refused (CONFLICT), never followed.
 */
export async function readTaskDocument(path: string): Promise<string> {
  const read = await readConfinedFile(dirname(path), basename(path));
  if (read.kind === 'missing') return '';
  if (read.kind === 'refused')
    throw new AppError(
      'CONFLICT',
      'the task document has been replaced by something that is not a file (a link?); save the document again to replace it',
    );
  return read.data.toString('utf8');
}

/** Saves the document atomically, creating its (private) directory if needed. */
export async function writeTaskDocument(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, content);
}
