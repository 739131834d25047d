// The whole pipeline on Codex: every role set to `openai` through the agent
// settings API, the REAL Codex CLI driven by the testkit's role-playing brain
// behind the fake Responses API (reached through the user's custom base URL),
// real git and the real gh against a local GitHub: plan → implementation →
// review (NEEDS_WORK) → implementation → review READY → refinement → PR → CI
// green → PR complete.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AgentRunDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, startFakeGitHub, startFakeOpenAI, taskRequest, type FakeGitHub, type FakeOpenAI } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import { useGitHub } from '../testing/github-env';
import { startChatWorld, type ChatWorld } from '../testing/chat-world';

const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': "export function greet(name) {\n  return `Hello, ${name}`;\n}\n",
  'greet.test.js': "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nassert.equal(g.greetFr?.('Ada'), 'Bonjour, Ada');\nconsole.log('all tests passed');\n",
};
const BUGGY = "export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour ${name}`;\n}\n";
const FIXED = "export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetFr(name) {\n  return `Bonjour, ${name}`;\n}\n";
const REQUEST = taskRequest({ summary: 'Add a French greeting, greetFr(name), next to greet.', files: { 'greet.js': BUGGY }, fixes: { 'greet.js': FIXED } });
const CODEX = { provider: 'openai', model: 'gpt-5.1-codex', effort: 'low' };

let w: ChatWorld;
let gh: FakeGitHub;
let openai: FakeOpenAI;
let restoreEnv: () => void = () => undefined;
beforeAll(buildServer);
beforeEach(async () => {
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  openai = await startFakeOpenAI({ brain: createRoleBrain(), requireKey: 'sk-codex-pipeline' });
  w = await startChatWorld({ repoFiles: REPO, taskDescription: REQUEST });
  const connected = await w.ctx.request('PUT', '/api/providers/openai', { as: w.owner, json: { apiKey: 'sk-codex-pipeline', baseUrl: openai.baseUrl } });
  expect(connected.status).toBe(200);
  const roles = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'];
  const saved = await w.ctx.request('PUT', '/api/agent-settings', { as: w.owner, json: { settings: Object.fromEntries(roles.map((r) => [r, CODEX])) } });
  expect(saved.status).toBe(200);
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'greeter', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: project.repo_path });
  gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main') return;
    const sha = push.after;
    await gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(() => void gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined), 2000);
  });
});
afterEach(async () => {
  restoreEnv();
  await w.close();
  await openai.close();
  await gh.close();
});

const api = async <T>(method: string, path: string, json?: unknown): Promise<T> => (await w.ctx.request(method, path, { as: w.owner, ...(json === undefined ? {} : { json }) })).json() as Promise<T>;
const task = async () => (await api<{ task: TaskDto }>('GET', `/api/tasks/${w.task.id}`)).task;

async function settle(): Promise<AgentRunDto[]> {
  for (let i = 0; i < 2400; i++) {
    await w.ctx.deps.background.drain();
    const runs = (await api<{ runs: AgentRunDto[] }>('GET', `/api/tasks/${w.task.id}/agent-runs`)).runs;
    if (!runs.some((r) => r.status === 'running')) return runs.reverse();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the pipeline did not settle');
}

it('takes a task from plan to an open, green pull request on Codex', { timeout: 400_000 }, async () => {
  await api('POST', `/api/tasks/${w.task.id}/agent-runs`, { agentType: 'planification' });
  expect((await settle()).map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
  expect(await task()).toMatchObject({ planificationComplete: true });

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
  const conversations = await w.ctx.deps.db.selectFrom('conversations').select(['provider', 'model']).where('task_id', '=', w.task.id).execute();
  expect(new Set(conversations.map((c) => `${c.provider}/${c.model}`))).toEqual(new Set(['openai/gpt-5.1-codex']));
  const firstReview = await w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
  expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
  expect(firstReview.some((m) => m.type === 'tool_use' && m.name === 'Bash')).toBe(true);
  expect(await task()).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review', prUrl: 'http://github.localhost/acme/greeter/pull/1' });
  expect(await runGit(['show', `${w.task.branchName}:greet.js`], { cwd: gh.repoPath('acme', 'greeter') })).toBe(FIXED);
  // Every model request went to the fake Responses API with the user's key; none to the Anthropic fake.
  expect(openai.modelRequests().length).toBeGreaterThan(10);
  expect(w.fake.modelRequests()).toHaveLength(0);
});
