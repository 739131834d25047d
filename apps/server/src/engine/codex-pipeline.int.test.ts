// The whole pipeline on Codex: every role set to `openai` through the agent
// settings API, the REAL Codex CLI driven by the testkit's role-playing brain
// behind the fake Responses API (the user's key and gateway base URL), real
// git and the real gh against a local GitHub: plan → implementation → review
// (NEEDS_WORK) → implementation → review READY → refinement → PR → CI red on
// a docs check → the PR agent reads the failing log and fixes it → CI green.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { PullRequestStageResponse } from '@bottega/protocol';
import { createRoleBrain, startFakeOpenAI, type FakeOpenAI } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import {
  DOCS_CI,
  everyRole,
  FIXED_GREET,
  GREETER_DOCS_REQUEST,
  GREETER_README,
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
  // CI checks the docs too: the PR's first run fails and the PR agent fixes it.
  p = await startPipelineWorld({ ciCommand: DOCS_CI, taskDescription: GREETER_DOCS_REQUEST });
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
  // The first CI run failed on the docs check; the PR agent read its log, fixed the README, and the next run passed.
  expect(await runGit(['show', `${p.w.task.branchName}:README.md`], { cwd: p.gh.repoPath('acme', 'greeter') })).toBe(GREETER_README);
  const stage = (await p.api<PullRequestStageResponse>('GET', `/api/tasks/${p.w.task.id}/pull-request`)).pullRequest;
  expect(stage.ciRounds.map((r) => r.state)).toEqual(['failure', 'success']);
  expect(stage.ciRounds[0]?.logExcerpt).toContain('docs check failed: README.md does not document greetFr');
  expect(stage.ciRounds.every((r) => r.agentRunId === runs.at(-1)?.id)).toBe(true);
  expect(await p.task()).toMatchObject({ prCiRounds: 2 });
  // Every model request went to the fake Responses API with the user's key; none to the Anthropic fake.
  expect(openai.modelRequests().length).toBeGreaterThan(10);
  expect(p.w.fake.modelRequests()).toHaveLength(0);
});
