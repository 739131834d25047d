// Webhook payloads shaped like GitHub's, built from REST-shaped objects: a comment on a
// PR (issue_comment with issue.pull_request), a submitted review, a closed/merged PR,
// a check run of a PR's head (check_run) and a commit status (status).
type Json = Record<string, unknown>;

export interface IssueCommentEventInput {
  /** REST repository (`restRepo`). */
  repository: Json;
  /** REST pull request (`restPull`): the issue is derived from it. */
  pullRequest: Json;
  /** REST issue comment. */
  comment: Json;
  /** REST user who acted (default: the comment's user). */
  sender?: Json;
  action?: 'created' | 'edited' | 'deleted';
}

/** The issue a PR is, as `issue_comment` events carry it (with `pull_request`). */
export function issueFromPull(pr: Json): Json {
  return {
    url: pr.issue_url,
    repository_url: String(pr.issue_url ?? '').replace(/\/issues\/\d+$/, ''),
    comments_url: pr.comments_url,
    html_url: pr.html_url,
    id: pr.id,
    node_id: pr.node_id,
    number: pr.number,
    title: pr.title,
    user: pr.user,
    labels: pr.labels ?? [],
    state: pr.state,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: pr.comments ?? 0,
    created_at: pr.created_at,
    updated_at: pr.updated_at,
    closed_at: pr.closed_at,
    author_association: pr.author_association,
    draft: pr.draft,
    body: pr.body,
    pull_request: {
      url: pr.url,
      html_url: pr.html_url,
      diff_url: pr.diff_url,
      patch_url: pr.patch_url,
      merged_at: pr.merged_at ?? null,
    },
  };
}

export function issueCommentEvent(input: IssueCommentEventInput): Json {
  return {
    action: input.action ?? 'created',
    issue: issueFromPull(input.pullRequest),
    comment: input.comment,
    repository: input.repository,
    sender: input.sender ?? input.comment.user,
  };
}

export interface ReviewEventInput {
  repository: Json;
  pullRequest: Json;
  /** REST review (`restReview`); its state is lower-cased as webhooks send it. */
  review: Json;
  sender?: Json;
}

export function pullRequestReviewEvent(input: ReviewEventInput): Json {
  const review = input.review;
  return {
    action: 'submitted',
    review: {
      ...review,
      state: String(review.state ?? '').toLowerCase(),
      _links: { html: { href: review.html_url }, pull_request: { href: review.pull_request_url } },
    },
    pull_request: input.pullRequest,
    repository: input.repository,
    sender: input.sender ?? review.user,
  };
}

export interface PullRequestEventInput {
  repository: Json;
  pullRequest: Json;
  sender: Json;
  action?: 'closed' | 'opened' | 'reopened' | 'synchronize';
}

/** `pull_request` event; `closed` with `pull_request.merged: true` is a merge. */
export function pullRequestEvent(input: PullRequestEventInput): Json {
  return {
    action: input.action ?? 'closed',
    number: input.pullRequest.number,
    pull_request: input.pullRequest,
    repository: input.repository,
    sender: input.sender,
  };
}

export interface CheckRunEventInput {
  repository: Json;
  /** REST pull request (`restPull`) whose head the check ran on. */
  pullRequest: Json;
  /** REST check run (`restCheckRun`). */
  checkRun: Json;
  sender: Json;
  action?: 'created' | 'completed' | 'rerequested';
}

/** A pull request as check runs list it: number and the two ends, no more. */
function minimalPull(pr: Json): Json {
  const end = (side: Json) => ({ ref: side.ref, sha: side.sha, repo: { id: (side.repo as Json).id, url: (side.repo as Json).url } });
  return { url: pr.url, id: pr.id, number: pr.number, head: end(pr.head as Json), base: end(pr.base as Json) };
}

/** `check_run` event: the run with its check suite (head branch and sha) and the pull requests of its head. */
export function checkRunEvent(input: CheckRunEventInput): Json {
  const run = input.checkRun;
  const head = input.pullRequest.head as Json;
  return {
    action: input.action ?? 'completed',
    check_run: {
      ...run,
      check_suite: {
        ...(run.check_suite as Json),
        head_branch: head.ref,
        head_sha: head.sha,
        status: run.status,
        conclusion: run.conclusion,
      },
      pull_requests: [minimalPull(input.pullRequest)],
    },
    repository: input.repository,
    sender: input.sender,
  };
}

export interface StatusEventInput {
  repository: Json;
  /** REST commit status (`restStatus`). */
  status: Json;
  sha: string;
  /** The branches whose head is `sha` (GitHub lists at most ten). */
  branches: readonly string[];
  sender: Json;
}

/** `status` event: a commit status set on `sha`, with the branches that point at it. */
export function statusEvent(input: StatusEventInput): Json {
  const s = input.status;
  const commitUrl = `${String(input.repository.url ?? '')}/commits/${input.sha}`;
  return {
    id: s.id,
    sha: input.sha,
    name: input.repository.full_name,
    target_url: s.target_url,
    context: s.context,
    description: s.description,
    state: s.state,
    commit: { sha: input.sha, url: commitUrl },
    branches: input.branches.map((name) => ({ name, commit: { sha: input.sha, url: commitUrl }, protected: false })),
    created_at: s.created_at,
    updated_at: s.updated_at,
    repository: input.repository,
    sender: input.sender,
  };
}
