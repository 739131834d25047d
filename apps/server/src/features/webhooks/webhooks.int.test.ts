// The PR-comment re-trigger end to end (docs/behaviour/webhook.md): the testkit's local GitHub
// delivers real signed webhooks to the running server; a mention from a
// collaborator starts a PR feedback run (the real Claude CLI driven by the role
// brain) that addresses the comment, pushes, waits for green CI and hands the
// task back in review. Everything that must be ignored or rejected is, and
// starts nothing.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isLiveRunStatus, type AgentRunDto, type TaskDto } from '@bottega/protocol';
import { createRoleBrain, fileBlock, gitRemoteUrl, startFakeGitHub, taskRequest, type FakeGitHub } from '@bottega/testkit';
import { sign } from '@octokit/webhooks-methods';
import { runGit } from '../../forge/git';
import { execFileChecked } from '../../process/exec';
import { buildServer } from '../../testing/build';
import { startChatWorld, type ChatWorld } from '../../testing/chat-world';
import { TEST_GIT_IDENTITY } from '../../testing/git';
import { useGitHub } from '../../testing/github-env';

const SECRET = 'test-webhook-secret-0123456789';
const REPO = {
  'package.json': '{ "name": "greeter", "private": true, "scripts": { "test": "node greet.test.js" } }\n',
  'greet.js': 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n',
  'greet.test.js':
    "import { strict as assert } from 'node:assert';\nimport * as g from './greet.js';\nassert.equal(g.greet('Ada'), 'Hello, Ada');\nconsole.log('all tests passed');\n",
};
const RENAMED = 'export function greet(name) {\n  return `Hello, ${name}`;\n}\n\nexport const salute = greet;\n';

let w: ChatWorld;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
let hookUrl: string;
let prNumber: number;
let branch: string;

beforeAll(buildServer);

async function setUp(webhookSecret: string | null): Promise<void> {
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  w = await startChatWorld({
    brain: createRoleBrain(),
    repoFiles: REPO,
    taskDescription: taskRequest({ summary: 'Keep greeting people.' }),
    config: { webhookSecret },
  });
  hookUrl = `${w.server.url}/api/webhooks/github`;
  const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
  await gh.createRepo('acme', 'greeter', { fromDir: project.repo_path });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'greeter')], { cwd: project.repo_path });
  // The loop already ran: the branch has a commit, a PR is open, the task waits in review.
  const task = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', w.task.id).executeTakeFirstOrThrow();
  branch = task.branch_name ?? '';
  const wt = task.worktree_path ?? '';
  await runGit([...TEST_GIT_IDENTITY, 'commit', '--allow-empty', '-m', 'Task work'], { cwd: wt });
  await runGit(['push', 'origin', branch], { cwd: wt });
  prNumber = (await gh.createPullRequest('acme', 'greeter', { head: branch, title: 'Keep greeting' })).number;
  await w.ctx.deps.db
    .updateTable('tasks')
    .set({ status: 'in_review', planification_complete: 1, workflow_complete: 1, refinement_complete: 1, pr_agent_complete: 1 })
    .where('id', '=', w.task.id)
    .execute();
  gh.addCollaborator('acme', 'greeter', 'ada', 'write');
  gh.addCollaborator('acme', 'greeter', 'rita', 'read');
  gh.onPush(async (push) => {
    if (!push.after || push.ref === 'refs/heads/main') return;
    const sha = push.after;
    await gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'in_progress' }]);
    setTimeout(
      () =>
        void gh.setChecks('acme', 'greeter', sha, [{ name: 'test', status: 'completed', conclusion: 'success' }]).catch(() => undefined),
      1500,
    );
  });
}

afterEach(async () => {
  restoreEnv();
  await w?.close();
  await gh?.close();
});

const runs = async (): Promise<AgentRunDto[]> =>
  ((await (await w.ctx.request('GET', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner })).json()) as { runs: AgentRunDto[] }).runs;
const task = async (): Promise<TaskDto> =>
  ((await (await w.ctx.request('GET', `/api/tasks/${w.task.id}`, { as: w.owner })).json()) as { task: TaskDto }).task;

async function settle(): Promise<AgentRunDto[]> {
  for (let i = 0; i < 2400; i++) {
    await w.ctx.deps.background.drain();
    const list = await runs();
    if (!list.some((r) => isLiveRunStatus(r.status))) return list;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run did not settle');
}

describe('with a webhook secret', () => {
  beforeEach(async () => setUp(SECRET));

  it('starts a PR feedback run from a mention in a top-level comment; it pushes, CI goes green, the task is back in review', async () => {
    const body = `@bottega please rename greet to salute, keeping greet.\n\n${fileBlock('file', 'greet.js', RENAMED)}`;
    const payload = await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body });
    const pushesBefore = gh.pushes.length;
    const requestsBefore = w.fake.modelRequests().length;
    const delivery = await gh.deliverWebhook(hookUrl, 'issue_comment', payload, SECRET);
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({ status: 'triggered', taskId: w.task.id, conversationId: expect.any(Number) });

    // While it runs, another mention is ignored rather than queued.
    const again = await gh.deliverWebhook(
      hookUrl,
      'issue_comment',
      await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega and one more thing' }),
      SECRET,
    );
    expect(again.body).toMatchObject({ status: 'ignored', reason: expect.stringContaining('already running') });

    const settled = await settle();
    expect(settled.map((r) => [r.agentType, r.status, r.trigger])).toEqual([['pr', 'completed', 'webhook']]);
    expect(settled[0]?.triggerUrl).toBe((payload.comment as { html_url: string }).html_url);
    const prompt = JSON.stringify(w.fake.modelRequests()[requestsBefore]?.body);
    expect(prompt).toContain('A comment on the pull request by @ada');
    expect(prompt).toContain('> @bottega please rename greet to salute, keeping greet.');
    const pushed = gh.pushes.slice(pushesBefore).filter((p) => p.ref === `refs/heads/${branch}`);
    expect(pushed.length).toBeGreaterThan(0);
    expect(await runGit(['show', `${branch}:greet.js`], { cwd: gh.repoPath('acme', 'greeter') })).toBe(RENAMED);
    expect(await task()).toMatchObject({ status: 'in_review', prAgentComplete: true });
  });

  it('gives the PR agent a submitted review with all its inline comments, file, line and hunk', async () => {
    const payload = await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
      user: 'ada',
      state: 'changes_requested',
      body: 'Three small things, @bottega.',
      comments: [
        {
          path: 'greet.js',
          line: 2,
          body: 'Use a template literal here.',
          diffHunk: '@@ -1,3 +1,3 @@\n export function greet(name) {\n-  return "Hello, " + name;\n+  return `Hello, ${name}`;',
        },
        { path: 'greet.test.js', line: 3, body: 'Test an empty name too.' },
        { path: 'package.json', line: 1, side: 'LEFT', body: 'Add a description.' },
      ],
    });
    const requestsBefore = w.fake.modelRequests().length;
    const delivery = await gh.deliverWebhook(hookUrl, 'pull_request_review', payload, SECRET);
    expect(delivery.body).toMatchObject({ status: 'triggered', taskId: w.task.id });
    await settle();
    const prompt = JSON.stringify(w.fake.modelRequests()[requestsBefore]?.body);
    expect(prompt).toContain('Inline comments (3)');
    expect(prompt).toContain('1. `greet.js`, line 2 (new side) — @ada');
    expect(prompt).toContain('Use a template literal here.');
    expect(prompt).toContain('@@ -1,3 +1,3 @@');
    expect(prompt).toContain('2. `greet.test.js`, line 3');
    expect(prompt).toContain('3. `package.json`, line 1 (old side)');
    expect((await runs())[0]).toMatchObject({ trigger: 'webhook', triggerUrl: (payload.review as { html_url: string }).html_url });
  });

  it('starts the feedback run for a review requesting changes without a mention; a plain review without one starts nothing', async () => {
    const deliver = async (payload: object) => (await gh.deliverWebhook(hookUrl, 'pull_request_review', payload, SECRET)).body;
    const commented = await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
      user: 'ada',
      state: 'commented',
      body: 'A thought, no action needed.',
      comments: [{ path: 'greet.js', line: 2, body: 'Nice.' }],
    });
    expect(await deliver(commented)).toEqual({ status: 'ignored', reason: 'no mention of @bottega' });
    expect(await runs()).toEqual([]);

    const requested = await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
      user: 'ada',
      state: 'changes_requested',
      body: 'Please export salute too.',
      comments: [{ path: 'greet.js', line: 2, body: 'Add `export const salute = greet;` below.' }],
    });
    const requestsBefore = w.fake.modelRequests().length;
    expect(await deliver(requested)).toMatchObject({ status: 'triggered', taskId: w.task.id });
    await settle();
    const prompt = JSON.stringify(w.fake.modelRequests()[requestsBefore]?.body);
    expect(prompt).toContain('A review of the pull request by @ada (changes requested');
    expect(prompt).toMatch(/1\. `greet\.js`, line 2 \(new side\) — @ada · thread `PRRT_[^`]+` · comment \d+/);
    expect((await runs()).map((r) => [r.agentType, r.trigger])).toEqual([['pr', 'webhook']]);
  });

  it('ignores what must not start a run, and handles each delivery id once', async () => {
    const deliver = async (event: 'issue_comment' | 'pull_request_review' | 'pull_request', payload: object, deliveryId?: string) =>
      (await gh.deliverWebhook(hookUrl, event, payload, SECRET, deliveryId ? { deliveryId } : {})).body as {
        status: string;
        reason?: string;
      };
    const comment = (user: string, body: string, number = prNumber) => gh.payloads.issueComment('acme', 'greeter', number, { user, body });

    expect(await deliver('issue_comment', await comment('ada', 'Looks good to me.'))).toMatchObject({
      status: 'ignored',
      reason: 'no mention of @bottega',
    });
    expect(await deliver('issue_comment', await comment('rita', '@bottega rewrite it all'))).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('no write access'),
    });
    expect(await deliver('issue_comment', await comment('stranger', '@bottega rewrite it all'))).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('no write access'),
    });
    const onIssue = await comment('ada', '@bottega fix this issue');
    delete (onIssue.issue as Record<string, unknown>).pull_request;
    expect(await deliver('issue_comment', onIssue)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('not on a pull request'),
    });

    const project = await w.ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();
    const commit = (
      await runGit([...TEST_GIT_IDENTITY, 'commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'Other work'], { cwd: project.repo_path })
    ).trim();
    await runGit(['push', 'origin', `${commit}:refs/heads/feature/other`], { cwd: project.repo_path });
    const other = await gh.createPullRequest('acme', 'greeter', { head: 'feature/other', title: 'Not a task' });
    expect(await deliver('issue_comment', await comment('ada', '@bottega look', other.number))).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('not a Bottega task branch'),
    });

    expect(
      await deliver(
        'pull_request_review',
        await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
          user: 'ada',
          body: 'fine',
          comments: [{ path: 'greet.js', line: 1, body: 'ok' }],
        }),
      ),
    ).toMatchObject({
      status: 'ignored',
      reason: 'no mention of @bottega',
    });

    // The same delivery twice: the second is not acted on, also after a restart.
    const mention = await comment('ada', '@bottega tidy up');
    expect(await deliver('issue_comment', mention, 'fixed-delivery-id')).toMatchObject({ status: 'triggered' });
    await settle();
    await w.restart();
    hookUrl = `${w.server.url}/api/webhooks/github`;
    expect(await deliver('issue_comment', mention, 'fixed-delivery-id')).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('already received'),
    });
    expect((await runs()).length).toBe(1);

    await w.ctx.deps.db.updateTable('tasks').set({ status: 'completed' }).where('id', '=', w.task.id).execute();
    expect(await deliver('issue_comment', await comment('ada', '@bottega once more'))).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('is completed'),
    });
    expect((await runs()).length).toBe(1);
  });

  it('ignores a review that mentions the handle when its author has no write access, and starts nothing', async () => {
    const before = await task();
    const reviews = [
      // A collaborator with read access, mentioning in the review's body.
      await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
        user: 'rita',
        state: 'changes_requested',
        body: '@bottega rewrite it all',
      }),
      // Someone who is no collaborator at all, mentioning only in an inline comment.
      await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, {
        user: 'stranger',
        state: 'commented',
        body: 'See inline.',
        comments: [{ path: 'greet.js', line: 2, body: '@bottega delete this file' }],
      }),
    ];
    for (const payload of reviews) {
      const login = (payload.review as { user: { login: string } }).user.login;
      const delivery = await gh.deliverWebhook(hookUrl, 'pull_request_review', payload, SECRET);
      expect(delivery.status).toBe(200);
      expect(delivery.body).toEqual({ status: 'ignored', reason: `@${login} has no write access to acme/greeter` });
    }
    await w.ctx.deps.background.drain();
    expect(await runs()).toEqual([]);
    expect(
      await w.ctx.deps.db
        .selectFrom('conversations')
        .select('id')
        .where('task_id', '=', w.task.id)
        .where('kind', '=', 'agent_run')
        .execute(),
    ).toEqual([]);
    expect(await task()).toEqual(before);
  });

  it('acts once per GitHub object: the same signed body under a new delivery id starts nothing, also after a restart', async () => {
    const deliver = async (event: 'issue_comment' | 'pull_request_review' | 'pull_request', payload: object) =>
      (await gh.deliverWebhook(hookUrl, event, payload, SECRET)).body as { status: string; reason?: string };
    const deliveryIds = async () => (await w.ctx.deps.db.selectFrom('webhook_deliveries').select('delivery_id').execute()).length;

    // A comment: the replay (a fresh X-GitHub-Delivery, the same signed bytes) is not acted on.
    const mention = await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega tidy up' });
    expect(await deliver('issue_comment', mention)).toMatchObject({ status: 'triggered' });
    expect(await deliver('issue_comment', mention)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('already handled'),
    });
    await settle();
    await w.restart();
    hookUrl = `${w.server.url}/api/webhooks/github`;
    expect(await deliver('issue_comment', mention)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('already handled'),
    });
    expect((await runs()).length).toBe(1);
    // Another comment with the same words is another object, and is acted on.
    expect(
      await deliver(
        'issue_comment',
        await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega tidy up' }),
      ),
    ).toMatchObject({ status: 'triggered' });
    await settle();
    expect((await runs()).length).toBe(2);

    // A review, by its id.
    const review = await gh.payloads.reviewSubmitted('acme', 'greeter', prNumber, { user: 'ada', body: 'Fine by me.' });
    expect(await deliver('pull_request_review', review)).toMatchObject({ status: 'ignored', reason: 'no mention of @bottega' });
    expect(await deliver('pull_request_review', review)).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('already handled'),
    });

    // A pull request closed: by number, action and updated_at; reopening it is a new change.
    await execFileChecked('gh', ['pr', 'close', String(prNumber), '--repo', 'acme/greeter']);
    const closed = await gh.payloads.pullRequestClosed('acme', 'greeter', prNumber, 'ada');
    expect(await deliver('pull_request', closed)).toMatchObject({ status: 'closed' });
    await w.ctx.deps.db.updateTable('tasks').set({ pr_closed: 0 }).where('id', '=', w.task.id).execute();
    expect(await deliver('pull_request', closed)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('already handled') });
    expect((await task()).prClosed).toBe(false);
    const reopened = {
      ...closed,
      action: 'reopened',
      pull_request: { ...(closed.pull_request as object), state: 'open', closed_at: null },
    };
    expect(await deliver('pull_request', reopened)).toMatchObject({ status: 'reopened' });

    // A delivery that hits a genuine fault is forgotten with its object: a redelivery is handled afresh.
    const broken = await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega once more' });
    (broken.issue as { number: number }).number = 9999;
    const before = await deliveryIds();
    expect((await gh.deliverWebhook(hookUrl, 'issue_comment', broken, SECRET)).status).toBe(500);
    expect((await gh.deliverWebhook(hookUrl, 'issue_comment', broken, SECRET)).status).toBe(500);
    expect(await deliveryIds()).toBe(before);
    expect((await runs()).length).toBe(2);
  });

  it('rejects unsigned, mis-signed and altered deliveries with 401 and starts nothing', async () => {
    const payload = await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega go' });
    expect((await gh.deliverWebhook(hookUrl, 'issue_comment', payload, SECRET, { signature: null })).status).toBe(401);
    expect((await gh.deliverWebhook(hookUrl, 'issue_comment', payload, 'some-other-secret-0123456789')).status).toBe(401);
    const altered = { ...payload, comment: { ...(payload.comment as object), body: '@bottega delete everything' } };
    const signedOriginal = await sign(SECRET, JSON.stringify(payload));
    expect((await gh.deliverWebhook(hookUrl, 'issue_comment', altered, SECRET, { signature: signedOriginal })).status).toBe(401);
    expect(await runs()).toEqual([]);
    const health = (await (await fetch(`${w.server.url}/api/webhooks/health`)).json()) as {
      secretConfigured: boolean;
      triggerHandle: string;
    };
    expect(health).toMatchObject({ secretConfigured: true, triggerHandle: 'bottega' });
  });

  it("reads the pull request's CI again when a check suite ran on its branch, and when the pull request changed", async () => {
    const deliver = async (event: 'check_suite' | 'pull_request', payload: object) =>
      (await gh.deliverWebhook(hookUrl, event, payload, SECRET)).body;
    const checkSuite = (head: string) => ({
      action: 'completed',
      check_suite: { head_branch: head },
      repository: { full_name: 'acme/greeter' },
    });
    expect((await task()).prCiState).toBeNull();

    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    expect(await deliver('check_suite', checkSuite(branch))).toEqual({ status: 'ci', taskId: w.task.id, ci: 'failure' });
    expect(await task()).toMatchObject({ prCiState: 'failure', prUrl: expect.stringMatching(/\/acme\/greeter\/pull\/\d+$/) });

    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'test', status: 'completed', conclusion: 'success' }]);
    const pushed = {
      action: 'synchronize',
      pull_request: {
        number: prNumber,
        html_url: `https://github.com/acme/greeter/pull/${prNumber}`,
        state: 'open',
        merged: false,
        updated_at: new Date().toISOString(),
        head: { ref: branch },
      },
      repository: { full_name: 'acme/greeter' },
    };
    expect(await deliver('pull_request', pushed)).toEqual({ status: 'ci', taskId: w.task.id, ci: 'success' });
    expect((await task()).prCiState).toBe('success');

    // Not a task's branch: nothing is read.
    expect(await deliver('check_suite', checkSuite('main'))).toMatchObject({ status: 'ignored' });
    expect((await task()).prCiState).toBe('success');
  });

  it("reads the pull request's CI again on a check run and on a commit status, found by branch or by commit", async () => {
    const deliver = async (event: 'check_run' | 'status', payload: object) =>
      (await gh.deliverWebhook(hookUrl, event, payload, SECRET)).body;
    const ci = { status: 'ci', taskId: w.task.id };

    // A check run created, then completed: by its check suite's head branch.
    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'test', status: 'in_progress' }]);
    expect(await deliver('check_run', await gh.payloads.checkRun('acme', 'greeter', prNumber, 'test', 'created'))).toEqual({
      ...ci,
      ci: 'pending',
    });
    expect((await task()).prCiState).toBe('pending');
    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    const failed = await gh.payloads.checkRun('acme', 'greeter', prNumber, 'test');
    expect(await deliver('check_run', failed)).toEqual({ ...ci, ci: 'failure' });
    expect(await task()).toMatchObject({ prCiState: 'failure', prUrl: expect.stringMatching(/\/acme\/greeter\/pull\/\d+$/) });
    // The same signed body again, under a new delivery id: already handled.
    expect(await deliver('check_run', failed)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('already handled') });

    // Without a suite branch (a fork's suite, say): by the head of its pull request.
    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'test', status: 'completed', conclusion: 'success' }]);
    const passed = await gh.payloads.checkRun('acme', 'greeter', prNumber, 'test');
    const run = passed.check_run as { check_suite: object };
    run.check_suite = { ...run.check_suite, head_branch: null };
    expect(await deliver('check_run', passed)).toEqual({ ...ci, ci: 'success' });
    expect((await task()).prCiState).toBe('success');
    const rerequested = { ...passed, action: 'rerequested' };
    expect(await deliver('check_run', rerequested)).toEqual({ status: 'ignored', reason: 'check run rerequested' });

    // A commit status naming the task's branch.
    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'lint', kind: 'status', status: 'completed', conclusion: 'failure' }]);
    const status = await gh.payloads.status('acme', 'greeter', prNumber, 'lint');
    expect(status.branches).toEqual([expect.objectContaining({ name: branch })]);
    expect(await deliver('status', status)).toEqual({ ...ci, ci: 'failure' });
    expect((await task()).prCiState).toBe('failure');
    expect(await deliver('status', status)).toMatchObject({ status: 'ignored', reason: expect.stringContaining('already handled') });

    // One naming no branch: its commit is the head of the task's branch here.
    await gh.setChecks('acme', 'greeter', prNumber, [{ name: 'lint', kind: 'status', status: 'completed', conclusion: 'success' }]);
    expect(await deliver('status', await gh.payloads.status('acme', 'greeter', prNumber, 'lint', []))).toEqual({ ...ci, ci: 'success' });
    expect((await task()).prCiState).toBe('success');

    // A status of a commit no task branch points at, on other branches: nothing is read.
    const elsewhere = { ...status, id: 987654, sha: 'f'.repeat(40), branches: [{ name: 'main' }] };
    expect(await deliver('status', elsewhere)).toMatchObject({ status: 'ignored' });
    expect(await deliver('status', { ...elsewhere, id: 987655, branches: [] })).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('without a task branch'),
    });
    expect((await task()).prCiState).toBe('success');
  });

  it('completes the task when its PR is merged on GitHub, and flags one closed without merging', async () => {
    // Closed, reopened and merged on GitHub (with gh, as a person would), each followed by its event.
    const ghPr = (verb: 'close' | 'reopen' | 'merge') =>
      execFileChecked('gh', ['pr', verb, String(prNumber), '--repo', 'acme/greeter', ...(verb === 'merge' ? ['--merge'] : [])]);
    const closedEvent = () => gh.payloads.pullRequestClosed('acme', 'greeter', prNumber, 'ada');
    const send = async (payload: object) => (await gh.deliverWebhook(hookUrl, 'pull_request', payload, SECRET)).body;
    await ghPr('close');
    const closed = await closedEvent();
    expect(await send(closed)).toMatchObject({ status: 'closed', taskId: w.task.id });
    expect(await task()).toMatchObject({ prClosed: true, status: 'in_review' });
    await ghPr('reopen');
    // The reopened event is the closed one's pull request, open again.
    const reopened = {
      ...closed,
      action: 'reopened',
      pull_request: { ...(closed.pull_request as object), state: 'open', closed_at: null },
    };
    expect(await send(reopened)).toMatchObject({ status: 'reopened' });
    expect((await task()).prClosed).toBe(false);
    await ghPr('merge');
    const merged = await closedEvent();
    expect((merged.pull_request as { merged?: boolean }).merged).toBe(true);
    expect(await send(merged)).toMatchObject({ status: 'completed', taskId: w.task.id });
    expect(await task()).toMatchObject({ status: 'completed', worktreePath: null });
  });
});

describe('without a webhook secret', () => {
  beforeEach(async () => setUp(null));

  it('refuses every delivery, and the health check says why', async () => {
    const payload = await gh.payloads.issueComment('acme', 'greeter', prNumber, { user: 'ada', body: '@bottega go' });
    const res = await gh.deliverWebhook(hookUrl, 'issue_comment', payload, SECRET);
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).toContain('GITHUB_WEBHOOK_SECRET');
    expect(await runs()).toEqual([]);
    expect(await (await fetch(`${w.server.url}/api/webhooks/health`)).json()).toMatchObject({ secretConfigured: false });
  });
});
