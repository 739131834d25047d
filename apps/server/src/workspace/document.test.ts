// Tests for the task document: seeding from the request, reading a missing
// document, atomic, private writes, and never following what an agent planted.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { readTaskDocument, seedDocumentContent, writeTaskDocument } from './document';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-doc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('seedDocumentContent', () => {
  it('uses the description when it says something', () => {
    expect(seedDocumentContent('Title', 'Make the **button** blue.\r\n\r\n- and bigger\n\n')).toBe(
      'Make the **button** blue.\n\n- and bigger\n',
    );
  });

  it('keeps indentation of the first content line', () => {
    expect(seedDocumentContent('T', '\n\n    code block\n')).toBe('    code block\n');
  });

  it('falls back to the title as a heading when the description is missing or blank', () => {
    expect(seedDocumentContent('Fix login')).toBe('# Fix login\n');
    expect(seedDocumentContent('Fix login', '  \n\t ')).toBe('# Fix login\n');
    expect(seedDocumentContent('  Fix\nlogin  ', null)).toBe('# Fix login\n');
  });
});

describe('readTaskDocument / writeTaskDocument', () => {
  it('reads "" for a document that does not exist', async () => {
    expect(await readTaskDocument(join(dir, 'nope', 'task-1.md'))).toBe('');
  });

  it('creates missing directories privately and round-trips the content', async () => {
    const path = join(dir, 'projects', '1', 'tasks', 'task-1.md');
    await writeTaskDocument(path, '# Hello ✓\n');
    expect(await readTaskDocument(path)).toBe('# Hello ✓\n');
    expect((await stat(join(dir, 'projects', '1', 'tasks'))).mode & 0o777).toBe(0o700);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('replaces an existing document and leaves no temporary files behind', async () => {
    const path = join(dir, 'task-2.md');
    await writeFile(path, 'old content that is longer than the new one');
    await writeTaskDocument(path, 'new');
    expect(await readTaskDocument(path)).toBe('new');
    expect(await readdir(dir)).toEqual(['task-2.md']);
  });

  it('keeps the old content intact when the write fails', async () => {
    const path = join(dir, 'task-3.md');
    await writeTaskDocument(path, 'original');
    // A directory where the temp file's parent should be makes the write fail.
    await expect(writeTaskDocument(join(path, 'child.md'), 'x')).rejects.toThrow();
    expect(await readTaskDocument(path)).toBe('original');
    expect(await readdir(dir)).toEqual(['task-3.md']);
  });

  it('survives concurrent writers: the result is one of the writes, never a mix', async () => {
    const path = join(dir, 'task-4.md');
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i}\n`.repeat(2000));
    await Promise.all(versions.map((v) => writeTaskDocument(path, v)));
    expect(versions).toContain(await readTaskDocument(path));
    expect(await readdir(dir)).toEqual(['task-4.md']);
  });
});

describe('readTaskDocument in a folder an agent can write to', () => {
  it('refuses a link planted in place of the document, and a FIFO, instead of following them', async () => {
    const secret = join(dir, 'session-secret');
    await writeFile(secret, 'not for agents');
    const taskDir = join(dir, 'task-1');
    await mkdir(taskDir);
    const doc = join(taskDir, 'task-1.md');
    await symlink(secret, doc);
    const linked = await readTaskDocument(doc).catch((e: unknown) => e);
    expect(linked).toBeInstanceOf(AppError);
    expect((linked as AppError).code).toBe('CONFLICT');
    await rm(doc);
    execFileSync('mkfifo', [doc]);
    expect(((await readTaskDocument(doc).catch((e: unknown) => e)) as AppError).code).toBe('CONFLICT');
    await rm(doc);
    // Saving replaces whatever was there with a regular file again.
    await symlink(secret, doc);
    await writeTaskDocument(doc, '# mine\n');
    expect(await readTaskDocument(doc)).toBe('# mine\n');
    expect(await readFile(secret, 'utf8')).toBe('not for agents');
  });
});
