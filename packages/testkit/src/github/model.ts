// The fake GitHub's data model: users, repositories, pull requests, reviews and
// comments as the in-memory state keeps them (git data lives in the bare repositories).
import type { WorkflowRecord, WorkflowRunRecord } from './actions';
import type { CheckRecord } from './checks';

export type PrState = 'OPEN' | 'CLOSED' | 'MERGED';
export type Mergeable = 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
export type MergeStateStatus = 'BEHIND' | 'BLOCKED' | 'CLEAN' | 'DIRTY' | 'DRAFT' | 'HAS_HOOKS' | 'UNKNOWN' | 'UNSTABLE';
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
export type ReviewState = 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED';

export interface User {
  login: string;
  id: number;
  nodeId: string;
  type: 'User' | 'Organization';
}

export interface ReviewComment {
  id: number;
  nodeId: string;
  reviewId: number;
  user: string;
  body: string;
  path: string;
  line: number | null;
  startLine: number | null;
  side: 'LEFT' | 'RIGHT';
  diffHunk: string;
  commitId: string;
  createdAt: string;
  /** The thread's first comment when this one is a reply (GitHub's `in_reply_to_id`). */
  inReplyTo: number | null;
}

/**
 * A review thread: started by an inline comment that is not a reply; its replies join
 * it. Position fields are the first comment's (as commented, on its commit).
 */
export interface ReviewThread {
  id: number;
  nodeId: string;
  /** The first comment of the thread. */
  rootCommentId: number;
  isResolved: boolean;
  resolvedBy: string | null;
}

export interface Review {
  id: number;
  nodeId: string;
  user: string;
  body: string;
  state: ReviewState;
  commitId: string;
  submittedAt: string;
  comments: ReviewComment[];
}

export interface IssueComment {
  id: number;
  nodeId: string;
  user: string;
  body: string;
  createdAt: string;
}

export interface PullRequest {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  body: string;
  headRefName: string;
  baseRefName: string;
  state: PrState;
  isDraft: boolean;
  author: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitOid: string | null;
  /** Head and base commits frozen when the PR was merged or closed. */
  frozenHeadOid: string | null;
  frozenBaseOid: string | null;
  /** Commits of the PR frozen at merge (the base then contains them). */
  frozenCommits: string[] | null;
  mergeableOverride: Mergeable | null;
  mergeStateOverride: MergeStateStatus | null;
  reviews: Review[];
  comments: IssueComment[];
  /** Review threads in the order they were started. */
  threads: ReviewThread[];
}

export interface Repo {
  owner: string;
  name: string;
  id: number;
  nodeId: string;
  defaultBranch: string;
  /** The bare repository on disk. */
  path: string;
  createdAt: string;
  collaborators: Map<string, Permission>;
  pulls: PullRequest[];
  /** Check runs and statuses per commit sha. */
  checks: Map<string, CheckRecord[]>;
  /** Actions workflows by name, made on first use. */
  workflows: Map<string, WorkflowRecord>;
  /** Workflow runs, oldest first; their jobs are the check runs in `checks`. */
  runs: WorkflowRunRecord[];
}

export type NodeRef =
  | { kind: 'user'; login: string }
  | { kind: 'repo'; repo: Repo }
  | { kind: 'pull'; repo: Repo; pull: PullRequest }
  | { kind: 'review'; repo: Repo; pull: PullRequest; review: Review }
  | { kind: 'thread'; repo: Repo; pull: PullRequest; thread: ReviewThread }
  | { kind: 'check'; repo: Repo; check: CheckRecord };
