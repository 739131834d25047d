// The end of the pipeline against a local GitHub, with the real Claude CLI,
// real git and the real gh: the PR agent commits, pushes and opens the pull
// request; its pr-complete puts the task in review with the PR's URL; "Merge &
// clean up" merges through gh, removes the worktree and completes the task
// while the task document stays in the archive.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { directive, gitRemoteUrl, startFakeGitHub, type FakeGitHub } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import { useGitHub } from '../testing/github-env';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';
import { taskArchive } from '../workspace/paths';

let w: ChatWorld;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld();
  gh = await startFakeGitHub();
  // The server's own GitHub settings, as an operator would export them (gh reaches the fake through the proxy).
  restoreEnv = useGitHub(gh);
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'app', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'app')], { cwd: project.repo_path });
});
afterEach(async () => {
  restoreEnv();
  await w.close();
  await gh.close();
});

async function prompts(byName: Record<string, string>): Promise<void> {
  const dir = join(w.ctx.home, 'prompts');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(byName)) await writeFile(join(dir, `${name}.md`), text);
}

const signal = (name: string) => directive.bash(`{{signalCommand}} ${name}`);

async function task(): Promise<TaskDto> {
  return ((await (await w.ctx.request('GET', `/api/tasks/${w.task.id}`, { as: w.owner })).json()) as { task: TaskDto }).task;
}

async function idle(): Promise<AgentRunDto[]> {
  for (let i = 0; i < 600; i++) {
    await w.ctx.deps.background.drain();
    const runs = (
      (await (await w.ctx.request('GET', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner })).json()) as { runs: AgentRunDto[] }
    ).runs;
    if (!runs.some((r) => isLiveRunStatus(r.status))) return runs.reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the loop did not settle');
}

it('opens the PR with real commits, goes in review, and Merge & clean up completes the task', async () => {
  await prompts({
    implementation: `Implement. ${directive.bash('echo "export const feature = 1;" > feature.js')}`,
    review: `Review. ${signal('workflow-complete')}`,
    refinement: `Refine. ${directive.say('nothing to simplify')}`,
    pr: `Open the PR. ${directive.bash('git add -A && git commit -q -m "Add the feature" && git push -q -u origin HEAD && gh pr create --repo {{repoSlug}} --head {{branch}} --base {{baseBranch}} --title "Task {{taskId}}: {{taskTitle}}" --body "Implements task {{taskId}}."')} ${signal('pr-complete')}`,
  });
  expect(
    (await w.ctx.request('POST', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner, json: { agentType: 'implementation' } })).status,
  ).toBe(201);
  const runs = await idle();
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([
    ['implementation', 'completed'],
    ['review', 'completed'],
    ['refinement', 'completed'],
    ['pr', 'completed'],
  ]);
  const prs = gh.prs('acme', 'app');
  expect(prs).toHaveLength(1);
  expect(prs[0]).toMatchObject({ number: 1, head: w.task.branchName, base: 'main', state: 'OPEN' });
  const bare = gh.repoPath('acme', 'app');
  expect(await runGit(['show', `${w.task.branchName}:feature.js`], { cwd: bare })).toBe('export const feature = 1;\n');
  const log = await runGit(['log', '-1', '--format=%an <%ae>', w.task.branchName ?? ''], { cwd: bare });
  expect(log.trim()).toBe(`${w.owner.row.username} <${w.owner.row.username}@users.noreply.bottega.local>`);
  expect(await task()).toMatchObject({ status: 'in_review', prAgentComplete: true, prUrl: 'http://github.localhost/acme/app/pull/1' });

  const merged = await w.ctx.request('POST', `/api/tasks/${w.task.id}/merge`, { as: w.owner });
  expect(merged.status).toBe(200);
  expect(await task()).toMatchObject({ status: 'completed', worktreePath: null });
  expect(gh.prs('acme', 'app')[0]?.state).toBe('MERGED');
  expect(await runGit(['show', 'main:feature.js'], { cwd: bare })).toBe('export const feature = 1;\n');
  expect(existsSync(w.task.worktreePath ?? '')).toBe(false);
  expect(existsSync(taskArchive(w.ctx.home, w.projectId, w.task.id).documentPath)).toBe(true);
});
