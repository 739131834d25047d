// Real-filesystem tests for the background dependency copy: it never blocks
// worktree creation, lands complete or not at all, and teardown cancels it.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, initRepo, makeTempDir, writeFiles } from '../forge/git.fixture';
import { refExists } from '../forge/git';
import { silentLogger } from '../logger';
import { partialPathFor } from './deps-copy';
import { createTaskWorktree, removeTaskWorktree } from './worktree';

let root = '';
let repo = '';
const logger = silentLogger();
const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

/** A node_modules-like tree: `packages` packages of `files` files each, plus a .bin symlink. */
async function fakeNodeModules(dir: string, packages: number, files: number): Promise<void> {
  for (let p = 0; p < packages; p++) {
    const lib = join(dir, `pkg-${p}`, 'lib');
    await mkdir(lib, { recursive: true });
    await Promise.all(
      Array.from({ length: files }, (_, f) => writeFile(join(lib, `f${f}.js`), `module.exports = ${p * 1000 + f};\n`.repeat(20))),
    );
  }
  await mkdir(join(dir, '.bin'), { recursive: true });
  await symlink('../pkg-0/lib/f0.js', join(dir, '.bin', 'tool'));
}

/** Every entry under `dir` with its kind and content hash, for exact comparisons. */
async function snapshot(dir: string, base = dir, out: Record<string, string> = {}): Promise<Record<string, string>> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const rel = relative(base, p);
    if (e.isSymbolicLink()) out[rel] = `link:${await readlink(p)}`;
    else if (e.isDirectory()) {
      out[rel] = 'dir';
      await snapshot(p, base, out);
    } else
      out[rel] = `file:${createHash('sha1')
        .update(await readFile(p))
        .digest('hex')}`;
  }
  return out;
}

beforeEach(async () => {
  root = await makeTempDir('bottega-deps-');
  repo = await initRepo(join(root, 'app'), 'main', { '.gitignore': 'node_modules/\n.venv/\n', 'index.js': '' });
  await fakeNodeModules(join(repo, 'node_modules'), 10, 20);
  await writeFiles(repo, { '.venv/pyvenv.cfg': 'home = /usr/bin\n', '.venv/lib/site.py': 'x = 1\n' });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dependency copy', () => {
  it('runs in the background: the worktree is returned before the copy lands, which is then complete', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 1, title: 'deps', depsCopy: 'auto', logger });
    let settled = false;
    const reports = wt.dependencies.finally(() => {
      settled = true;
    });
    expect(settled).toBe(false);
    expect(await exists(join(wt.worktreePath, 'node_modules'))).toBe(false);

    const done = await reports;
    expect(done.map((r) => [r.dir, r.ok])).toEqual([
      ['node_modules', true],
      ['.venv', true],
    ]);
    for (const r of done) expect(['reflink', 'hardlink', 'copy']).toContain(r.method);
    expect(await snapshot(join(wt.worktreePath, 'node_modules'))).toEqual(await snapshot(join(repo, 'node_modules')));
    expect(await snapshot(join(wt.worktreePath, '.venv'))).toEqual(await snapshot(join(repo, '.venv')));
    expect(await readdir(`${repo}-worktrees`)).toEqual(['task-1']);
    expect(await git(wt.worktreePath, 'status', '--porcelain')).toBe('');
  });

  it('honours a forced method: copy gives new files, hardlink shares them', async () => {
    const copied = await createTaskWorktree({ repoPath: repo, taskId: 2, title: 'copy', depsCopy: 'copy', logger });
    const linked = await createTaskWorktree({ repoPath: repo, taskId: 3, title: 'link', depsCopy: 'hardlink', logger });
    expect((await copied.dependencies).map((r) => [r.method, r.ok])).toEqual([
      ['copy', true],
      ['copy', true],
    ]);
    expect((await linked.dependencies).map((r) => [r.method, r.ok])).toEqual([
      ['hardlink', true],
      ['hardlink', true],
    ]);
    const file = join('node_modules', 'pkg-3', 'lib', 'f7.js');
    const source = (await stat(join(repo, file))).ino;
    expect((await stat(join(copied.worktreePath, file))).ino).not.toBe(source);
    expect((await stat(join(linked.worktreePath, file))).ino).toBe(source);
    expect(await snapshot(join(copied.worktreePath, 'node_modules'))).toEqual(await snapshot(join(repo, 'node_modules')));
  });

  it('with reflink forced, either clones or reports the failure and leaves no trace', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 4, title: 'cow', depsCopy: 'reflink', logger });
    const [nm] = await wt.dependencies;
    expect(nm?.method).toBe('reflink');
    if (nm?.ok) {
      expect(await snapshot(join(wt.worktreePath, 'node_modules'))).toEqual(await snapshot(join(repo, 'node_modules')));
    } else {
      expect(nm?.error).toMatch(/reflink/);
      expect(await exists(join(wt.worktreePath, 'node_modules'))).toBe(false);
    }
    expect(await readdir(`${repo}-worktrees`)).toEqual(['task-4']);
  });

  it('copies nothing when switched off', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 5, title: 'off', depsCopy: 'off', logger });
    expect((await wt.dependencies).map((r) => [r.dir, r.method, r.ok])).toEqual([
      ['node_modules', 'skipped', true],
      ['.venv', 'skipped', true],
    ]);
    expect(await exists(join(wt.worktreePath, 'node_modules'))).toBe(false);
    expect(await exists(join(wt.worktreePath, '.venv'))).toBe(false);
  });

  it('teardown after the copy removes the worktree, its dependencies and the branch', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 6, title: 'done', depsCopy: 'copy', logger });
    await wt.dependencies;
    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await refExists(repo, `refs/heads/${wt.branchName}`)).toBe(false);
    expect(await snapshot(join(repo, 'node_modules'))).toHaveProperty(['pkg-0/lib/f0.js']);
  });

  it('teardown while the copy is running stops it and leaves nothing behind', async () => {
    // Large blobs keep a plain copy busy for a while without a slow fixture build.
    const blobs = join(repo, 'node_modules', 'pkg-big');
    await mkdir(blobs, { recursive: true });
    const blob = Buffer.alloc(8 << 20, 'x');
    for (let i = 0; i < 32; i++) await writeFile(join(blobs, `blob-${i}.bin`), blob);
    const listing = async () => (await readdir(join(repo, 'node_modules'), { recursive: true })).sort();
    const before = await listing();
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 7, title: 'in flight', depsCopy: 'copy', logger });
    let settled = false;
    const reports = wt.dependencies.finally(() => {
      settled = true;
    });
    const partial = partialPathFor(wt.worktreePath, 'node_modules');
    while (!(await exists(partial))) {
      if (settled) throw new Error('the copy finished before the test could observe it in flight; enlarge the fixture');
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(await exists(join(wt.worktreePath, 'node_modules'))).toBe(false);

    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    expect(settled).toBe(true);
    const nm = (await reports).find((r) => r.dir === 'node_modules');
    expect(nm).toMatchObject({ ok: false, error: 'cancelled' });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
    expect(await refExists(repo, `refs/heads/${wt.branchName}`)).toBe(false);
    // Nothing is still writing: the partial does not come back.
    await new Promise((r) => setTimeout(r, 300));
    expect(await exists(partial)).toBe(false);
    expect(await listing()).toEqual(before);
  });

  it('a crash-left partial copy beside the worktree is cleaned up at teardown', async () => {
    const wt = await createTaskWorktree({ repoPath: repo, taskId: 8, title: 'crash', depsCopy: 'off', logger });
    await writeFiles(partialPathFor(wt.worktreePath, 'node_modules'), { 'half/copied.js': 'x' });
    await removeTaskWorktree({ repoPath: repo, worktreePath: wt.worktreePath, branchName: wt.branchName });
    expect(await exists(`${repo}-worktrees`)).toBe(false);
  });
});
