// The whole pipeline on a small real repository with a test suite, with the
// real Claude CLI (driven by the testkit's role-playing brain from Bottega's
// own prompts), real git and the real gh against a local GitHub: plan → gate →
// implementation → review finds a failing test (NEEDS_WORK) → implementation
// fixes it → review READY → refinement → PR with real commits → CI pending,
// then green → mergeable → PR complete → in review → Merge & clean up.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AgentRunDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, startFakeGitHub, taskRequest, type FakeGitHub } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import { useGitHub } from '../testing/github-env';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';
import { taskArchive } from '../workspace/paths';

const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': "export function greet(name) {\n  return `Hello, ${name}`;\n}\n",
  'greet.test.js': "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\nconsole.log('all tests passed');\n",
};
const BUGGY = "export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour ${name}`;\n}\n";
const FIXED = "export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n";
const REQUEST = taskRequest({ summary: 'Add a French greeting, greetFr(name), next to greet.', files: { 'greet.js': BUGGY }, fixes: { 'greet.js': FIXED } });

let w: ChatWorld;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
beforeAll(buildServer);
beforeEach(async () => {
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  w = await startChatWorld({ brain: createRoleBrain(), repoFiles: REPO, taskDescription: REQUEST });
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'greeter', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: project.repo_path });
  // CI: every push starts a check that is pending for a moment, then passes.
  gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main') return;
    const sha = push.after;
    await gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(() => void gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined), 3500);
  });
});
afterEach(async () => {
  restoreEnv();
  await w.close();
  await gh.close();
});

const api = async <T>(method: string, path: string, json?: unknown): Promise<T> => (await w.ctx.request(method, path, { as: w.owner, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;
const task = async () => (await api<{ task: TaskDto }>('GET', `/api/tasks/${w.task.id}`)).task;
const doc = async () => (await api<{ content: string }>('GET', `/api/tasks/${w.task.id}/document`)).content;

async function settle(): Promise<AgentRunDto[]> {
  for (let i = 0; i < 2400; i++) {
    await w.ctx.deps.background.drain();
    const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${w.task.id}/agent-runs`)).runs;
    if (!runs.some((r) => r.status === 'running')) return runs.reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the pipeline did not settle');
}

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
  expect(await task()).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review', prUrl: 'http://github.localhost/acme/greeter/pull/1' });
  // The PR agent saw CI pending before it saw it green.
  const prTurn = JSON.stringify(await w.ctx.deps.harness.store.all(runs[6]?.conversationId ?? 0));
  expect(prTurn).toMatch(/IN_PROGRESS/);
  expect(prTurn).toMatch(/SUCCESS/);
  const pr = gh.prs('acme', 'greeter')[0];
  expect(pr).toMatchObject({ state: 'OPEN', head: w.task.branchName });
  expect(await runGit(['show', `${w.task.branchName}:greet.js`], { cwd: gh.repoPath('acme', 'greeter') })).toBe(FIXED);

  expect((await w.ctx.request('POST', `/api/tasks/${w.task.id}/merge`, { as: w.owner })).status).toBe(200);
  expect(await task()).toMatchObject({ status: 'completed', worktreePath: null });
  expect(gh.prs('acme', 'greeter')[0]?.state).toBe('MERGED');
  expect(existsSync(w.task.worktreePath ?? '')).toBe(false);
  expect(await readFile(taskArchive(w.ctx.home, w.projectId, w.task.id).documentPath, 'utf8')).toContain('Original Request');
});

it('a YOLO task plans, implements, tests and opens its PR in one run and one conversation', async () => {
  const res = await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, { as: w.owner, json: { title: 'French, in one go', yoloMode: true, description: taskRequest({ summary: 'Add greetFr.', files: { 'greet.js': FIXED } }) } });
  const yolo = ((await res.json()) as { task: TaskDto }).task;
  await w.ctx.deps.background.drain();
  expect((await w.ctx.request('POST', `/api/tasks/${yolo.id}/agent-runs`, { as: w.owner, json: { agentType: 'yolo' } })).status).toBe(201);
  let runs: AgentRunDto[] = [];
  for (let i = 0; i < 1200; i++) {
    await w.ctx.deps.background.drain();
    runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${yolo.id}/agent-runs`)).runs;
    if (!runs.some((r) => r.status === 'running')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['yolo', 'completed']]);
  const after = (await api<{ task: TaskDto }>('GET', `/api/tasks/${yolo.id}`)).task;
  expect(after).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review' });
  expect(gh.prs('acme', 'greeter').map((p) => p.head)).toContain(yolo.branchName);
  const conversations = await w.ctx.deps.db.selectFrom('conversations').select('id').where('task_id', '=', yolo.id).execute();
  expect(conversations).toHaveLength(1);
});
