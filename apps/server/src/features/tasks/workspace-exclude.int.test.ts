// tmp/ out of git for task worktrees: the rule is in the repository's
// info/exclude once the first worktree is made, and at start it is put back for
// repositories whose worktrees predate it — only those with task worktrees.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TaskDto } from '@bottega/protocol';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { initRepo } from '../../testing/git';
import { excludeTmpInExistingWorktrees } from './workspace';

let ctx: TestContext;
let owner: TestUser;

beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  owner = await ctx.user();
});
afterEach(async () => ctx.close());

const excludeOf = (repo: string) => readFile(join(repo, '.git', 'info', 'exclude'), 'utf8');
const tmpLines = async (repo: string) => (await excludeOf(repo)).split('\n').filter((l) => l === '/tmp/').length;

it('adds /tmp/ when a worktree is made, and again at start for a repository with worktrees, never twice', async () => {
  const withTasks = await initRepo(join(ctx.home, 'repos', 'a'));
  const without = await initRepo(join(ctx.home, 'repos', 'b'));
  const project = await ctx.registerProject(owner, { name: 'A', repoPath: withTasks });
  await ctx.registerProject(owner, { name: 'B', repoPath: without });
  const res = await ctx.request('POST', `/api/projects/${project.id}/tasks`, { as: owner, json: { title: 'One' } });
  expect(res.status).toBe(201);
  expect(((await res.json()) as { task: TaskDto }).task.worktreePath).not.toBeNull();
  await ctx.deps.background.drain();
  expect(await tmpLines(withTasks)).toBe(1);

  // A worktree from before the rule: at start the line comes back, once.
  await writeFile(join(withTasks, '.git', 'info', 'exclude'), '# mine\n*.log\n');
  const untouched = await excludeOf(without);
  expect(await excludeTmpInExistingWorktrees(ctx.deps)).toBe(1);
  expect(await excludeTmpInExistingWorktrees(ctx.deps)).toBe(1);
  expect(await excludeOf(withTasks)).toMatch(/^# mine\n\*\.log\n# .*\n\/tmp\/\n$/);
  expect(await excludeOf(without)).toBe(untouched);
});
