// The headline promise: one task whose roles run on three different harnesses.
// Planning on Claude Code, implementation on Codex, review on OpenCode,
// refinement and PR on Claude Code — each a real CLI driven by the same
// role-playing brain behind its vendor's fake API — with real git and the real
// gh against a local GitHub: plan → implementation → review NEEDS_WORK →
// implementation → review READY → refinement → PR → CI green.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AgentRunDto, TaskDto } from '@bottega/protocol';
import { createRoleBrain, gitRemoteUrl, startFakeChatCompletions, startFakeGitHub, startFakeOpenAI, taskRequest, type FakeChatCompletions, type FakeGitHub, type FakeOpenAI } from '@bottega/testkit';
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
const CLAUDE = { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'low' };
const CODEX = { provider: 'openai', model: 'gpt-5.1-codex', effort: 'low' };
const OPENCODE = { provider: 'opencode', model: 'custom/fake-model', effort: null };
const ROLES = { planification: CLAUDE, implementation: CODEX, review: OPENCODE, refinement: CLAUDE, pr: CLAUDE, yolo: CLAUDE };

let w: ChatWorld;
let gh: FakeGitHub;
let chat: FakeChatCompletions;
let openai: FakeOpenAI;
let restoreEnv: () => void = () => undefined;
beforeAll(buildServer);
beforeEach(async () => {
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  chat = await startFakeChatCompletions({ brain: createRoleBrain(), apiKey: 'sk-opencode-mixed' });
  openai = await startFakeOpenAI({ brain: createRoleBrain(), requireKey: 'sk-codex-mixed' });
  w = await startChatWorld({ brain: createRoleBrain(), repoFiles: REPO, taskDescription: REQUEST });
  const codex = await w.ctx.request('PUT', '/api/providers/openai', { as: w.owner, json: { apiKey: 'sk-codex-mixed', baseUrl: openai.baseUrl } });
  expect(codex.status).toBe(200);
  const opencode = await w.ctx.request('PUT', '/api/providers/opencode', { as: w.owner, json: { custom: { baseUrl: chat.baseUrl, apiKey: 'sk-opencode-mixed', models: ['fake-model'] } } });
  expect(opencode.status).toBe(200);
  const saved = await w.ctx.request('PUT', '/api/agent-settings', { as: w.owner, json: { settings: ROLES } });
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
  await chat.close();
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

it('runs planning on Claude Code, implementation on Codex, review on OpenCode and the PR on Claude Code', { timeout: 400_000 }, async () => {
  await api('POST', `/api/tasks/${w.task.id}/agent-runs`, { agentType: 'planification' });
  expect((await settle()).map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
  expect(await task()).toMatchObject({ planificationComplete: true });

  await api('POST', `/api/tasks/${w.task.id}/agent-runs`, { agentType: 'implementation' });
  const runs = await settle();
  expect(runs.map((r) => [r.agentType, r.status, r.provider])).toEqual([
    ['planification', 'completed', 'anthropic'],
    ['implementation', 'completed', 'openai'],
    ['review', 'completed', 'opencode'],
    ['implementation', 'completed', 'openai'],
    ['review', 'completed', 'opencode'],
    ['refinement', 'completed', 'anthropic'],
    ['pr', 'completed', 'anthropic'],
  ]);
  // Each run's conversation is bound to its provider and model.
  const conversations = await w.ctx.deps.db.selectFrom('conversations').select(['id', 'provider', 'model']).where('task_id', '=', w.task.id).execute();
  const byId = new Map(conversations.map((c) => [c.id, `${c.provider}/${c.model}`]));
  expect(runs.map((r) => byId.get(r.conversationId ?? 0))).toEqual([
    'anthropic/claude-sonnet-4-5',
    'openai/gpt-5.1-codex',
    'opencode/custom/fake-model',
    'openai/gpt-5.1-codex',
    'opencode/custom/fake-model',
    'anthropic/claude-sonnet-4-5',
    'anthropic/claude-sonnet-4-5',
  ]);
  const firstReview = await w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
  expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
  expect(await task()).toMatchObject({ workflowComplete: true, prAgentComplete: true, status: 'in_review', prUrl: 'http://github.localhost/acme/greeter/pull/1' });
  expect(await runGit(['show', `${w.task.branchName}:greet.js`], { cwd: gh.repoPath('acme', 'greeter') })).toBe(FIXED);
  // Every vendor's fake saw its share of the work, each with the user's own key.
  expect(w.fake.modelRequests().length).toBeGreaterThan(0);
  expect(openai.requests.length).toBeGreaterThan(0);
  expect(chat.agentRequests().length).toBeGreaterThan(0);
  expect(chat.completionRequests().every((r) => r.headers.authorization === 'Bearer sk-opencode-mixed')).toBe(true);
});
