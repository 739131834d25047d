// The whole pipeline on a small real repository with a test suite, with the
// real Claude CLI (driven by the testkit's role-playing brain from Bottega's
// own prompts), real git and the real gh against a local GitHub: plan → gate →
// implementation → review finds a failing test (NEEDS_WORK) → implementation
// fixes it → review READY → refinement → PR with real commits → CI pending,
// then green → mergeable → PR complete → in review → Merge & clean up.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { taskRequest, type FakeGitHub } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import type { ChatWorld } from '../testing/chat-world';
import { FIXED_GREET, startPipelineWorld, type PipelineWorld } from '../testing/pipeline-world';
import { taskArchive } from '../workspace/paths';

let p: PipelineWorld;
let w: ChatWorld;
let gh: FakeGitHub;
beforeAll(buildServer);
beforeEach(async () => {
  // CI stays pending long enough for the PR agent to see it pending first.
  p = await startPipelineWorld({ ciMs: 3500 });
  ({ w, gh } = p);
});
afterEach(async () => p.close());

const api = <T>(method: string, path: string, json?: unknown): Promise<T> => p.api<T>(method, path, json);
const task = () => p.task();
const doc = async () => (await api<{ content: string }>('GET', `/api/tasks/${w.task.id}/document`)).content;
const settle = () => p.settle();

it('takes a task from plan to a merged pull request', async () => {
  const original = await doc();
  await api('POST', `/api/tasks/${w.task.id}/agent-runs`, { agentType: 'planification' });
  expect((await settle()).map((r) => r.agentType)).toEqual(['planification']);
  const plan = await doc();
  expect(plan).toContain('Original Request');
  for (const line of original.trimEnd().split('\n')) expect(plan).toContain(`> ${line}`.trimEnd());
  expect(plan).toMatch(/- \[ \]/);
  expect(await task()).toMatchObject({ planificationComplete: true, status: 'in_progress' });

  await api('POST', `/api/tasks/${w.task.id}/agent-runs`, { agentType: 'implementation' });
  const runs = await settle();
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([
    ['planification', 'completed'],
    ['implementation', 'completed'],
    ['review', 'completed'],
    ['implementation', 'completed'],
    ['review', 'completed'],
    ['refinement', 'completed'],
    ['pr', 'completed'],
  ]);
  const firstReview = await w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
  expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
  expect(await task()).toMatchObject({
    workflowComplete: true,
    prAgentComplete: true,
    status: 'in_review',
    prUrl: 'http://github.localhost/acme/greeter/pull/1',
  });
  // The PR agent saw CI pending before it saw it green.
  const prTurn = JSON.stringify(await w.ctx.deps.harness.store.all(runs[6]?.conversationId ?? 0));
  expect(prTurn).toMatch(/IN_PROGRESS/);
  expect(prTurn).toMatch(/SUCCESS/);
  const pr = gh.prs('acme', 'greeter')[0];
  expect(pr).toMatchObject({ state: 'OPEN', head: w.task.branchName });
  expect(await runGit(['show', `${w.task.branchName}:greet.js`], { cwd: gh.repoPath('acme', 'greeter') })).toBe(FIXED_GREET);

  expect((await w.ctx.request('POST', `/api/tasks/${w.task.id}/merge`, { as: w.owner })).status).toBe(200);
  expect(await task()).toMatchObject({ status: 'completed', worktreePath: null });
  expect(gh.prs('acme', 'greeter')[0]?.state).toBe('MERGED');
  expect(existsSync(w.task.worktreePath ?? '')).toBe(false);
  expect(await readFile(taskArchive(w.ctx.home, w.projectId, w.task.id).documentPath, 'utf8')).toContain('Original Request');
});

it('a YOLO task plans, implements, tests and opens its PR in one run and one conversation', async () => {
  const res = await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, {
    as: w.owner,
    json: {
      title: 'French, in one go',
      yoloMode: true,
      description: taskRequest({ summary: 'Add greetFr.', files: { 'greet.js': FIXED_GREET } }),
    },
  });
  const yolo = ((await res.json()) as { task: TaskDto }).task;
  await w.ctx.deps.background.drain();
  expect((await w.ctx.request('POST', `/api/tasks/${yolo.id}/agent-runs`, { as: w.owner, json: { agentType: 'yolo' } })).status).toBe(201);
  let runs: AgentRunDto[] = [];
  for (let i = 0; i < 1200; i++) {
    await w.ctx.deps.background.drain();
    runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${yolo.id}/agent-runs`)).runs;
    if (!runs.some((r) => isLiveRunStatus(r.status))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['yolo', 'completed']]);
  const after = (await api<{ task: TaskDto }>('GET', `/api/tasks/${yolo.id}`)).task;
  expect(after).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review' });
  expect(gh.prs('acme', 'greeter').map((p) => p.head)).toContain(yolo.branchName);
  const conversations = await w.ctx.deps.db.selectFrom('conversations').select('id').where('task_id', '=', yolo.id).execute();
  expect(conversations).toHaveLength(1);
});
