// The fake GitHub's in-memory world: users and tokens, repositories, pull requests,
// reviews, comments, check runs. Git data itself lives in the bare repositories.
import { workflowPath } from './actions';
import type { WorkflowRecord, WorkflowRunRecord } from './actions';
import type { CheckRecord, CheckSpec } from './checks';
import type { CommitInfo } from './git';
import type { IssueComment, NodeRef, Permission, PullRequest, Repo, Review, ReviewComment, ReviewThread, User } from './model';

/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds. */
export function githubTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nodeIdFor(prefix: string, id: number): string {
  return `${prefix}_kw${Buffer.from(`fake:${id}`).toString('base64url')}`;
}

/** What a workflow run records about how it was triggered. */
export interface RunContext {
  headBranch?: string | null;
  /** The head commit as git has it (its message is the run's title). */
  commit?: CommitInfo | null;
  event?: string;
  actor?: string;
  /** Whether a re-run completes at once (true) or waits for the test to complete it. */
  completesAtOnce?: boolean;
}

export class GitHubState {
  readonly users = new Map<string, User>();
  readonly tokens = new Map<string, string>();
  readonly repos = new Map<string, Repo>();
  readonly nodes = new Map<string, NodeRef>();
  private lastId = 1000;

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  private register(prefix: string, ref: NodeRef): { id: number; nodeId: string } {
    const id = this.nextId();
    const nodeId = nodeIdFor(prefix, id);
    this.nodes.set(nodeId, ref);
    return { id, nodeId };
  }

  addUser(login: string, token?: string, type: User['type'] = 'User'): User {
    let user = this.users.get(login.toLowerCase());
    if (!user) {
      const { id, nodeId } = this.register(type === 'User' ? 'U' : 'O', { kind: 'user', login });
      user = { login, id, nodeId, type };
      this.users.set(login.toLowerCase(), user);
    }
    if (token !== undefined) this.tokens.set(token, user.login);
    return user;
  }

  user(login: string): User | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** Known user, or one created on the fly (authors of comments, owners of repos). */
  ensureUser(login: string, type: User['type'] = 'User'): User {
    return this.user(login) ?? this.addUser(login, undefined, type);
  }

  loginForToken(token: string): string | undefined {
    return this.tokens.get(token);
  }

  addRepo(owner: string, name: string, defaultBranch: string, path: string): Repo {
    const key = `${owner}/${name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`repository ${owner}/${name} already exists`);
    this.ensureUser(owner, 'Organization');
    const repo: Repo = {
      owner,
      name,
      id: 0,
      nodeId: '',
      defaultBranch,
      path,
      createdAt: githubTime(),
      collaborators: new Map([[owner.toLowerCase(), 'admin']]),
      pulls: [],
      checks: new Map(),
      workflows: new Map(),
      runs: [],
    };
    Object.assign(repo, this.register('R', { kind: 'repo', repo }));
    this.repos.set(key, repo);
    return repo;
  }

  findRepo(owner: string, name: string): Repo | undefined {
    return this.repos.get(`${owner}/${name.replace(/\.git$/, '')}`.toLowerCase());
  }

  repo(owner: string, name: string): Repo {
    const repo = this.findRepo(owner, name);
    if (!repo) throw new Error(`no repository ${owner}/${name} in the fake GitHub`);
    return repo;
  }

  addCollaborator(repo: Repo, login: string, permission: Permission): void {
    this.ensureUser(login);
    repo.collaborators.set(login.toLowerCase(), permission);
  }

  permission(repo: Repo, login: string): Permission | 'none' {
    return repo.collaborators.get(login.toLowerCase()) ?? 'none';
  }

  addPull(repo: Repo, fields: Pick<PullRequest, 'title' | 'body' | 'headRefName' | 'baseRefName' | 'isDraft' | 'author'>): PullRequest {
    const now = githubTime();
    const pull: PullRequest = {
      ...fields,
      number: repo.pulls.length + 1,
      id: 0,
      nodeId: '',
      state: 'OPEN',
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergedBy: null,
      mergeCommitOid: null,
      frozenHeadOid: null,
      frozenBaseOid: null,
      frozenCommits: null,
      mergeableOverride: null,
      mergeStateOverride: null,
      reviews: [],
      comments: [],
      threads: [],
    };
    Object.assign(pull, this.register('PR', { kind: 'pull', repo, pull }));
    this.ensureUser(fields.author);
    repo.pulls.push(pull);
    return pull;
  }

  findPull(repo: Repo, number: number): PullRequest | undefined {
    return repo.pulls.find((p) => p.number === number);
  }

  pull(repo: Repo, number: number): PullRequest {
    const pull = this.findPull(repo, number);
    if (!pull) throw new Error(`no pull request #${number} in ${repo.owner}/${repo.name}`);
    return pull;
  }

  addIssueComment(pull: PullRequest, user: string, body: string): IssueComment {
    this.ensureUser(user);
    const id = this.nextId();
    const comment: IssueComment = { id, nodeId: nodeIdFor('IC', id), user, body, createdAt: githubTime() };
    pull.comments.push(comment);
    return comment;
  }

  /**
   * Records a review and its inline comments: a comment that is not a reply starts a
   * thread; a reply (to any comment of a thread) joins that thread, replying to its first.
   */
  addReview(
    repo: Repo,
    pull: PullRequest,
    review: Omit<Review, 'id' | 'nodeId' | 'comments' | 'submittedAt'>,
    comments: Omit<ReviewComment, 'id' | 'nodeId' | 'reviewId' | 'createdAt' | 'commitId' | 'user'>[],
  ): Review {
    this.ensureUser(review.user);
    const record: Review = { ...review, id: 0, nodeId: '', submittedAt: githubTime(), comments: [] };
    Object.assign(record, this.register('PRR', { kind: 'review', repo, pull, review: record }));
    for (const c of comments) {
      const root = c.inReplyTo === null ? null : this.threadOfComment(pull, c.inReplyTo);
      if (c.inReplyTo !== null && !root) throw new Error(`no review comment ${c.inReplyTo} on pull request #${pull.number}`);
      const id = this.nextId();
      record.comments.push({
        ...c,
        id,
        nodeId: nodeIdFor('PRRC', id),
        reviewId: record.id,
        user: review.user,
        commitId: review.commitId,
        createdAt: record.submittedAt,
        inReplyTo: root ? root.rootCommentId : null,
      });
      if (!root) {
        const thread: ReviewThread = { id: 0, nodeId: '', rootCommentId: id, isResolved: false, resolvedBy: null };
        Object.assign(thread, this.register('PRRT', { kind: 'thread', repo, pull, thread }));
        pull.threads.push(thread);
      }
    }
    pull.reviews.push(record);
    return record;
  }

  /** Every review comment of a pull request, replies included, oldest first. */
  reviewComments(pull: PullRequest): ReviewComment[] {
    return pull.reviews.flatMap((r) => r.comments).sort((a, b) => a.id - b.id);
  }

  /** A review comment of any pull request of `repo`. */
  findReviewComment(repo: Repo, id: number): { pull: PullRequest; comment: ReviewComment } | undefined {
    for (const pull of repo.pulls) {
      for (const review of pull.reviews) {
        const comment = review.comments.find((c) => c.id === id);
        if (comment) return { pull, comment };
      }
    }
    return undefined;
  }

  /** The thread a comment (first comment or reply) belongs to. */
  threadOfComment(pull: PullRequest, commentId: number): ReviewThread | undefined {
    const comment = pull.reviews.flatMap((r) => r.comments).find((c) => c.id === commentId);
    if (!comment) return undefined;
    const rootId = comment.inReplyTo ?? comment.id;
    return pull.threads.find((t) => t.rootCommentId === rootId);
  }

  /** A thread's comments, the first one first. */
  threadComments(pull: PullRequest, thread: ReviewThread): ReviewComment[] {
    return this.reviewComments(pull).filter((c) => c.id === thread.rootCommentId || c.inReplyTo === thread.rootCommentId);
  }

  /** Resolves a thread as `login`, or unresolves it (null). */
  setThreadResolved(thread: ReviewThread, login: string | null): void {
    if (login !== null) this.ensureUser(login);
    thread.isResolved = login !== null;
    thread.resolvedBy = login;
  }

  /**
   * Replaces the checks of commit `sha`. Check runs are grouped by workflow into new
   * workflow runs (the commit's earlier runs go with the checks they were made of).
   */
  setChecks(repo: Repo, sha: string, specs: CheckSpec[], context: RunContext = {}): CheckRecord[] {
    const now = githubTime();
    const records = specs.map((spec) => {
      const record: CheckRecord = {
        ...spec,
        id: 0,
        nodeId: '',
        headSha: sha,
        startedAt: now,
        completedAt: spec.status === 'completed' ? now : null,
        runId: null,
      };
      Object.assign(record, this.register(spec.kind === 'status' ? 'SC' : 'CR', { kind: 'check', repo, check: record }));
      return record;
    });
    repo.checks.set(sha, records);
    repo.runs = repo.runs.filter((r) => r.headSha !== sha);
    const byWorkflow = new Map<string, CheckRecord[]>();
    for (const record of records) {
      if (record.kind === 'status') continue;
      const name = record.workflow ?? 'CI';
      byWorkflow.set(name, [...(byWorkflow.get(name) ?? []), record]);
    }
    for (const [name, jobs] of byWorkflow) {
      const workflow = this.workflow(repo, name);
      const id = this.nextId();
      const nodeId = nodeIdFor('WFR', id);
      workflow.runCount += 1;
      const run: WorkflowRunRecord = {
        id,
        nodeId,
        workflowId: workflow.id,
        workflowName: name,
        runNumber: workflow.runCount,
        runAttempt: 1,
        headSha: sha,
        headBranch: context.headBranch ?? null,
        headCommit: context.commit ?? null,
        event: context.event ?? 'push',
        actor: context.actor ?? repo.owner,
        createdAt: now,
        updatedAt: now,
        runStartedAt: now,
        completesAtOnce: context.completesAtOnce ?? true,
        jobs,
      };
      for (const job of jobs) job.runId = run.id;
      repo.runs.push(run);
    }
    return records;
  }

  /** The workflow called `name`, made on first use. */
  workflow(repo: Repo, name: string): WorkflowRecord {
    let workflow = repo.workflows.get(name);
    if (!workflow) {
      const id = this.nextId();
      workflow = { id, nodeId: nodeIdFor('W', id), name, path: workflowPath(name), createdAt: githubTime(), runCount: 0 };
      repo.workflows.set(name, workflow);
    }
    return workflow;
  }

  findRun(repo: Repo, id: number): WorkflowRunRecord | undefined {
    return repo.runs.find((r) => r.id === id);
  }

  /**
   * Re-runs a completed run (all jobs, or only the failed ones) as its next attempt:
   * the jobs queue again and keep their outcome as the scripted one.
   */
  rerun(repo: Repo, run: WorkflowRunRecord, failedOnly: boolean): void {
    const now = githubTime();
    for (const job of run.jobs) {
      if (failedOnly && (job.conclusion === 'success' || job.conclusion === 'skipped' || job.conclusion === 'neutral')) continue;
      job.scriptedConclusion ??= job.conclusion;
      job.status = 'queued';
      delete job.conclusion;
      job.completedAt = null;
    }
    run.runAttempt += 1;
    run.updatedAt = now;
    run.runStartedAt = now;
    if (run.completesAtOnce) this.advanceJobs(repo, run.headSha, 'completed');
  }

  /** Moves pending jobs on: to `in_progress`, or to `completed` with their scripted conclusion. */
  advanceJobs(repo: Repo, sha: string, to: 'in_progress' | 'completed'): CheckRecord[] {
    const now = githubTime();
    const moved = (repo.checks.get(sha) ?? []).filter((c) => c.status !== 'completed' && c.status !== to);
    for (const check of moved) {
      if (to === 'completed') {
        check.conclusion = check.scriptedConclusion ?? 'success';
        check.completedAt = now;
      }
      if (check.status === 'queued') check.startedAt = now;
      check.status = to;
    }
    for (const run of repo.runs) if (run.headSha === sha && moved.some((c) => c.runId === run.id)) run.updatedAt = now;
    return moved;
  }

  findCheck(repo: Repo, id: number): CheckRecord | undefined {
    for (const list of repo.checks.values()) {
      const found = list.find((c) => c.id === id);
      if (found) return found;
    }
    return undefined;
  }
}
