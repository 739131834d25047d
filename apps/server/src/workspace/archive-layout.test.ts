import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { moveLegacyDocuments } from './archive-layout';
import { taskArchive } from './paths';

let home: string | null = null;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = null;
});

describe('moveLegacyDocuments', () => {
  it('moves tasks/task-N.md into tasks/task-N/ where taskArchive looks for it, once', async () => {
    home = await mkdtemp(join(tmpdir(), 'bottega-archive-'));
    const tasks = join(home, 'projects', '3', 'tasks');
    await mkdir(join(tasks, 'task-7', 'input_files'), { recursive: true });
    await writeFile(join(tasks, 'task-7.md'), '# seven');
    await writeFile(join(tasks, 'task-8.md'), '# eight');
    await writeFile(join(tasks, 'notes.md'), 'not a task document');
    expect(await moveLegacyDocuments(home, silentLogger())).toBe(2);
    expect(await readFile(taskArchive(home, 3, 7).documentPath, 'utf8')).toBe('# seven');
    expect(await readFile(taskArchive(home, 3, 8).documentPath, 'utf8')).toBe('# eight');
    expect(await stat(join(tasks, 'task-7.md')).catch(() => null)).toBeNull();
    expect(await stat(join(tasks, 'notes.md'))).toBeTruthy();
    expect(await moveLegacyDocuments(home, silentLogger())).toBe(0);
  });

  it('never overwrites a document already in the task folder', async () => {
    home = await mkdtemp(join(tmpdir(), 'bottega-archive-'));
    const tasks = join(home, 'projects', '1', 'tasks');
    await mkdir(join(tasks, 'task-1'), { recursive: true });
    await writeFile(join(tasks, 'task-1', 'task-1.md'), 'new');
    await writeFile(join(tasks, 'task-1.md'), 'old');
    expect(await moveLegacyDocuments(home, silentLogger())).toBe(0);
    expect(await readFile(taskArchive(home, 1, 1).documentPath, 'utf8')).toBe('new');
  });
});
