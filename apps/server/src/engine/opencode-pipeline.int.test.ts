// The whole pipeline on OpenCode: every role set to `opencode` through the
// agent settings API, the user's REAL `opencode serve` driven by the testkit's
// role-playing brain behind the fake Chat Completions API (the user's custom
// OpenAI-compatible provider), real git and the real gh against a local
// GitHub: plan → implementation → review (NEEDS_WORK) → implementation →
// review READY → refinement → PR → CI red on a docs check → the PR agent
// reads the failing log and fixes it → CI green → PR complete.
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { PullRequestStageResponse } from '@bottega/protocol';
import { createRoleBrain, startFakeChatCompletions, type FakeChatCompletions } from '@bottega/testkit';
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
let chat: FakeChatCompletions;
beforeAll(buildServer);
beforeEach(async () => {
  chat = await startFakeChatCompletions({ brain: createRoleBrain(), apiKey: 'sk-opencode-pipeline' });
  // CI checks the docs too: the PR's first run fails and the PR agent fixes it.
  p = await startPipelineWorld({ ciCommand: DOCS_CI, taskDescription: GREETER_DOCS_REQUEST });
  const connected = await p.w.ctx.request('PUT', '/api/providers/opencode', {
    as: p.w.owner,
    json: { custom: { baseUrl: chat.baseUrl, apiKey: 'sk-opencode-pipeline', models: ['fake-model'] } },
  });
  expect(connected.status).toBe(200);
  await setRoleModels(p, everyRole({ provider: 'opencode', model: 'custom/fake-model', effort: null }));
});
afterEach(async () => {
  await p.close();
  await chat.close();
});

it('takes a task from plan to an open, green pull request on OpenCode', { timeout: 400_000 }, async () => {
  const { afterPlanning, runs } = await runToPullRequest(p);
  expect(afterPlanning.map((r) => [r.agentType, r.status])).toEqual([['planification', 'completed']]);
  expect(runs.map((r) => [r.agentType, r.status])).toEqual(GREETER_LOOP.map((t) => [t, 'completed']));
  const conversations = await p.w.ctx.deps.db
    .selectFrom('conversations')
    .select(['provider', 'model'])
    .where('task_id', '=', p.w.task.id)
    .execute();
  expect(new Set(conversations.map((c) => `${c.provider}/${c.model}`))).toEqual(new Set(['opencode/custom/fake-model']));
  const firstReview = await p.w.ctx.deps.harness.store.all(runs[2]?.conversationId ?? 0);
  expect(JSON.stringify(firstReview)).toContain('NEEDS_WORK');
  expect(firstReview.some((m) => m.type === 'tool_use' && m.name === 'bash')).toBe(true);
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
  // Every model request went to the fake Chat Completions API with the user's key; none to the Anthropic fake.
  expect(chat.agentRequests().length).toBeGreaterThan(10);
  expect(chat.completionRequests().every((r) => r.headers.authorization === 'Bearer sk-opencode-pipeline')).toBe(true);
  expect(p.w.fake.modelRequests()).toHaveLength(0);
});
