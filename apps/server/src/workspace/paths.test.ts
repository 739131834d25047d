// Tests for the on-disk layout and for resolveInside, the guard that keeps
// user-supplied paths inside their root.
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { devServerPort, projectArchiveDir, resolveInside, taskArchive, worktreePathFor } from './paths';

const home = resolve('/srv/bottega-home');

describe('archive layout', () => {
  it('places every piece of a task under the project folder', () => {
    expect(projectArchiveDir(home, 3)).toBe(join(home, 'projects', '3'));
    expect(taskArchive(home, 3, 17)).toEqual({
      tasksDir: join(home, 'projects', '3', 'tasks'),
      documentPath: join(home, 'projects', '3', 'tasks', 'task-17', 'task-17.md'),
      taskDir: join(home, 'projects', '3', 'tasks', 'task-17'),
      inputFilesDir: join(home, 'projects', '3', 'tasks', 'task-17', 'input_files'),
      recordingPath: join(home, 'projects', '3', 'recordings', 'task-17.webm'),
      chatImagesDir: join(home, 'projects', '3', 'chat-images', 'task-17'),
    });
  });

  it('puts the worktree beside the repository', () => {
    const repo = resolve('/code/shop');
    expect(worktreePathFor(repo, 9)).toBe(join(`${repo}-worktrees`, 'task-9'));
    expect(worktreePathFor(`${repo}/`, 9)).toBe(join(`${repo}-worktrees`, 'task-9'));
  });

  it('derives the dev-server port from the task id', () => {
    expect(devServerPort(1)).toBe(3101);
    expect(devServerPort(899)).toBe(3999);
    expect(devServerPort(900)).toBe(3100);
    expect(devServerPort(1234)).toBe(3100 + 334);
  });
});

describe('resolveInside', () => {
  const root = resolve('/srv/root');

  it('resolves relative paths inside the root', () => {
    expect(resolveInside(root, 'a/b.txt')).toBe(join(root, 'a', 'b.txt'));
    expect(resolveInside(root, './a/../b')).toBe(join(root, 'b'));
    expect(resolveInside(root, '.')).toBe(root);
    expect(resolveInside(root, '')).toBe(root);
    expect(resolveInside(`${root}${sep}`, 'x')).toBe(join(root, 'x'));
  });

  it('accepts names that merely start with dots', () => {
    expect(resolveInside(root, '..foo')).toBe(join(root, '..foo'));
    expect(resolveInside(root, '...')).toBe(join(root, '...'));
  });

  it('accepts an absolute path only when it lies inside the root', () => {
    expect(resolveInside(root, join(root, 'x'))).toBe(join(root, 'x'));
    expect(() => resolveInside(root, '/etc/passwd')).toThrow(AppError);
  });

  it.each(['..', '../x', '../../etc/passwd', 'a/../../x', 'a/b/../../../x', `..${sep}root-sibling`, '../root2/x'])(
    'rejects %j',
    (input) => {
      expect(() => resolveInside(root, input)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    },
  );

  it('rejects a sibling directory that shares the root as a prefix', () => {
    expect(() => resolveInside(root, `${root}-evil/x`)).toThrow(AppError);
  });

  it('rejects NUL bytes', () => {
    expect(() => resolveInside(root, 'a\0b')).toThrow(/NUL/);
  });

  it('treats backslashes as ordinary characters on POSIX', () => {
    if (sep === '/') expect(resolveInside(root, '..\\x')).toBe(join(root, '..\\x'));
  });
});
