// The pull-request stage when things go wrong, end to end with the real Claude
// CLI (driven by the testkit's role-playing brain from Bottega's own prompts),
// real git and the real gh against a local GitHub whose CI runs the
// repository's real test command on every pushed commit. Each test starts at
// the PR stage: the implemented work is committed in the worktree and a `pr`
// run is started through the API.
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { AgentRunDto, PrSettingsResponse, PullRequestStageDto, PullRequestStageResponse, TaskDto } from '@bottega/protocol';
import { fileBlock, taskRequest } from '@bottega/testkit';
import { runGit } from '../forge/git';
import { buildServer } from '../testing/build';
import { BUGGY_GREET, FIXED_GREET, GREETER_README, OWNER, REPO, startPipelineWorld, type PipelineWorld } from '../testing/pipeline-world';

const SUMMARY = 'Add a French greeting, greetFr(name), next to greet.';
/** A wrong greetFr that is new each round, so every fix round pushes a commit. */
const wrongGreet = (round: number) => BUGGY_GREET.replace('`Bonjour ${name}`', `\`Bonjour${' '.repeat(round + 1)}\${name}\``);

let p: PipelineWorld | undefined;
beforeAll(buildServer);
afterEach(async () => {
  await p?.close();
  p = undefined;
});

async function world(request: string): Promise<PipelineWorld> {
  p = await startPipelineWorld({ ciCommand: 'npm test', taskDescription: request });
  return p;
}

async function startPr(world: PipelineWorld): Promise<void> {
  const res = await world.w.ctx.request('POST', `/api/tasks/${world.w.task.id}/agent-runs`, {
    as: world.w.owner,
    json: { agentType: 'pr' },
  });
  expect(res.status).toBe(201);
}

const stage = async (world: PipelineWorld): Promise<PullRequestStageDto> =>
  (await world.api<PullRequestStageResponse>('GET', `/api/tasks/${world.w.task.id}/pull-request`)).pullRequest;
const branchFile = (world: PipelineWorld, path: string) =>
  runGit(['show', `${world.branch}:${path}`], { cwd: world.gh.repoPath(OWNER, REPO) });
const logFetches = (world: PipelineWorld) => world.gh.requests.filter((r) => /\/actions\/runs\/\d+\/logs$/.test(r.path)).length;

/** The shell commands the agent ran in a run, in order. */
async function agentCommands(world: PipelineWorld, run: AgentRunDto | undefined): Promise<string[]> {
  const messages = await world.w.ctx.deps.harness.store.all(run?.conversationId ?? 0);
  return messages.flatMap((m) => (m.type === 'tool_use' && m.name === 'Bash' ? [String((m.input as { command?: unknown }).command)] : []));
}
/** Which of the agent's commands fetched a failing log (`l`) or wrote a fix and pushed it (`p`), in order. */
const logsAndPushes = (commands: readonly string[]) =>
  commands.flatMap((c) => (c.includes('--log-failed') ? ['l'] : /: fix CI'.*&& git push origin /.test(c) ? ['p'] : [])).join('');

it('reads the failing log of a red CI run, fixes the code, pushes, and goes in review once CI is green', { timeout: 120_000 }, async () => {
  const w = await world(taskRequest({ summary: SUMMARY, ciFixes: { 'greet.js': FIXED_GREET } }));
  await w.commitWork({ 'greet.js': BUGGY_GREET });
  await startPr(w);
  const runs = await w.settle();
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['pr', 'completed']]);
  // The agent read the failing log (the fake served it) before it pushed its fix.
  expect(logsAndPushes(await agentCommands(w, runs[0]))).toBe('lp');
  expect(logFetches(w)).toBeGreaterThanOrEqual(1);
  expect(await branchFile(w, 'greet.js')).toBe(FIXED_GREET);
  expect(await w.task()).toMatchObject({ status: 'in_review', prAgentComplete: true, prCiRounds: 2, prMergeable: 'MERGEABLE' });
  const pr = await stage(w);
  expect(pr.url).toBe(`http://github.localhost/${OWNER}/${REPO}/pull/1`);
  expect(pr.ciRounds.map((r) => [r.round, r.state, r.failingChecks])).toEqual([
    [1, 'failure', ['test']],
    [2, 'success', []],
  ]);
  // The excerpt names the failing assertion: what greetFr returned and what the test expected.
  expect(pr.ciRounds[0]?.logExcerpt).toMatch(/AssertionError[\s\S]*actual: 'Bonjour Ada'[\s\S]*expected: 'Bonjour, Ada'/);
  expect(pr.ciRounds[1]?.logExcerpt ?? null).toBeNull();
  expect(pr.ciRounds.every((r) => r.agentRunId === runs[0]?.id)).toBe(true);
});

it('blocks the task after the project’s cap of CI fix rounds, with the failing check and its log', { timeout: 120_000 }, async () => {
  const w = await world(taskRequest({ summary: SUMMARY, ciFixes: [1, 2, 3].map((n) => ({ 'greet.js': wrongGreet(n) })) }));
  const saved = await w.w.ctx.request('PUT', `/api/projects/${w.w.projectId}/pr-settings`, {
    as: w.w.owner,
    json: { updateStrategy: 'rebase', maxCiRounds: 2 },
  });
  expect(saved.status).toBe(200);
  expect(((await saved.json()) as PrSettingsResponse).prSettings).toMatchObject({ maxCiRounds: 2, effectiveMaxCiRounds: 2 });
  await w.commitWork({ 'greet.js': BUGGY_GREET });
  await startPr(w);
  const runs = await w.settle();
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['pr', 'completed']]);
  // Two fix rounds, each after reading the failing log; the third red run hits the cap.
  expect(logsAndPushes(await agentCommands(w, runs[0]))).toBe('lplp');
  expect(await branchFile(w, 'greet.js')).toBe(wrongGreet(2));
  const task: TaskDto = await w.task();
  expect(task).toMatchObject({ workflowBlocked: true, prAgentComplete: false, prCiRounds: 3 });
  expect(task.blockReason).toMatch(/CI is still failing after \d+ rounds \(the limit is 2\)/);
  expect(task.blockReason).toContain('`test`');
  // The detail is the last round's failing log: the second wrong fix's output.
  expect(task.blockDetail).toMatch(/AssertionError[\s\S]*actual: 'Bonjour {3}Ada'[\s\S]*expected: 'Bonjour, Ada'/);
  const pr = await stage(w);
  expect(pr.ciRounds.map((r) => r.state)).toEqual(['failure', 'failure', 'failure']);
  expect(pr.settings.effectiveMaxCiRounds).toBe(2);
});

/** `main` gains greetEs at the end of greet.js, where the branch adds greetFr: the two conflict. */
const GREET_ES =
  'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport function greetEs(name) {\n  return `Hola, ${name}`;\n}\n';
const RESOLVED = `${FIXED_GREET}\nexport function greetEs(name) {\n  return \`Hola, \${name}\`;\n}\n`;

it(
  'rebases onto a default branch that moved with a conflicting change, resolves it, and the PR is mergeable',
  { timeout: 120_000 },
  async () => {
    const w = await world(taskRequest({ summary: SUMMARY, resolutions: { 'greet.js': RESOLVED } }));
    await w.commitWork({ 'greet.js': FIXED_GREET });
    await w.pushToMain({ 'greet.js': GREET_ES }, 'Add a Spanish greeting');
    await startPr(w);
    expect((await w.settle()).map((r) => [r.agentType, r.status])).toEqual([['pr', 'completed']]);
    expect(await branchFile(w, 'greet.js')).toBe(RESOLVED);
    const log = await runGit(['log', '--format=%s', w.branch], { cwd: w.gh.repoPath(OWNER, REPO) });
    expect(log.split('\n').slice(0, 2)).toEqual(['Implement the task', 'Add a Spanish greeting']);
    expect(await w.task()).toMatchObject({ status: 'in_review', prAgentComplete: true, prMergeable: 'MERGEABLE' });
    const pr = await stage(w);
    expect(pr.mergeable).toBe('MERGEABLE');
    expect(pr.conflictFiles).toEqual([]);
    expect(pr.ciRounds.at(-1)?.state).toBe('success');
  },
);

it('merges the default branch in instead when the project brings branches up to date by merging', { timeout: 120_000 }, async () => {
  const w = await world(taskRequest({ summary: SUMMARY, resolutions: { 'greet.js': RESOLVED } }));
  const saved = await w.w.ctx.request('PUT', `/api/projects/${w.w.projectId}/pr-settings`, {
    as: w.w.owner,
    json: { updateStrategy: 'merge', maxCiRounds: null },
  });
  expect(saved.status).toBe(200);
  await w.commitWork({ 'greet.js': FIXED_GREET });
  await w.pushToMain({ 'greet.js': GREET_ES }, 'Add a Spanish greeting');
  await startPr(w);
  const runs = await w.settle();
  expect(runs.map((r) => [r.agentType, r.status])).toEqual([['pr', 'completed']]);
  expect(await branchFile(w, 'greet.js')).toBe(RESOLVED);
  const parents = await runGit(['log', '-1', '--format=%P', w.branch], { cwd: w.gh.repoPath(OWNER, REPO) });
  expect(parents.trim().split(' ')).toHaveLength(2);
  const commands = await agentCommands(w, runs[0]);
  expect(commands.some((c) => c.includes("merge --no-edit 'origin/main'"))).toBe(true);
  expect(commands.some((c) => c.includes('rebase') || c.includes('--force'))).toBe(false);
  expect(await w.task()).toMatchObject({ status: 'in_review', prAgentComplete: true, prMergeable: 'MERGEABLE' });
});

it('blocks with the conflicting file named when the conflict cannot be resolved', { timeout: 120_000 }, async () => {
  const w = await world(taskRequest({ summary: SUMMARY }));
  await w.commitWork({ 'greet.js': FIXED_GREET });
  await w.pushToMain({ 'greet.js': GREET_ES }, 'Add a Spanish greeting');
  await startPr(w);
  expect((await w.settle()).map((r) => [r.agentType, r.status])).toEqual([['pr', 'completed']]);
  // The rebase was aborted: the branch on GitHub is the one the agent pushed first.
  expect(await branchFile(w, 'greet.js')).toBe(FIXED_GREET);
  const task = await w.task();
  expect(task).toMatchObject({ workflowBlocked: true, prAgentComplete: false, prMergeable: 'CONFLICTING' });
  expect(task.blockReason).toContain('greet.js');
  const pr = await stage(w);
  expect(pr.mergeable).toBe('CONFLICTING');
  expect(pr.conflictFiles).toEqual(['greet.js']);
});

const SECRET = 'pr-stage-webhook-secret-0123456789';
const DOCUMENTED_GREET = `/** Greetings in English and French. */\n${FIXED_GREET}`;
const README_WITH_EXAMPLE = `${GREETER_README}\nExample: \`greetFr('Ada')\` returns \`Bonjour, Ada\`.\n`;

it('addresses a review with two inline threads in one feedback run: replies on each and resolves both', { timeout: 120_000 }, async () => {
  p = await startPipelineWorld({
    ciCommand: 'npm test',
    taskDescription: taskRequest({ summary: SUMMARY }),
    config: { webhookSecret: SECRET },
  });
  const w = p;
  // The PR stage already ran once: the pull request is open, CI green, the task in review.
  await w.commitWork({ 'greet.js': FIXED_GREET, 'README.md': GREETER_README });
  await startPr(w);
  await w.settle();
  expect(await w.task()).toMatchObject({ status: 'in_review', prAgentComplete: true });
  w.gh.addCollaborator(OWNER, REPO, 'ada', 'write');

  const payload = await w.gh.payloads.reviewSubmitted(OWNER, REPO, 1, {
    user: 'ada',
    state: 'changes_requested',
    body: 'Two small things.',
    comments: [
      { path: 'greet.js', line: 6, body: `Document the module.\n\n${fileBlock('file', 'greet.js', DOCUMENTED_GREET)}` },
      { path: 'README.md', line: 4, body: `Show an example.\n\n${fileBlock('file', 'README.md', README_WITH_EXAMPLE)}` },
    ],
  });
  const delivery = await w.gh.deliverWebhook(`${w.w.server.url}/api/webhooks/github`, 'pull_request_review', payload, SECRET);
  expect(delivery.body).toMatchObject({ status: 'triggered', taskId: w.w.task.id });
  const runs = await w.settle();
  expect(runs.map((r) => [r.agentType, r.status, r.trigger])).toEqual([
    ['pr', 'completed', 'manual'],
    ['pr', 'completed', 'webhook'],
  ]);
  expect(await branchFile(w, 'greet.js')).toBe(DOCUMENTED_GREET);
  expect(await branchFile(w, 'README.md')).toBe(README_WITH_EXAMPLE);

  const threads = w.gh.reviewThreads(OWNER, REPO, 1);
  expect(threads.map((t) => [t.path, t.isResolved, t.comments.length])).toEqual([
    ['greet.js', true, 2],
    ['README.md', true, 2],
  ]);
  expect(threads[0]?.comments[1]).toMatchObject({ author: w.gh.defaultUser, body: expect.stringContaining('`greet.js`') });
  expect(threads[1]?.comments[1]).toMatchObject({ author: w.gh.defaultUser, body: expect.stringContaining('`README.md`') });

  expect(await w.task()).toMatchObject({ status: 'in_review', prAgentComplete: true, prThreadsTotal: 2, prThreadsOpen: 0 });
  const pr = await stage(w);
  expect(pr.threads.map((t) => [t.path, t.resolved, t.replyCount, t.author])).toEqual([
    ['greet.js', true, 1, 'ada'],
    ['README.md', true, 1, 'ada'],
  ]);
  expect(pr.threads[0]?.lastReplyBody).toContain('`greet.js`');
  // Every request of the agent's and the server's gh was one the local GitHub models.
  expect(w.gh.gaps).toEqual([]);
});
