// The pure parts of the webhook: signatures (checked against the reference
// signer GitHub's own tooling uses), mentions, task branches, and the
// feedback text the PR agent receives.
import { sign } from '@octokit/webhooks-methods';
import webhookExamples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { deliverySubject } from './dedupe';
import { commentFeedback, mentions, reviewFeedback } from './feedback';
import { CheckRunPayload, CheckSuitePayload, IssueCommentPayload, PullRequestPayload, ReviewPayload, StatusPayload } from './payloads';
import { taskIdOfBranch } from './receive';
import { signBody, verifySignature } from '../../forge/webhook-signature';

const SECRET = 'a-webhook-secret-of-some-length';

describe('webhook signatures', () => {
  it('accepts GitHub-style signatures of the exact raw body and nothing else', async () => {
    const body = JSON.stringify({ action: 'created', comment: { body: 'héllo @bottega' } });
    const reference = await sign(SECRET, body);
    expect(signBody(SECRET, body)).toBe(reference);
    expect(verifySignature(SECRET, body, reference)).toBe(true);
    expect(verifySignature(SECRET, Buffer.from(body), reference.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(verifySignature(SECRET, `${body} `, reference)).toBe(false);
    expect(verifySignature('another-secret-of-some-length', body, reference)).toBe(false);
    expect(verifySignature(SECRET, body, undefined)).toBe(false);
    expect(verifySignature(SECRET, body, 'sha1=abc')).toBe(false);
    expect(verifySignature(SECRET, body, `${reference}00`)).toBe(false);
  });
});

describe('mentions', () => {
  it('finds the handle as a whole login, case-insensitively', () => {
    expect(mentions('@bottega please rename X', 'bottega')).toBe(true);
    expect(mentions('Thanks!\n\ncc @BotTega', 'bottega')).toBe(true);
    expect(mentions('(@bottega) look', 'bottega')).toBe(true);
    expect(mentions('@bottega-bot look', 'bottega')).toBe(false);
    expect(mentions('mail me at x@bottega.dev', 'bottega')).toBe(false);
    expect(mentions('bottega please', 'bottega')).toBe(false);
    expect(mentions('see org/@bottega', 'bottega')).toBe(false);
    expect(mentions(null, 'bottega')).toBe(false);
  });
});

describe('task branches', () => {
  it('maps task/{id}-slug to the task id', () => {
    expect(taskIdOfBranch('task/12-rename-things')).toBe(12);
    expect(taskIdOfBranch('task/7')).toBe(7);
    expect(taskIdOfBranch('feature/12-x')).toBeNull();
    expect(taskIdOfBranch('task/0-x')).toBeNull();
    expect(taskIdOfBranch('task/12x')).toBeNull();
  });
});

describe('feedback prompts', () => {
  it('quotes a comment with its author and link', () => {
    expect(commentFeedback({ author: 'ada', body: '@bottega please rename X\n\nto Y', url: 'https://gh/c/1' })).toBe(
      'A comment on the pull request by @ada (https://gh/c/1):\n\n> @bottega please rename X\n>\n> to Y',
    );
  });

  it('lists a review summary and every inline comment with location and hunk', () => {
    const text = reviewFeedback({
      author: 'ada',
      state: 'CHANGES_REQUESTED',
      body: '@bottega three things',
      url: 'https://gh/r/9',
      comments: [
        { body: 'rename', path: 'a.js', line: 3, side: 'RIGHT', diff_hunk: '@@ -1,3 +1,3 @@\n-x\n+y', user: { login: 'ada' } },
        { body: 'span', path: 'b.js', line: 9, start_line: 7, side: 'LEFT', user: { login: 'bob' } },
        { body: 'whole file', path: 'c.md', line: null },
      ],
    });
    expect(text).toContain('A review of the pull request by @ada (changes requested, https://gh/r/9).');
    expect(text).toContain('Summary:\n\n> @bottega three things');
    expect(text).toContain('Inline comments (3):');
    expect(text).toContain('1. `a.js`, line 3 (new side) — @ada\n\n> rename\n\nDiff hunk:\n```diff\n@@ -1,3 +1,3 @@\n-x\n+y\n```');
    expect(text).toContain('2. `b.js`, lines 7–9 (old side) — @bob');
    expect(text).toContain('3. `c.md` (whole file)');
  });

  it('ends each inline comment’s header with its thread and its own id, so the agent can reply and resolve', () => {
    const text = reviewFeedback({
      author: 'alice',
      state: 'CHANGES_REQUESTED',
      body: null,
      url: 'https://gh/r/10',
      comments: [
        { id: 1001, body: 'rename', path: 'greet.js', line: 5, side: 'RIGHT', user: { login: 'alice' } },
        { id: 1002, body: 'outdated', path: 'old.js', line: 2, user: { login: 'alice' } },
      ],
      threadOf: new Map([[1001, 'PRRT_kwDOA1']]),
    });
    expect(text).toContain('1. `greet.js`, line 5 (new side) — @alice · thread `PRRT_kwDOA1` · comment 1001\n');
    // A comment whose thread could not be read still names itself for a reply.
    expect(text).toContain('2. `old.js`, line 2 — @alice · comment 1002\n');
  });
});

describe("GitHub's published example payloads", () => {
  const examples = (name: string) =>
    (webhookExamples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === name)?.examples ?? [];

  it('parse with the schemas the receiver uses', () => {
    const comments = examples('issue_comment');
    const reviews = examples('pull_request_review');
    const pulls = examples('pull_request');
    expect(comments.length).toBeGreaterThan(0);
    for (const p of comments) expect(IssueCommentPayload.safeParse(p).success).toBe(true);
    for (const p of reviews) expect(ReviewPayload.safeParse(p).success).toBe(true);
    for (const p of pulls) expect(PullRequestPayload.safeParse(p).success).toBe(true);
    // The published comments are on issues: the receiver tells them from PR comments.
    expect(comments.every((p) => !IssueCommentPayload.parse(p).issue.pull_request)).toBe(true);
    expect(pulls.filter((p) => PullRequestPayload.parse(p).action === 'closed').length).toBeGreaterThan(0);
  });

  it('parse for the CI events: check suites, check runs with their branch, commit statuses with theirs', () => {
    const suites = examples('check_suite');
    const runs = examples('check_run');
    const statuses = examples('status');
    expect(runs.length).toBeGreaterThan(0);
    expect(statuses.length).toBeGreaterThan(0);
    for (const p of suites) expect(CheckSuitePayload.safeParse(p).success).toBe(true);
    for (const p of runs) expect(CheckRunPayload.safeParse(p).success).toBe(true);
    for (const p of statuses) expect(StatusPayload.safeParse(p).success).toBe(true);
    const completed = runs.map((p) => CheckRunPayload.parse(p)).find((p) => p.action === 'completed');
    expect(completed?.check_run.check_suite?.head_branch).toBe('changes');
    expect(completed?.check_run.pull_requests?.[0]?.head.ref).toBe('changes');
    expect(StatusPayload.parse(statuses[0]).branches?.map((b) => b.name)).toContain('master');
  });
});

describe('delivery subjects', () => {
  const repository = { full_name: 'Acme/Greeter' };
  const user = { login: 'ada' };
  const comment = (id: number, action = 'created') => ({
    action,
    issue: { number: 7, pull_request: {} },
    comment: { id, body: '@bottega go', html_url: 'https://gh/c', user },
    repository,
  });
  const review = (id: number) => ({
    action: 'submitted',
    review: { id, body: null, html_url: 'https://gh/r', state: 'commented', user },
    pull_request: { number: 7, head: { ref: 'task/1-x' } },
    repository,
  });
  const pull = (action: string, updatedAt: string | undefined, merged = false) => ({
    action,
    pull_request: {
      number: 7,
      html_url: 'https://gh/p/7',
      merged,
      head: { ref: 'task/1-x' },
      ...(updatedAt ? { updated_at: updatedAt } : {}),
    },
    repository,
  });

  it('names the comment, the review or the pull request change a delivery acts on, whatever its delivery id', () => {
    expect(deliverySubject('issue_comment', comment(11))?.key).toBe('issue_comment:acme/greeter:11:created');
    expect(deliverySubject('issue_comment', comment(11))?.key).toBe(
      deliverySubject('issue_comment', JSON.parse(JSON.stringify(comment(11))))?.key,
    );
    expect(deliverySubject('issue_comment', comment(12))?.key).not.toBe(deliverySubject('issue_comment', comment(11))?.key);
    expect(deliverySubject('issue_comment', comment(11, 'edited'))?.key).not.toBe(deliverySubject('issue_comment', comment(11))?.key);
    expect(deliverySubject('pull_request_review', review(5))?.key).toBe('pull_request_review:acme/greeter:5:submitted');
    expect(deliverySubject('pull_request', pull('closed', '2025-01-01T10:00:00Z'))?.key).toBe(
      'pull_request:acme/greeter:7:closed:2025-01-01T10:00:00Z',
    );
    // Closing and merging within the same second are two changes.
    expect(deliverySubject('pull_request', pull('closed', '2025-01-01T10:00:00Z', true))?.key).toBe(
      'pull_request:acme/greeter:7:merged:2025-01-01T10:00:00Z',
    );
    expect(deliverySubject('pull_request', pull('reopened', '2025-01-01T10:00:00Z'))?.key).toBe(
      'pull_request:acme/greeter:7:reopened:2025-01-01T10:00:00Z',
    );
  });

  it('names a check run by id, action and completion time, and a commit status by its id', () => {
    const run = (action: string, completedAt: string | null) => ({
      action,
      check_run: {
        id: 41,
        status: completedAt ? 'completed' : 'queued',
        completed_at: completedAt,
        check_suite: { head_branch: 'task/1-x' },
      },
      repository,
    });
    expect(deliverySubject('check_run', run('created', null))?.key).toBe('check_run:acme/greeter:41:created:');
    expect(deliverySubject('check_run', run('completed', '2025-01-01T10:00:00Z'))?.key).toBe(
      'check_run:acme/greeter:41:completed:2025-01-01T10:00:00Z',
    );
    // A re-run completing again is a new change.
    expect(deliverySubject('check_run', run('completed', '2025-01-01T10:05:00Z'))?.key).not.toBe(
      deliverySubject('check_run', run('completed', '2025-01-01T10:00:00Z'))?.key,
    );
    const status = (id: number) => ({ id, sha: 'a'.repeat(40), state: 'success', branches: [{ name: 'task/1-x' }], repository });
    expect(deliverySubject('status', status(9))?.key).toBe('status:acme/greeter:9');
    expect(deliverySubject('status', status(10))?.key).not.toBe(deliverySubject('status', status(9))?.key);
  });

  it('names nothing for events and payloads it does not act on', () => {
    expect(deliverySubject('ping', { zen: 'hi' })).toBeNull();
    expect(deliverySubject('issue_comment', { action: 'created' })).toBeNull();
    expect(deliverySubject('pull_request', pull('closed', undefined))).toBeNull();
    expect(deliverySubject('check_run', { action: 'completed', repository })).toBeNull();
    expect(deliverySubject('status', { sha: 'a'.repeat(40), repository })).toBeNull();
  });
});
