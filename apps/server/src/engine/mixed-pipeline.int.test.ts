// The headline promise: one task whose roles run on three different harnesses.
// Planning on Claude Code, implementation on Codex, review on OpenCode,
// refinement and PR on Claude Code — each a real CLI driven by the same
// role-playing brain behind its vendor's fake API — with real git and the real
// gh against a local GitHub: plan → implementation → review NEEDS_WORK →
// implementation → review READY → refinement → PR → CI green.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createRoleBrain, startFakeChatCompletions, startFakeOpenAI, type FakeChatCompletions, type FakeOpenAI } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import {
  FIXED_GREET,
  GREETER_LOOP,
  runToPullRequest,
  setRoleModels,
  startPipelineWorld,
  type PipelineWorld,
} from '../testing/pipeline-world';

const CLAUDE = { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'low' };
const CODEX = { provider: 'openai', model: 'gpt-5.1-codex', effort: 'low' };
const OPENCODE = { provider: 'opencode', model: 'custom/fake-model', effort: null };
const ROLES = { planification: CLAUDE, implementation: CODEX, review: OPENCODE, refinement: CLAUDE, pr: CLAUDE, yolo: CLAUDE };
const PROVIDER_OF: Record<string, string> = Object.fromEntries(Object.entries(ROLES).map(([role, m]) => [role, m.provider]));

let p: PipelineWorld;
let chat: FakeChatCompletions;
let openai: FakeOpenAI;
beforeAll(buildServer);
beforeEach(async () => {
  chat = await startFakeChatCompletions({ brain: createRoleBrain(), apiKey: 'sk-opencode-mixed' });
  openai = await startFakeOpenAI({ brain: createRoleBrain(), requireKey: 'sk-codex-mixed' });
  p = await startPipelineWorld();
  const codex = await p.w.ctx.request('PUT', '/api/providers/openai', {
    as: p.w.owner,
    json: { apiKey: 'sk-codex-mixed', baseUrl: openai.baseUrl },
  });
  expect(codex.status).toBe(200);
  const opencode = await p.w.ctx.request('PUT', '/api/providers/opencode', {
    as: p.w.owner,
    json: { custom: { baseUrl: chat.baseUrl, apiKey: 'sk-opencode-mixed', models: ['fake-model'] } },
  });
  expect(opencode.status).toBe(200);
  await setRoleModels(p, ROLES);
});
afterEach(async () => {
  await p.close();
  await chat.close();
  await openai.close();
});

it(
  'runs planning on Claude Code, implementation on Codex, review on OpenCode and the PR on Claude Code',
  { timeout: 400_000 },
  async () => {
    const { runs } = await runToPullRequest(p);
    expect(runs.map((r) => [r.agentType, r.status, r.provider])).toEqual(GREETER_LOOP.map((t) => [t, 'completed', PROVIDER_OF[t]]));
    // Each run's conversation is bound to its role's provider and model.
    const conversations = await p.w.ctx.deps.db
      .selectFrom('conversations')
      .select(['id', 'provider', 'model'])
      .where('task_id', '=', p.w.task.id)
      .execute();
    const byId = new Map(conversations.map((c) => [c.id, `${c.provider}/${c.model}`]));
    expect(runs.map((r) => byId.get(r.conversationId ?? 0))).toEqual(GREETER_LOOP.map((t) => `${ROLES[t].provider}/${ROLES[t].model}`));
    const firstReview = await p.w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
    expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
    expect(await p.task()).toMatchObject({
      workflowComplete: true,
      prAgentComplete: true,
      status: 'in_review',
      prUrl: 'http://github.localhost/acme/greeter/pull/1',
    });
    expect(await runGit(['show', `${p.w.task.branchName}:greet.js`], { cwd: p.gh.repoPath('acme', 'greeter') })).toBe(FIXED_GREET);
    // Every vendor's fake saw its share of the work, each with the user's own key.
    expect(p.w.fake.modelRequests().length).toBeGreaterThan(0);
    expect(openai.modelRequests().length).toBeGreaterThan(0);
    expect(chat.agentRequests().length).toBeGreaterThan(0);
    expect(chat.completionRequests().every((r) => r.headers.authorization === 'Bearer sk-opencode-mixed')).toBe(true);
  },
);
