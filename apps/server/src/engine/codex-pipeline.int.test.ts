// The whole pipeline on Codex: every role set to `openai` through the agent
// settings API, the REAL Codex CLI driven by the testkit's role-playing brain
// behind the fake Responses API (the user's key and gateway base URL), real
// git and the real gh against a local GitHub: plan → implementation → review
// (NEEDS_WORK) → implementation → review READY → refinement → PR → CI green.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createRoleBrain, startFakeOpenAI, type FakeOpenAI } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import {
  everyRole,
  FIXED_GREET,
  GREETER_LOOP,
  runToPullRequest,
  setRoleModels,
  startPipelineWorld,
  type PipelineWorld,
} from '../testing/pipeline-world';

let p: PipelineWorld;
let openai: FakeOpenAI;
beforeAll(buildServer);
beforeEach(async () => {
  openai = await startFakeOpenAI({ brain: createRoleBrain(), requireKey: 'sk-codex-pipeline' });
  p = await startPipelineWorld();
  const connected = await p.w.ctx.request('PUT', '/api/providers/openai', {
    as: p.w.owner,
    json: { apiKey: 'sk-codex-pipeline', baseUrl: openai.baseUrl },
  });
  expect(connected.status).toBe(200);
  await setRoleModels(p, everyRole({ provider: 'openai', model: 'gpt-5.1-codex', effort: 'low' }));
});
afterEach(async () => {
  await p.close();
  await openai.close();
});

it('takes a task from plan to an open, green pull request on Codex', { timeout: 400_000 }, async () => {
  const { afterPlanning, runs } = await runToPullRequest(p);
  expect(afterPlanning.map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
  expect(runs.map((r) => [r.agentType, r.status])).toEqual(GREETER_LOOP.map((t) => [t, 'completed']));
  const conversations = await p.w.ctx.deps.db
    .selectFrom('conversations')
    .select(['provider', 'model'])
    .where('task_id', '=', p.w.task.id)
    .execute();
  expect(new Set(conversations.map((c) => `${c.provider}/${c.model}`))).toEqual(new Set(['openai/gpt-5.1-codex']));
  const firstReview = await p.w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
  expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
  expect(firstReview.some((m) => m.type === 'tool_use' && m.name === 'Bash')).toBe(true);
  expect(await p.task()).toMatchObject({
    planificationComplete: true,
    workflowComplete: true,
    prAgentComplete: true,
    status: 'in_review',
    prUrl: 'http://github.localhost/acme/greeter/pull/1',
  });
  expect(await runGit(['show', `${p.w.task.branchName}:greet.js`], { cwd: p.gh.repoPath('acme', 'greeter') })).toBe(FIXED_GREET);
  // Every model request went to the fake Responses API with the user's key; none to the Anthropic fake.
  expect(openai.modelRequests().length).toBeGreaterThan(10);
  expect(p.w.fake.modelRequests()).toHaveLength(0);
});
