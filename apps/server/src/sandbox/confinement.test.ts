// A task's binds: worktree and archive writable, the repository's .git writable
// only where git writes, linked .env files read-only, and whatever an agent
// planted in the worktree (a dangling or looping link) leading nowhere.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { taskConfinement } from './confinement';

let root: string | null = null;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = null;
});

describe('taskConfinement', () => {
  it('binds the worktree, the archive, the git metadata in layers and the linked .env read-only', async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'bottega-confine-')));
    const repo = join(root, 'app');
    await mkdir(repo);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'init');
    const worktree = join(root, 'app-worktrees', 'task-1');
    git('worktree', 'add', '-q', '-b', 'task/1', worktree);
    await writeFile(join(repo, '.env'), 'KEY=1\n');
    await symlink(join(repo, '.env'), join(worktree, '.env'));
    await symlink(join(worktree, 'loop'), join(worktree, 'loop'));
    await symlink(join(root, 'nowhere'), join(worktree, 'dangling'));
    const archive = join(root, 'archive', 'task-1');

    const c = await taskConfinement({ worktreePath: worktree, cwd: worktree, archiveDir: archive, hosts: ['registry.npmjs.org'] });
    const common = join(repo, '.git');
    const admin = join(common, 'worktrees', 'task-1');
    expect(c.mounts).toEqual([
      { path: worktree, access: 'rw' },
      { path: archive, access: 'rw' },
      { path: common, access: 'rw' },
      { path: join(common, 'config'), access: 'ro' },
      { path: join(common, 'hooks'), access: 'ro' },
      { path: join(common, 'info'), access: 'ro' },
      { path: join(common, 'worktrees'), access: 'ro' },
      { path: admin, access: 'rw' },
      { path: join(admin, 'commondir'), access: 'ro' },
      { path: join(admin, 'gitdir'), access: 'ro' },
      { path: join(admin, 'config.worktree'), access: 'ro' },
      { path: join(repo, '.env'), access: 'ro' },
    ]);
    expect(c.hosts).toEqual(['registry.npmjs.org']);
  });
});
