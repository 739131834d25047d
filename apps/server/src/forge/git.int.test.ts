// Real-git tests for the git helpers: checkout-root detection, default-branch
// detection (origin/HEAD, main, master, none), worktrees, branches, ignored dirs.
import { mkdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addWorktree,
  deleteBranch,
  detectDefaultBranch,
  isGitCheckoutRoot,
  listIgnoredDirectories,
  listWorktrees,
  refExists,
  removeWorktree,
} from './git';
import { git, initRepo, makeTempDir, writeFiles } from './git.fixture';

let root = '';
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('isGitCheckoutRoot', () => {
  it('is true only for the top level of a working tree', async () => {
    const repo = await initRepo(join(root, 'repo'), 'main', { 'src/a.ts': 'x' });
    await writeFile(join(root, 'file'), 'x');
    await mkdir(join(root, 'plain'));
    await symlink(repo, join(root, 'link'));
    expect(await isGitCheckoutRoot(repo)).toBe(true);
    expect(await isGitCheckoutRoot(join(root, 'link'))).toBe(true);
    expect(await isGitCheckoutRoot(join(repo, 'src'))).toBe(false);
    expect(await isGitCheckoutRoot(join(repo, '.git'))).toBe(false);
    expect(await isGitCheckoutRoot(join(root, 'plain'))).toBe(false);
    expect(await isGitCheckoutRoot(join(root, 'file'))).toBe(false);
    expect(await isGitCheckoutRoot(join(root, 'missing'))).toBe(false);
  });

  it('is true for an empty repository (no commits yet) and false for a bare one', async () => {
    expect(await isGitCheckoutRoot(await initRepo(join(root, 'empty'), 'main', null))).toBe(true);
    await mkdir(join(root, 'bare.git'));
    await git(join(root, 'bare.git'), 'init', '--quiet', '--bare');
    expect(await isGitCheckoutRoot(join(root, 'bare.git'))).toBe(false);
  });
});

describe('detectDefaultBranch', () => {
  it("follows origin/HEAD to the remote's default branch, even when it is not main", async () => {
    const seed = await initRepo(join(root, 'seed'), 'trunk');
    await git(seed, 'branch', 'main');
    await git(root, 'init', '--quiet', '--bare', '-b', 'trunk', 'origin.git');
    await git(seed, 'push', '--quiet', join(root, 'origin.git'), 'trunk', 'main');
    await git(root, 'clone', '--quiet', join(root, 'origin.git'), 'clone');
    expect(await detectDefaultBranch(join(root, 'clone'))).toBe('origin/trunk');
  });

  it('uses main when there is no origin/HEAD', async () => {
    const repo = await initRepo(join(root, 'repo'), 'main');
    await git(repo, 'branch', 'master');
    expect(await detectDefaultBranch(repo)).toBe('main');
  });

  it('uses master when there is no origin/HEAD and no main', async () => {
    expect(await detectDefaultBranch(await initRepo(join(root, 'repo'), 'master'))).toBe('master');
  });

  it('fails with WORKSPACE_FAILED when there is none', async () => {
    const other = await initRepo(join(root, 'other'), 'develop');
    await expect(detectDefaultBranch(other)).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
      message: expect.stringMatching(/default branch/),
    });
    const empty = await initRepo(join(root, 'empty'), 'main', null);
    await expect(detectDefaultBranch(empty)).rejects.toMatchObject({ code: 'WORKSPACE_FAILED' });
  });
});

describe('worktrees and branches', () => {
  it('adds a worktree on a new branch, removes it (tolerating a second removal) and deletes the branch', async () => {
    const repo = await initRepo(join(root, 'repo'));
    const wt = join(root, 'repo-worktrees', 'task-1');
    await addWorktree(repo, wt, 'task/1-x', 'main');
    expect((await stat(join(wt, 'README.md'))).isFile()).toBe(true);
    expect(await listWorktrees(repo)).toContain(wt);
    expect(await git(wt, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('task/1-x\n');
    await writeFile(join(wt, 'dirty.txt'), 'uncommitted');
    await removeWorktree(repo, wt);
    await expect(stat(wt)).rejects.toMatchObject({ code: 'ENOENT' });
    await removeWorktree(repo, wt);
    expect(await listWorktrees(repo)).toEqual([repo]);
    expect(await deleteBranch(repo, 'task/1-x')).toBe(true);
    expect(await refExists(repo, 'refs/heads/task/1-x')).toBe(false);
    expect(await deleteBranch(repo, 'task/1-x')).toBe(false);
  });

  it('prunes a worktree whose directory was deleted by hand', async () => {
    const repo = await initRepo(join(root, 'repo'));
    const wt = join(root, 'wt');
    await addWorktree(repo, wt, 'task/2-y', 'main');
    await rm(wt, { recursive: true, force: true });
    await removeWorktree(repo, wt);
    expect(await listWorktrees(repo)).toEqual([repo]);
    expect(await deleteBranch(repo, 'task/2-y')).toBe(true);
  });

  it('passes hostile names as arguments, never through a shell', async () => {
    const repo = await initRepo(join(root, 'repo'));
    const marker = join(root, 'pwned');
    await expect(addWorktree(repo, join(root, `wt; touch ${marker}`), `x$(touch ${marker})`, 'main')).rejects.toThrow();
    await addWorktree(repo, join(root, `wt $(touch ${marker}) ; echo`), 'task/3-ok', 'main');
    await expect(stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('listIgnoredDirectories', () => {
  it('lists the outermost ignored directories, shallow first, never .git, bounded', async () => {
    const repo = await initRepo(join(root, 'repo'), 'main', {
      '.gitignore': 'node_modules/\nlogs/\ntmp/\n*.log\ncache/\n.env\n',
      'packages/api/index.ts': 'x',
    });
    await writeFiles(repo, {
      'node_modules/a/index.js': 'x',
      'logs/app.log': 'x',
      'tmp/deep/er/file': 'x',
      'packages/api/cache/c': 'x',
      'a/b/c/cache/too-deep': 'x',
      '.env': 'SECRET=1',
      'debug.log': 'x',
      'untracked-not-ignored/file': 'x',
    });
    expect(await listIgnoredDirectories(repo)).toEqual(['logs', 'node_modules', 'tmp', 'packages/api/cache']);
    expect(await listIgnoredDirectories(repo, { limit: 2 })).toEqual(['logs', 'node_modules']);
    expect(await listIgnoredDirectories(repo, { maxDepth: 1 })).toEqual(['logs', 'node_modules', 'tmp']);
  });
});
