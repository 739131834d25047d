// Recording a pull request's stage (docs/behaviour/loop.md#pr-stage) against the local GitHub with the real
// gh and git: two pushes whose scripted Actions runs fail (with a log) and pass are two CI rounds,
// the failing one's log excerpt read once and kept; a default branch that moved under the pull
// request makes it CONFLICTING with the files named; review threads are read with their replies;
// a PR run ending with CI failing or conflicts blocks the task with the reason and its detail; and
// a live run past the CI-round cap is stopped.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ciFails, ciPasses, gitRemoteUrl, startFakeGitHub, type FakeGitHub } from '@bottega/testkit';
import type { ProjectRow, TaskRow } from '../db/schema';
import { runGit } from '../forge/git';
import { execFileChecked } from '../process/exec';
import { createTestContext, type TestContext } from '../testing/context';
import { TEST_GIT_IDENTITY, initRepo } from '../testing/git';
import { useGitHub } from '../testing/github-env';
import { onRunComplete } from './completion';
import { blockOnPullRequestStage, enforceCiRoundCap, syncPullRequestStage } from './pr-stage';
import { enqueueRunTransition } from './transitions/runs';

let ctx: TestContext;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
let repo: string;
let project: ProjectRow;
let task: TaskRow;
let branch: string;

beforeEach(async () => {
  ctx = await createTestContext();
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  repo = await initRepo(join(ctx.home, 'repos', 'app'), {
    files: { 'greet.js': 'export function greet(name) {\n  return "Hello, " + name;\n}\n' },
  });
  await gh.createRepo('acme', 'app', { fromDir: repo });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'app')], { cwd: repo });
  await runGit(['fetch', '-q', 'origin'], { cwd: repo });
  const owner = await ctx.user();
  project = await ctx.project({ members: [owner], repoPath: repo });
  task = await ctx.task(project, owner);
  branch = `task/${task.id}-greet`;
  task = await ctx.deps.db
    .updateTable('tasks')
    .set({ branch_name: branch })
    .where('id', '=', task.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await runGit(['checkout', '-q', '-b', branch], { cwd: repo });
});
afterEach(async () => {
  restoreEnv();
  await ctx.close();
  await gh.close();
});

/** Commits `content` as greet.js on the checked-out branch and pushes it; returns the commit. */
async function commitAndPush(content: string, message: string, ref = branch): Promise<string> {
  await writeFile(join(repo, 'greet.js'), content);
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-am', message], { cwd: repo });
  await runGit(['push', '-q', 'origin', `HEAD:refs/heads/${ref}`], { cwd: repo });
  return (await runGit(['rev-parse', 'HEAD'], { cwd: repo })).trim();
}

const taskRow = () => ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
const rounds = () => ctx.deps.db.selectFrom('pr_ci_rounds').selectAll().where('task_id', '=', task.id).orderBy('round').execute();
const logReads = () => gh.requests.filter((r) => r.kind === 'rest' && /\/actions\/(runs|jobs)\/\d+\/logs$/.test(r.path)).length;

it('records one round per pushed commit with the failing log excerpt, read once', async () => {
  const first = await commitAndPush('export function greet(name) {\n  return `Hello, ${name}`;\n}\n', 'Use a template literal');
  await gh.ci.run('acme', 'app', first, ciFails('test', 'Run npm test', 'not ok 1 - greets Ada\n# fail 1'));
  const pr = await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  const second = await commitAndPush('export function greet(name) {\n  return `Hello, ${name}!`;\n}\n', 'Fix the greeting');
  await gh.ci.run('acme', 'app', second, ciPasses());

  const lookup = await syncPullRequestStage(ctx.deps, project, task);
  expect(lookup).toMatchObject({ kind: 'found', pr: { number: pr.number, mergeable: 'MERGEABLE', ci: 'success', headSha: second } });
  const recorded = await rounds();
  expect(recorded.map((r) => [r.round, r.head_sha, r.state, JSON.parse(r.failing_checks)])).toEqual([
    [1, first, 'failure', ['test']],
    [2, second, 'success', []],
  ]);
  expect(recorded[0]?.log_excerpt).toContain('not ok 1 - greets Ada\n# fail 1');
  expect(recorded[0]?.log_excerpt).not.toMatch(/\d{4}-\d\d-\d\dT/);
  expect(recorded[0]?.details_url).toMatch(/\/acme\/app\/actions\/runs\/\d+$/);
  expect(recorded[1]?.log_excerpt).toBeNull();
  expect(gh.gaps).toEqual([]);
  expect(await taskRow()).toMatchObject({
    pr_url: `http://github.localhost/acme/app/pull/${pr.number}`,
    pr_ci_state: 'success',
    pr_mergeable: 'MERGEABLE',
    pr_conflict_files: null,
    pr_ci_rounds: 2,
    pr_threads_total: 0,
    pr_threads_open: 0,
  });

  // Read again: the rounds stay, their numbers too, and the log is not fetched a second time.
  const reads = logReads();
  expect(reads).toBeGreaterThan(0);
  await syncPullRequestStage(ctx.deps, project, task);
  expect(logReads()).toBe(reads);
  expect((await rounds()).map((r) => r.round)).toEqual([1, 2]);
  // A passing pull request ending a run blocks nothing.
  expect(await blockOnPullRequestStage(ctx.deps, project, await taskRow(), lookup)).toBe(false);
});

it('records the review threads with their replies, resolved or not, and counts them on the task', async () => {
  await commitAndPush('export function greet(name) {\n  return `Hello, ${name}`;\n}\n', 'Use a template literal');
  const pr = await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  gh.addCollaborator('acme', 'app', 'alice', 'write');
  const review = await gh.addReview('acme', 'app', pr.number, {
    user: 'alice',
    state: 'changes_requested',
    body: 'Two things',
    comments: [
      { path: 'greet.js', line: 2, body: 'Say hello to the world when no name is given.' },
      { path: 'greet.js', line: 1, body: 'Export it as default too.' },
    ],
  });
  const first = await syncPullRequestStage(ctx.deps, project, task);
  const ids = first.kind === 'found' ? (first.threads ?? []).map((t) => t.id) : [];
  expect(ids).toHaveLength(2);
  expect(first.kind === 'found' && first.threads?.map((t) => t.comments[0]?.databaseId)).toEqual(review.commentIds);
  // Bottega's own reads are all modelled by the local GitHub.
  expect(gh.gaps).toEqual([]);

  // The agent replies on the first thread and resolves it, as its prompt says.
  await execFileChecked('gh', [
    'api',
    `repos/acme/app/pulls/${pr.number}/comments/${review.commentIds[0]}/replies`,
    '-f',
    'body=Done: greets the world.',
  ]);
  await execFileChecked('gh', [
    'api',
    'graphql',
    '-f',
    'query=mutation ResolveReviewThread($id:ID!){resolveReviewThread(input:{threadId:$id}){thread{isResolved}}}',
    '-f',
    `id=${ids[0]}`,
  ]);
  await syncPullRequestStage(ctx.deps, project, task);
  const threads = await ctx.deps.db
    .selectFrom('pr_review_threads')
    .selectAll()
    .where('task_id', '=', task.id)
    .orderBy('position')
    .execute();
  expect(threads.map((t) => [t.thread_id, t.path, t.line, t.author, t.resolved, t.reply_count, t.last_reply_body])).toEqual([
    [ids[0], 'greet.js', 2, 'alice', 1, 1, 'Done: greets the world.'],
    [ids[1], 'greet.js', 1, 'alice', 0, 0, null],
  ]);
  expect(await taskRow()).toMatchObject({ pr_threads_total: 2, pr_threads_open: 1 });
});

it('names the files a pull request conflicts on, and a run ending there blocks the task with them', async () => {
  await commitAndPush('export function greet(name) {\n  return `Hi, ${name}`;\n}\n', 'Say hi');
  const pr = await gh.createPullRequest('acme', 'app', { head: branch, title: 'Hi' });
  // Meanwhile the default branch changed the same line.
  await runGit(['checkout', '-q', 'main'], { cwd: repo });
  await commitAndPush('export function greet(name) {\n  return "Welcome, " + name;\n}\n', 'Welcome instead', 'main');
  await runGit(['checkout', '-q', branch], { cwd: repo });
  await runGit(['fetch', '-q', 'origin'], { cwd: repo });

  const lookup = await syncPullRequestStage(ctx.deps, project, task);
  expect(lookup).toMatchObject({ kind: 'found', pr: { mergeable: 'CONFLICTING', baseBranch: 'main' }, conflictFiles: ['greet.js'] });
  expect(await taskRow()).toMatchObject({ pr_mergeable: 'CONFLICTING', pr_conflict_files: '["greet.js"]' });

  expect(await blockOnPullRequestStage(ctx.deps, project, await taskRow(), lookup)).toBe(true);
  expect(await taskRow()).toMatchObject({
    workflow_blocked: 1,
    block_reason: `Pull request #${pr.number} conflicts with main in greet.js.`,
    block_detail: 'greet.js',
  });
});

it('blocks a run that ends with CI still failing, with the last failing log as its detail', async () => {
  const sha = await commitAndPush('export function greet() {\n  return "Hello";\n}\n', 'Drop the name');
  await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  await gh.ci.run('acme', 'app', sha, ciFails('test', 'Run npm test', 'AssertionError: expected "Hello" to be "Hello, Ada"'));

  const lookup = await syncPullRequestStage(ctx.deps, project, task);
  expect(await blockOnPullRequestStage(ctx.deps, project, await taskRow(), lookup)).toBe(true);
  const row = await taskRow();
  expect(row.block_reason).toBe('CI is still failing after 1 round (the limit is 3): job `test` failed.');
  expect(row.block_detail).toContain('AssertionError: expected "Hello" to be "Hello, Ada"');
  expect(row.pr_ci_state).toBe('failure');
});

it('stops a live PR run that spent more failed rounds than the project allows, and blocks the task', async () => {
  await ctx.deps.db.updateTable('projects').set({ pr_max_ci_rounds: 1 }).where('id', '=', project.id).execute();
  project = await ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
  const run = await ctx.run(task, await ctx.conversation(task), 'running');
  await ctx.deps.db.updateTable('agent_runs').set({ agent_type: 'pr' }).where('id', '=', run.id).execute();

  const first = await commitAndPush('export const greet = () => "a";\n', 'Try a');
  await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  await gh.ci.run('acme', 'app', first, ciFails('test', 'Run npm test', 'first failure'));
  let lookup = await syncPullRequestStage(ctx.deps, project, task);
  // One failed round is within the cap of 1.
  expect(await enforceCiRoundCap(ctx.deps, project, task, lookup)).toBe(false);
  expect((await taskRow()).workflow_blocked).toBe(0);

  const second = await commitAndPush('export const greet = () => "b";\n', 'Try b');
  await gh.ci.run('acme', 'app', second, ciFails('test', 'Run npm test', 'second failure'));
  lookup = await syncPullRequestStage(ctx.deps, project, task);
  expect((await rounds()).map((r) => [r.round, r.state, r.agent_run_id])).toEqual([
    [1, 'failure', run.id],
    [2, 'failure', run.id],
  ]);
  expect(await enforceCiRoundCap(ctx.deps, project, task, lookup)).toBe(true);
  await ctx.deps.background.drain();
  expect(await taskRow()).toMatchObject({
    workflow_blocked: 1,
    block_reason: 'CI is still failing after 2 rounds (the limit is 1): job `test` failed; the PR agent was stopped at the limit.',
  });
  expect((await taskRow()).block_detail).toContain('second failure');
  expect(
    await ctx.deps.db.selectFrom('agent_runs').select(['status', 'failure_reason']).where('id', '=', run.id).executeTakeFirst(),
  ).toEqual({
    status: 'failed',
    failure_reason: 'stopped at the CI-round limit (2 failed rounds, the limit is 1)',
  });
});

it('blocks the task when a PR run completes without pr-complete while CI fails, and a manual start clears the block and its detail', async () => {
  const sha = await commitAndPush('export function greet() {\n  return "Hello";\n}\n', 'Drop the name');
  await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  await gh.ci.run('acme', 'app', sha, ciFails('lint', 'Run eslint', 'greet.js: 1 error'));
  const run = await ctx.run(task, await ctx.conversation(task), 'running');
  await ctx.deps.db.updateTable('agent_runs').set({ agent_type: 'pr' }).where('id', '=', run.id).execute();

  await onRunComplete(ctx.deps, run.id);
  const blocked = await taskRow();
  expect(blocked).toMatchObject({
    workflow_blocked: 1,
    block_reason: 'CI is still failing after 1 round (the limit is 3): job `lint` failed.',
    pr_stop_reason: null,
    pr_ci_rounds: 1,
  });
  expect(blocked.block_detail).toContain('greet.js: 1 error');

  await enqueueRunTransition(ctx.deps, {
    taskId: task.id,
    agentType: 'pr',
    provider: 'anthropic',
    model: 'test-model',
    effort: null,
    trigger: 'manual',
    triggerUrl: null,
    actingUserId: task.owner_id as number,
    chained: false,
    payload: {},
  });
  expect(await taskRow()).toMatchObject({ workflow_blocked: 0, block_reason: null, block_detail: null });
});

it('reads a burst of requests about one pull request at most twice, each caller answered', async () => {
  const head = await commitAndPush('export function greet(name) {\n  return `Hello, ${name}`;\n}\n', 'Use a template literal');
  await gh.ci.run('acme', 'app', head, ciPasses());
  await gh.createPullRequest('acme', 'app', { head: branch, title: 'Greet' });
  const runListings = () => gh.requests.filter((r) => r.kind === 'rest' && /\/actions\/runs$/.test(r.path)).length;
  const before = runListings();
  // Ten deliveries at once (a check run created and completed per job, say).
  const answers = await Promise.all(Array.from({ length: 10 }, () => syncPullRequestStage(ctx.deps, project, task)));
  expect(answers.every((a) => a.kind === 'found')).toBe(true);
  expect(runListings() - before).toBe(2);
  expect((await rounds()).map((r) => [r.round, r.state])).toEqual([[1, 'success']]);
  // Once they are answered, the next request reads afresh.
  await syncPullRequestStage(ctx.deps, project, task);
  expect(runListings() - before).toBe(3);
});
