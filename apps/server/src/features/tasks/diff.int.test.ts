// The task branch diff against a real git repository: commits, uncommitted
// edits and new files since the merge-base with the base branch, the base's
// own later commits left out, the worktree's index untouched, the size cap,
// and an empty answer for a task without a ready worktree.
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TaskDiffDto, TaskDto } from '@bottega/protocol';
import { runGit } from '../../forge/git';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { initRepo, TEST_GIT_IDENTITY } from '../../testing/git';
import { taskDiff } from './diff';

let ctx: TestContext;
let owner: TestUser;
let repo: string;
let projectId: number;

beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  owner = await ctx.user();
  repo = await initRepo(join(ctx.home, 'repos', 'app'), {
    files: { 'README.md': '# app\n', 'src/old.txt': 'one\ntwo\nthree\n', 'gone.txt': 'bye\n', '.gitignore': 'build/\n' },
  });
  projectId = (await ctx.registerProject(owner, { name: 'App', repoPath: repo })).id;
});
afterEach(async () => ctx.close());

async function readyTask(): Promise<TaskDto> {
  const res = await ctx.request('POST', `/api/projects/${projectId}/tasks`, { as: owner, json: { title: 'Change things' } });
  const task = ((await res.json()) as { task: TaskDto }).task;
  await ctx.deps.background.drain();
  return task;
}

async function getDiff(taskId: number): Promise<{ status: number; body: TaskDiffDto }> {
  const res = await ctx.request('GET', `/api/tasks/${taskId}/diff`, { as: owner });
  return { status: res.status, body: (await res.json()) as TaskDiffDto };
}

it('is empty right after the worktree is cut, naming the base and the head commit', async () => {
  const task = await readyTask();
  const { status, body } = await getDiff(task.id);
  expect(status).toBe(200);
  const head = (await runGit(['rev-parse', 'HEAD'], { cwd: task.worktreePath ?? '' })).trim();
  expect(body).toEqual({ base: 'main', head, files: [], patch: '', truncated: false });
});

it('covers commits, uncommitted edits, deletions and new files, but not the base branch moving on, and leaves the index alone', async () => {
  const task = await readyTask();
  const wt = task.worktreePath ?? '';
  await writeFile(join(wt, 'src/old.txt'), 'one\n2\nthree\nfour\n');
  await runGit(['add', '-A'], { cwd: wt });
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', 'edit old'], { cwd: wt });
  await writeFile(join(wt, 'README.md'), '# app\n\nUncommitted line.\n');
  await unlink(join(wt, 'gone.txt'));
  await writeFile(join(wt, 'brand new.md'), 'fresh\nfile\n');
  await writeFile(join(wt, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255, 0]));
  // Ignored output is not part of the change.
  await mkdir(join(wt, 'build'), { recursive: true });
  await writeFile(join(wt, 'build', 'out.js'), 'compiled\n');
  await writeFile(join(repo, 'main-only.txt'), 'later on main\n');
  await runGit(['add', '-A'], { cwd: repo });
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', 'main moves on'], { cwd: repo });
  const statusBefore = await runGit(['status', '--porcelain'], { cwd: wt });

  const { status, body } = await getDiff(task.id);
  expect(status).toBe(200);
  expect(body.files).toEqual([
    { path: 'README.md', status: 'modified', additions: 2, deletions: 0, binary: false },
    { path: 'brand new.md', status: 'added', additions: 2, deletions: 0, binary: false },
    { path: 'gone.txt', status: 'deleted', additions: 0, deletions: 1, binary: false },
    { path: 'logo.bin', status: 'added', additions: 0, deletions: 0, binary: true },
    { path: 'src/old.txt', status: 'modified', additions: 2, deletions: 1, binary: false },
  ]);
  expect(body.patch).toContain('diff --git a/src/old.txt b/src/old.txt');
  expect(body.patch).toContain('+Uncommitted line.');
  expect(body.patch).toContain('diff --git a/brand new.md b/brand new.md');
  expect(body.patch).toContain('-bye');
  expect(body.patch).not.toContain('main-only');
  expect(body.patch).not.toContain('compiled');
  expect(body.truncated).toBe(false);
  // The agent's view of its worktree is unchanged: new files stay untracked, nothing is staged.
  expect(await runGit(['status', '--porcelain'], { cwd: wt })).toBe(statusBefore);
  expect(statusBefore).toContain('?? "brand new.md"');
});

it('cuts a large patch at a file boundary and says so', async () => {
  const task = await readyTask();
  const wt = task.worktreePath ?? '';
  await writeFile(join(wt, 'a.txt'), 'small\n');
  await writeFile(join(wt, 'b.txt'), `${'x'.repeat(80)}\n`.repeat(200));
  const project = await ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
  const row = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
  const cut = await taskDiff(project, row, { maxPatchBytes: 2000, maxFiles: 1 });
  expect(cut.truncated).toBe(true);
  expect(cut.files.map((f) => f.path)).toEqual(['a.txt']);
  expect(cut.patch).toContain('+small');
  expect(cut.patch).not.toContain('b.txt');
  const full = await taskDiff(project, row);
  expect(full.truncated).toBe(false);
  expect(full.files.map((f) => f.path)).toEqual(['a.txt', 'b.txt']);
});

it('answers an empty diff for a task without a ready worktree', async () => {
  const project = await ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
  const bare = await ctx.task(project, owner);
  expect(await getDiff(bare.id)).toEqual({ status: 200, body: { base: '', head: null, files: [], patch: '', truncated: false } });

  const task = await readyTask();
  await rm(task.worktreePath ?? '', { recursive: true, force: true });
  expect(await getDiff(task.id)).toEqual({ status: 200, body: { base: '', head: null, files: [], patch: '', truncated: false } });
});

it("leaves the worktree's tmp/ (chat attachments) out of the diff, even for a worktree made before the rule", async () => {
  const task = await readyTask();
  const wt = task.worktreePath ?? '';
  const exclude = join(repo, '.git', 'info', 'exclude');
  expect(await readFile(exclude, 'utf8')).toMatch(/^\/tmp\/$/m);
  const upload = new FormData();
  upload.append('file', new Blob(['a screenshot']), 'shot.png');
  expect((await ctx.request('POST', `/api/tasks/${task.id}/tmp-files`, { as: owner, body: upload })).status).toBe(201);
  // As if the worktree predated the rule: the line is gone, and an agent put a file there itself.
  await writeFile(exclude, '# nothing here\n');
  await writeFile(join(wt, 'tmp', 'notes.txt'), 'scratch\n');
  await writeFile(join(wt, 'real change.txt'), 'kept\n');
  const { body } = await getDiff(task.id);
  expect(body.files.map((f) => f.path)).toEqual(['real change.txt']);
  expect(body.patch).not.toContain('tmp/');
  expect(await readFile(exclude, 'utf8')).toMatch(/^\/tmp\/$/m);
  // Nor would an agent's `git add -A` pick it up.
  expect(await runGit(['status', '--porcelain'], { cwd: wt })).toBe('?? "real change.txt"\n');
});
