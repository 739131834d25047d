// Webhook payload shapes: a comment on a PR carries issue.pull_request, review states
// are lower-case, and a merged PR arrives as pull_request/closed with merged: true.
import { describe, expect, it } from 'vitest';
import { checkRunEvent, issueCommentEvent, pullRequestEvent, pullRequestReviewEvent, statusEvent } from './webhook-payloads';

const repository = { id: 1, full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } };
const pullRequest = {
  url: 'http://api.github.localhost/repos/acme/widgets/pulls/4',
  issue_url: 'http://api.github.localhost/repos/acme/widgets/issues/4',
  html_url: 'http://github.localhost/acme/widgets/pull/4',
  diff_url: 'http://github.localhost/acme/widgets/pull/4.diff',
  patch_url: 'http://github.localhost/acme/widgets/pull/4.patch',
  id: 99,
  number: 4,
  title: 'Fix',
  state: 'open',
  merged: false,
  merged_at: null,
  user: { login: 'bottega-bot' },
  head: { ref: 'task/4-fix' },
};
const alice = { login: 'alice' };

describe('issueCommentEvent', () => {
  it('is a created comment on an issue that is a pull request', () => {
    const event = issueCommentEvent({ repository, pullRequest, comment: { id: 7, body: '@bot go', user: alice } });
    expect(event).toMatchObject({
      action: 'created',
      issue: {
        number: 4,
        title: 'Fix',
        repository_url: 'http://api.github.localhost/repos/acme/widgets',
        pull_request: { url: pullRequest.url, html_url: pullRequest.html_url, merged_at: null },
      },
      comment: { id: 7, body: '@bot go' },
      sender: alice,
      repository,
    });
  });
});

describe('pullRequestReviewEvent', () => {
  it('lower-cases the review state and carries the pull request (with its head ref)', () => {
    const review = { id: 5, state: 'CHANGES_REQUESTED', body: 'hm', user: alice, html_url: 'h', pull_request_url: 'p' };
    const event = pullRequestReviewEvent({ repository, pullRequest, review });
    expect(event).toMatchObject({
      action: 'submitted',
      review: { id: 5, state: 'changes_requested', _links: { html: { href: 'h' } } },
      sender: alice,
    });
    expect((event.pull_request as { head: { ref: string } }).head.ref).toBe('task/4-fix');
  });
});

describe('pullRequestEvent', () => {
  it('defaults to closed and copies the number', () => {
    const merged = { ...pullRequest, state: 'closed', merged: true, merged_at: '2026-01-01T00:00:00Z' };
    expect(pullRequestEvent({ repository, pullRequest: merged, sender: alice })).toMatchObject({
      action: 'closed',
      number: 4,
      pull_request: { merged: true },
    });
  });
});

describe('checkRunEvent', () => {
  it("carries the run's check suite with the pull request's head branch and the pull request itself", () => {
    const pr = {
      ...pullRequest,
      head: { ref: 'task/4-fix', sha: 'a'.repeat(40), repo: { id: 1, url: 'u' } },
      base: { ref: 'main', sha: 'b'.repeat(40), repo: { id: 1, url: 'u' } },
    };
    const checkRun = { id: 31, name: 'test', status: 'completed', conclusion: 'failure', check_suite: { id: 31 } };
    const event = checkRunEvent({ repository, pullRequest: pr, checkRun, sender: alice });
    expect(event).toMatchObject({
      action: 'completed',
      check_run: {
        id: 31,
        check_suite: { id: 31, head_branch: 'task/4-fix', head_sha: 'a'.repeat(40), conclusion: 'failure' },
        pull_requests: [{ number: 4, head: { ref: 'task/4-fix', sha: 'a'.repeat(40) }, base: { ref: 'main' } }],
      },
      repository,
    });
  });
});

describe('statusEvent', () => {
  it('is a commit status on a sha with the branches that point at it', () => {
    const status = {
      id: 8,
      state: 'success',
      context: 'lint',
      description: null,
      target_url: 'http://ci',
      created_at: 't',
      updated_at: 't',
    };
    const event = statusEvent({ repository, status, sha: 'c'.repeat(40), branches: ['task/4-fix'], sender: alice });
    expect(event).toMatchObject({
      id: 8,
      sha: 'c'.repeat(40),
      name: 'acme/widgets',
      state: 'success',
      context: 'lint',
      branches: [{ name: 'task/4-fix', commit: { sha: 'c'.repeat(40) } }],
    });
  });
});
