// `info/exclude` upkeep: the pattern is added once (concurrent callers, every
// spelling of the same rule, a file without a final newline), it is shared by
// the repository's linked worktrees, and a link in its place is left alone.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureExcluded, runGit } from './git';
import { git, initRepo, makeTempDir } from './git.fixture';

let dir: string;
let repo: string;
let exclude: string;

beforeEach(async () => {
  dir = await makeTempDir();
  repo = await initRepo(join(dir, 'repo'));
  exclude = join(repo, '.git', 'info', 'exclude');
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const lines = async () => (await readFile(exclude, 'utf8')).split('\n').filter((l) => l === '/tmp/');

it('adds the pattern once, under its comment, however many callers ask at the same time', async () => {
  await writeFile(exclude, '*.log');
  const answers = await Promise.all([1, 2, 3, 4].map(() => ensureExcluded(repo, '/tmp/', 'why')));
  expect(answers).toEqual([true, true, true, true]);
  expect(await readFile(exclude, 'utf8')).toBe('*.log\n# why\n/tmp/\n');
  await ensureExcluded(repo, '/tmp/', 'why');
  expect(await lines()).toHaveLength(1);
});

it('recognises the same rule spelled differently, and creates a missing file', async () => {
  await writeFile(exclude, '# a comment naming /tmp/\ntmp\n');
  await ensureExcluded(repo, '/tmp/', 'why');
  expect(await readFile(exclude, 'utf8')).toBe('# a comment naming /tmp/\ntmp\n');
  await rm(join(repo, '.git', 'info'), { recursive: true });
  await ensureExcluded(repo, '/tmp/', 'why');
  expect(await lines()).toHaveLength(1);
});

it('is one file for the repository and all its linked worktrees: their tmp/ is ignored, other new files are not', async () => {
  const wt = join(dir, 'wt');
  await git(repo, 'worktree', 'add', '-q', '-b', 'task/1', wt);
  expect(await ensureExcluded(wt, '/tmp/', 'why')).toBe(true);
  expect(await lines()).toHaveLength(1);
  await mkdir(join(wt, 'tmp'));
  await writeFile(join(wt, 'tmp', 'shot.png'), 'x');
  await mkdir(join(wt, 'src', 'tmp'), { recursive: true });
  await writeFile(join(wt, 'src', 'tmp', 'kept.txt'), 'x');
  const status = await runGit(['status', '--porcelain', '--untracked-files=all'], { cwd: wt });
  expect(status).toBe('?? src/tmp/kept.txt\n');
});

it('never writes through a link in the file’s place', async () => {
  const target = join(dir, 'elsewhere');
  await writeFile(target, 'precious\n');
  await rm(exclude, { force: true });
  await symlink(target, exclude);
  expect(await ensureExcluded(repo, '/tmp/', 'why')).toBe(false);
  expect(await readFile(target, 'utf8')).toBe('precious\n');
});
