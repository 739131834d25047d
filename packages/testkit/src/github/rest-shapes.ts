// REST JSON presenters shaped like api.github.com's (the fields gh, agents and webhook
// consumers read). Webhook payloads reuse them.
import { combinedStatus, statusContextState } from './checks';
import type { CheckRecord } from './checks';
import { checkDetailsUrl } from './graphql/commit-node';
import type { PullReader } from './pulls';
import type { IssueComment, PullRequest, Repo, Review, ReviewComment } from './model';
import type { GitHubState } from './state';
import { API_URL, avatarUrl, gitRemoteUrl, pullWebUrl, repoApiUrl, repoWebUrl, userWebUrl } from './urls';

export type Json = Record<string, unknown>;

export function restUser(state: GitHubState, login: string): Json {
  const user = state.ensureUser(login);
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: avatarUrl(user.id),
    url: `${API_URL}/users/${user.login}`,
    html_url: userWebUrl(user.login),
    type: user.login.endsWith('[bot]') ? 'Bot' : user.type,
    site_admin: false,
  };
}

export function restRepo(state: GitHubState, repo: Repo, viewer?: string): Json {
  const permission = viewer === undefined ? 'read' : state.permission(repo, viewer);
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    visibility: 'public',
    owner: restUser(state, repo.owner),
    html_url: repoWebUrl(repo),
    url: repoApiUrl(repo),
    clone_url: gitRemoteUrl(repo.owner, repo.name),
    git_url: gitRemoteUrl(repo.owner, repo.name),
    ssh_url: `git@github.localhost:${repo.owner}/${repo.name}.git`,
    description: null,
    fork: false,
    archived: false,
    disabled: false,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: false,
    delete_branch_on_merge: false,
    permissions: {
      admin: permission === 'admin',
      maintain: permission === 'admin' || permission === 'maintain',
      push: ['admin', 'maintain', 'write'].includes(permission),
      triage: permission !== 'none' && permission !== 'read',
      pull: true,
    },
  };
}

function association(repo: Repo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  return repo.collaborators.has(login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
}

const MERGEABLE_STATE: Record<string, string> = {
  CLEAN: 'clean',
  DIRTY: 'dirty',
  UNSTABLE: 'unstable',
  BLOCKED: 'blocked',
  BEHIND: 'behind',
  DRAFT: 'draft',
  HAS_HOOKS: 'has_hooks',
  UNKNOWN: 'unknown',
};

export async function restPull(reader: PullReader, repo: Repo, pull: PullRequest): Promise<Json> {
  const state = reader.state;
  const [headSha, baseSha, mergeable, mergeState, stat, commits] = await Promise.all([
    reader.headOid(repo, pull),
    reader.baseOid(repo, pull),
    reader.mergeable(repo, pull),
    reader.mergeStateStatus(repo, pull),
    reader.diffStat(repo, pull),
    reader.commits(repo, pull),
  ]);
  const api = `${repoApiUrl(repo)}/pulls/${pull.number}`;
  const side = (ref: string, sha: string | null): Json => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: restUser(state, repo.owner),
    repo: restRepo(state, repo),
  });
  return {
    url: api,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: pullWebUrl(repo, pull),
    diff_url: `${pullWebUrl(repo, pull)}.diff`,
    patch_url: `${pullWebUrl(repo, pull)}.patch`,
    issue_url: `${repoApiUrl(repo)}/issues/${pull.number}`,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    comments_url: `${repoApiUrl(repo)}/issues/${pull.number}/comments`,
    number: pull.number,
    state: pull.state === 'OPEN' ? 'open' : 'closed',
    locked: false,
    title: pull.title,
    body: pull.body,
    user: restUser(state, pull.author),
    author_association: association(repo, pull.author),
    labels: [],
    assignees: [],
    requested_reviewers: [],
    draft: pull.isDraft,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merged: pull.state === 'MERGED',
    merged_by: pull.mergedBy === null ? null : restUser(state, pull.mergedBy),
    merge_commit_sha: pull.mergeCommitOid,
    mergeable: mergeable === 'UNKNOWN' ? null : mergeable === 'MERGEABLE',
    mergeable_state: MERGEABLE_STATE[mergeState] ?? 'unknown',
    rebaseable: false,
    head: side(pull.headRefName, headSha),
    base: side(pull.baseRefName, baseSha),
    comments: pull.comments.length,
    review_comments: pull.reviews.reduce((n, r) => n + r.comments.length, 0),
    commits: commits.length,
    additions: stat.additions,
    deletions: stat.deletions,
    changed_files: stat.files,
    maintainer_can_modify: false,
  };
}

export function restReview(state: GitHubState, repo: Repo, pull: PullRequest, review: Review): Json {
  return {
    id: review.id,
    node_id: review.nodeId,
    user: restUser(state, review.user),
    body: review.body,
    state: review.state,
    html_url: `${pullWebUrl(repo, pull)}#pullrequestreview-${review.id}`,
    pull_request_url: `${repoApiUrl(repo)}/pulls/${pull.number}`,
    author_association: association(repo, review.user),
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
  };
}

/**
 * A review comment; `at` is where its thread sits on the PR's current head (default:
 * where it was made). An outdated comment has null `line`/`position`, as on GitHub.
 */
export function restReviewComment(
  state: GitHubState,
  repo: Repo,
  pull: PullRequest,
  c: ReviewComment,
  at: { line: number | null; startLine: number | null } = { line: c.line, startLine: c.startLine },
): Json {
  return {
    url: `${repoApiUrl(repo)}/pulls/comments/${c.id}`,
    id: c.id,
    node_id: c.nodeId,
    pull_request_review_id: c.reviewId,
    diff_hunk: c.diffHunk,
    path: c.path,
    position: at.line,
    original_position: c.line,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    ...(c.inReplyTo === null ? {} : { in_reply_to_id: c.inReplyTo }),
    user: restUser(state, c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.createdAt,
    html_url: `${pullWebUrl(repo, pull)}#discussion_r${c.id}`,
    pull_request_url: `${repoApiUrl(repo)}/pulls/${pull.number}`,
    author_association: association(repo, c.user),
    _links: {
      self: { href: `${repoApiUrl(repo)}/pulls/comments/${c.id}` },
      html: { href: `${pullWebUrl(repo, pull)}#discussion_r${c.id}` },
      pull_request: { href: `${repoApiUrl(repo)}/pulls/${pull.number}` },
    },
    reactions: {
      url: `${repoApiUrl(repo)}/pulls/comments/${c.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    start_line: at.startLine,
    original_start_line: c.startLine,
    start_side: c.startLine === null ? null : c.side,
    line: at.line,
    original_line: c.line,
    side: c.side,
    subject_type: c.line === null ? 'file' : 'line',
  };
}

export function restIssueComment(state: GitHubState, repo: Repo, pull: PullRequest, c: IssueComment): Json {
  return {
    url: `${repoApiUrl(repo)}/issues/comments/${c.id}`,
    html_url: `${pullWebUrl(repo, pull)}#issuecomment-${c.id}`,
    issue_url: `${repoApiUrl(repo)}/issues/${pull.number}`,
    id: c.id,
    node_id: c.nodeId,
    user: restUser(state, c.user),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    author_association: association(repo, c.user),
    body: c.body,
  };
}

export function restCheckRun(repo: Repo, check: CheckRecord): Json {
  return {
    id: check.id,
    node_id: check.nodeId,
    head_sha: check.headSha,
    name: check.name,
    status: check.status,
    conclusion: check.conclusion ?? null,
    started_at: check.startedAt,
    completed_at: check.completedAt,
    details_url: checkDetailsUrl(repo, check),
    html_url: `${repoWebUrl(repo)}/runs/${check.id}`,
    url: `${repoApiUrl(repo)}/check-runs/${check.id}`,
    output: { title: check.summary ?? null, summary: check.summary ?? null, text: check.logs ?? null, annotations_count: 0 },
    app: { slug: 'github-actions', name: 'GitHub Actions' },
    check_suite: { id: check.runId ?? check.id },
  };
}

export function restStatus(repo: Repo, check: CheckRecord): Json {
  return {
    id: check.id,
    node_id: check.nodeId,
    state: statusContextState(check).toLowerCase(),
    context: check.name,
    description: check.summary ?? null,
    target_url: checkDetailsUrl(repo, check),
    created_at: check.startedAt,
    updated_at: check.completedAt ?? check.startedAt,
  };
}

export function restCombinedStatus(repo: Repo, sha: string, checks: CheckRecord[]): Json {
  const statuses = checks.filter((c) => c.kind === 'status');
  return {
    state: combinedStatus(checks),
    sha,
    total_count: statuses.length,
    statuses: statuses.map((c) => restStatus(repo, c)),
    repository: { full_name: `${repo.owner}/${repo.name}` },
  };
}
