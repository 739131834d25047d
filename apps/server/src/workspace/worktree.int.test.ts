// Real-git tests for task worktrees: branch from the default branch, .env links,
// ignored directories, failure cleanup and complete teardown.
import { lstat, mkdir, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, initRepo, makeTempDir, writeFiles } from '../forge/git.fixture';
import { listWorktrees, refExists } from '../forge/git';
import { silentLogger } from '../logger';
import { createTaskWorktree, removeTaskWorktree, resumeWorktreePreparation } from './worktree';

let root = '';
let repo = '';
const logger = silentLogger();
const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

beforeEach(async () => {
  root = await makeTempDir('bottega-wt-');
  repo = await initRepo(join(root, 'shop'), 'main', {
    'README.md': '# shop\n',
    '.gitignore': 'node_modules/\n.venv/\nlogs/\ntmp/\n.env\n.env.local\ndata/cache/\n',
    '.env.example': 'PORT=\n',
    'data/seed.json': '{}',
    'packages/api/.gitignore': 'dist/\n',
    'packages/api/index.ts': 'export {};\n',
  });
  await writeFiles(repo, {
    '.env': 'SECRET=1\n',
    '.env.local': 'LOCAL=1\n',
    'logs/app.log': 'old log',
    'tmp/scratch/file': 'x',
    'data/cache/blob': 'x',
    'packages/api/dist/index.js': 'x',
    'packages/api/node_modules/x/index.js': 'x',
  });
  await mkdir(join(repo, '.envdir'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createTaskWorktree', () => {
  it('creates the worktree on task/{id}-{slug} from the default branch, with .env links and ignored dirs', async () => {
    await git(repo, 'checkout', '--quiet', '-b', 'elsewhere');
    await writeFiles(repo, { 'elsewhere.txt': 'not on main' });
    await git(repo, 'add', 'elsewhere.txt');
    await git(repo, 'commit', '--quiet', '-m', 'elsewhere');

    const wt = await createTaskWorktree({ repoPath: repo, taskId: 7, title: 'Add "dark" mode; rm -rf /', depsCopy: 'auto', logger });

    await wt.ready;
    expect(wt.worktreePath).toBe(join(`${repo}-worktrees`, 'task-7'));
    expect(wt.branchName).toBe('task/7-add-dark-mode-rm-rf');
    expect(wt.baseRef).toBe('main');
    expect(await wt.dependencies).toEqual([]);

    expect((await git(wt.worktreePath, 'rev-parse', '--abbrev-ref', 'HEAD')).trim()).toBe(wt.branchName);
    expect(await git(wt.worktreePath, 'rev-parse', 'HEAD')).toBe(await git(repo, 'rev-parse', 'main'));
    expect(await exists(join(wt.worktreePath, 'elsewhere.txt'))).toBe(false);
    expect(await git(wt.worktreePath, 'config', '--get', `branch.${wt.branchName}.merge`).catch(() => 'untracked')).toBe('untracked');

    for (const name of ['.env', '.env.local']) {
      expect((await lstat(join(wt.worktreePath, name))).isSymbolicLink()).toBe(true);
      expect(await readlink(join(wt.worktreePath, name))).toBe(join(repo, name));
      expect(await readFile(join(wt.worktreePath, name), 'utf8')).toBe(await readFile(join(repo, name), 'utf8'));
    }
    expect((await lstat(join(wt.worktreePath, '.env.example'))).isFile()).toBe(true);
    expect(await exists(join(wt.worktreePath, '.envdir'))).toBe(false);

    for (const dir of ['logs', 'tmp', 'data/cache', 'packages/api/dist']) {
      expect((await stat(join(wt.worktreePath, dir))).isDirectory(), dir).toBe(true);
      expect(await readdir(join(wt.worktreePath, dir)), dir).toEqual([]);
    }
    expect(await exists(join(wt.worktreePath, 'packages/api/node_modules'))).toBe(false);
    expect(await git(wt.worktreePath, 'status', '--porcelain')).toBe('');
  });

  it('cuts from origin/HEAD when the repository is a clone with a non-main default', async () => {
    await git(root, 'init', '--quiet', '--bare', '-b', 'trunk', 'origin.git');
    await git(repo, 'push', '--quiet', join(root, 'origin.git'), 'main:trunk');
    await git(root, 'clone', '--quiet', join(root, 'origin.git'), 'clone');
    const clone = join(root, 'clone');
    const wt = await createTaskWorktree({ repoPath: clone, taskId: 3, title: 'x', depsCopy: 'off', logger });
    await wt.ready;
    expect(wt.baseRef).toBe('origin/trunk');
    expect(await git(wt.worktreePath, 'rev-parse', 'HEAD')).toBe(await git(clone, 'rev-parse', 'origin/trunk'));
  });

  it('fails with WORKSPACE_FAILED and leaves nothing behind when the branch already exists', async () => {
    await git(repo, 'branch', 'task/5-hello');
    await expect(createTaskWorktree({ repoPath: repo, taskId: 5, title: 'Hello', depsCopy: 'auto', logger })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
      message: expect.stringContaining('task/5-hello already exists'),
    });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await listWorktrees(repo)).toEqual([repo]);
    // The branch was not ours: it must survive.
    expect(await refExists(repo, 'refs/heads/task/5-hello')).toBe(true);
  });

  it('fails with WORKSPACE_FAILED when the worktree directory is already taken, touching nothing', async () => {
    const taken = join(`${repo}-worktrees`, 'task-6');
    await writeFiles(taken, { 'keep.txt': 'mine' });
    await expect(createTaskWorktree({ repoPath: repo, taskId: 6, title: 'x', depsCopy: 'auto', logger })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
    });
    expect(await readFile(join(taken, 'keep.txt'), 'utf8')).toBe('mine');
    expect(await refExists(repo, 'refs/heads/task/6-x')).toBe(false);
  });

  it('cleans up after git itself fails midway (branch already made) and names the reason', async () => {
    // `git worktree add -b` creates the branch, then needs .git/worktrees/<name>/: a file there makes it fail.
    await writeFiles(repo, { '.git/worktrees': 'not a directory' });
    await expect(createTaskWorktree({ repoPath: repo, taskId: 8, title: 'midway', depsCopy: 'auto', logger })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
      message: expect.stringMatching(/could not create the worktree for task 8: git/),
    });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await refExists(repo, 'refs/heads/task/8-midway')).toBe(false);
  });

  it('fails with WORKSPACE_FAILED when the repository has no default branch', async () => {
    const other = await initRepo(join(root, 'other'), 'develop');
    await expect(createTaskWorktree({ repoPath: other, taskId: 1, title: 'x', depsCopy: 'auto', logger })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
    });
    expect(await exists(`${other}-worktrees`)).toBe(false);
  });
});

describe('removeTaskWorktree', () => {
  it('removes the worktree (even dirty), the empty container and the branch; a second call is a no-op', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 9, title: 'Tear me down', depsCopy: 'auto', logger });
    await wt.ready;
    await writeFiles(wt.worktreePath, { 'README.md': 'modified', 'new.txt': 'untracked' });
    await git(wt.worktreePath, 'add', 'new.txt');
    const target = { repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName };
    await removeTaskWorktree(target);
    expect(await exists(wt.worktreePath)).toBe(false);
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await refExists(repo, `refs/heads/${wt.branchName}`)).toBe(false);
    expect(await listWorktrees(repo)).toEqual([repo]);
    expect(await readFile(join(repo, '.env'), 'utf8')).toBe('SECRET=1\n');
    await removeTaskWorktree(target);
  });

  it('keeps the container when other task worktrees remain', async () => {
    const a = await createTaskWorktree({ repoPath: repo, taskId: 10, title: 'a', depsCopy: 'off', logger });
    await a.ready;
    const b = await createTaskWorktree({ repoPath: repo, taskId: 11, title: 'b', depsCopy: 'off', logger });
    await b.ready;
    await removeTaskWorktree({ repoPath: repo, worktreePath: a.worktreePath, branchName: a.branchName });
    expect(await exists(b.worktreePath)).toBe(true);
    expect(await readdir(`${repo}-worktrees`)).toEqual(['task-11']);
  });

  it('still removes the directory when the repository is no longer a git checkout', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 13, title: 'degit', depsCopy: 'off', logger });
    await wt.ready;
    await rm(join(repo, '.git'), { recursive: true, force: true });
    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await readFile(join(repo, 'README.md'), 'utf8')).toBe('# shop\n');
  });

  it('still removes the directory when the repository is gone', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 12, title: 'orphan', depsCopy: 'off', logger });
    await wt.ready;
    await rm(repo, { recursive: true, force: true });
    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
  });

  it('refuses to delete a directory that is not a task worktree', async () => {
    const precious = join(root, 'precious');
    await writeFiles(precious, { 'a.txt': 'x' });
    await expect(removeTaskWorktree({ repoPath: repo, worktreePath: precious, branchName: 'task/1-x' })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
    });
    await expect(removeTaskWorktree({ repoPath: repo, worktreePath: root, branchName: 'task/1-x' })).rejects.toMatchObject({
      code: 'WORKSPACE_FAILED',
    });
    expect(await readFile(join(precious, 'a.txt'), 'utf8')).toBe('x');
  });
});

describe('background checkout', () => {
  it('returns before the files are checked out, and `ready` means they are there', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 20, title: 'fast', depsCopy: 'off', logger });
    let settled = false;
    const ready = wt.ready.finally(() => {
      settled = true;
    });
    // The checkout runs in a child process: it cannot have finished by the time the call returns.
    expect(settled).toBe(false);
    expect(await refExists(repo, `refs/heads/${wt.branchName}`)).toBe(true);
    await ready;
    expect(await readFile(join(wt.worktreePath, 'README.md'), 'utf8')).toBe('# shop\n');
    expect(await git(wt.worktreePath, 'status', '--porcelain')).toBe('');
  });

  it('teardown during the checkout stops it and leaves nothing behind', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 21, title: 'gone', depsCopy: 'auto', logger });
    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    await expect(wt.ready).rejects.toBeDefined();
    expect(await wt.dependencies).toEqual([]);
    expect(await exists(wt.worktreePath)).toBe(false);
    expect(await refExists(repo, `refs/heads/${wt.branchName}`)).toBe(false);
  });

  it('an interrupted checkout can be resumed', async () => {
    await git(repo, 'worktree', 'add', '--quiet', '--no-checkout', '-b', 'task/22-resume', `${repo}-worktrees/task-22`, 'main');
    const work = resumeWorktreePreparation({
      repoPath: repo,
      worktreePath: `${repo}-worktrees/task-22`,
      branchName: 'task/22-resume',
      depsCopy: 'off',
      logger,
    });
    await work.ready;
    expect(await readFile(join(`${repo}-worktrees/task-22`, 'README.md'), 'utf8')).toBe('# shop\n');
    expect((await lstat(join(`${repo}-worktrees/task-22`, '.env'))).isSymbolicLink()).toBe(true);
  });
});
