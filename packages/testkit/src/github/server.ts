// A faithful local GitHub on 127.0.0.1 for the real `gh` and `git`: reached as an http
// proxy for `github.localhost`, it serves git smart HTTP, REST and GraphQL, and gives
// tests controls over PRs, CI checks, mergeability, collaborators and webhooks.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConclusion, runStatus } from './actions';
import { validateCheckSpec } from './checks';
import { jobsOfOutcome } from './ci';
import type { CiOutcome } from './ci';
import type { CheckConclusion, CheckRecord, CheckSpec, CheckStatus } from './checks';
import { runCommandJob } from './ci-command';
import type { CiCommandJob } from './ci-command';
import { BareRepo } from './git';
import { sendJson } from './http';
import { PayloadFactory } from './payload-factory';
import type { RecordedReview, ReviewInput } from './payload-factory';
import { createPull, PullReader } from './pulls';
import { GitHubLog } from './request-log';
import type { GitHubGap, GitHubRequest, PushEvent } from './request-log';
import { routeRequest } from './router';
import { GitHubState } from './state';
import type { RunContext } from './state';
import type { Mergeable, MergeStateStatus, Permission, PrState, PullRequest, Repo, ReviewThread } from './model';
import { addReply, threadInfo } from './threads';
import type { ReviewThreadInfo } from './threads';
import { gitRemoteUrl, pullWebUrl } from './urls';
import { deliverWebhook } from './webhooks';
import type { WebhookDelivery, WebhookDeliveryOptions, WebhookEvent } from './webhooks';

export interface FakeGitHubOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default `bottega-bot`; gets write access to every repository created. */
  defaultUser?: string;
  /** Default `gh-test-token`. */
  defaultToken?: string;
}

export interface CreateRepoOptions {
  defaultBranch?: string;
  /** A local repository whose HEAD is pushed as the default branch. */
  fromDir?: string;
}

export interface RepoHandle {
  owner: string;
  name: string;
  defaultBranch: string;
  /** The bare repository on disk. */
  path: string;
  /** `http://github.localhost/OWNER/REPO.git` (reach it with `ghEnv`'s http_proxy). */
  cloneUrl: string;
}

export interface PullRequestInfo {
  owner: string;
  repo: string;
  number: number;
  nodeId: string;
  title: string;
  body: string;
  head: string;
  base: string;
  state: PrState;
  isDraft: boolean;
  author: string;
  url: string;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitOid: string | null;
}

/** Scripted GitHub Actions: one workflow run per outcome, read by checks and `gh run` alike. */
export interface FakeCi {
  /** Runs CI now on a commit: a PR number (its head), a branch or a sha; replaces its checks. */
  run(owner: string, repo: string, target: string | number, outcome: CiOutcome): Promise<CheckRecord[]>;
  /** Scripts the run of the next push to `branch` (in place before `git push` returns). */
  onNextPush(owner: string, repo: string, branch: string, outcome: CiOutcome): void;
  /** Queued jobs of the commit start (`in_progress`). */
  start(owner: string, repo: string, target: string | number): Promise<CheckRecord[]>;
  /** Pending jobs of the commit complete with their scripted conclusion (default `success`). */
  complete(owner: string, repo: string, target: string | number): Promise<CheckRecord[]>;
  /**
   * From now on, every push to `branch` (a name, or a pattern over names) checks the
   * pushed commit out into a temporary folder and runs each job's command there; the
   * run (passing, or failing with the output as the step's log) is recorded before
   * `git push` returns. A push scripted with `onNextPush` runs that outcome instead.
   * Returns a function that stops it.
   */
  runOnEveryPush(owner: string, repo: string, branch: string | RegExp, jobs: CiCommandJob | CiCommandJob[]): () => void;
  /** The workflow runs of commits pushed to `branch`, oldest first (one per CI round and workflow). */
  runs(owner: string, repo: string, branch: string): CiRunInfo[];
}

/** One workflow run as `ci.runs` lists it. */
export interface CiRunInfo {
  runId: number;
  sha: string;
  workflow: string;
  /** Per workflow, from 1. */
  runNumber: number;
  status: CheckStatus;
  /** Null while the run is pending. */
  conclusion: CheckConclusion | null;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT`: the value for `http_proxy` (see `ghEnv`). */
  url: string;
  defaultUser: string;
  defaultToken: string;
  /** Every request received, in arrival order. */
  requests: GitHubRequest[];
  /** Unknown GraphQL operations, unmodelled fields, invalid queries, unrouted REST paths. */
  gaps: GitHubGap[];
  /** Branch updates received by `git push`. */
  pushes: PushEvent[];
  /**
   * Calls `listener` for each branch a `git push` updated, before git's response ends:
   * checks set from an async listener are in place when `git push` returns.
   */
  onPush(listener: (event: PushEvent) => void | Promise<void>): () => void;
  waitForRequest(predicate: (r: GitHubRequest) => boolean, timeoutMs?: number): Promise<GitHubRequest>;
  createRepo(owner: string, name: string, options?: CreateRepoOptions): Promise<RepoHandle>;
  repoPath(owner: string, name: string): string;
  addUser(login: string, token: string): void;
  addCollaborator(owner: string, repo: string, login: string, permission: Permission): void;
  /** Opens a PR directly (test setup without gh); `author` defaults to the default user. */
  createPullRequest(
    owner: string,
    repo: string,
    input: { head: string; base?: string; title: string; body?: string; author?: string; draft?: boolean },
  ): Promise<PullRequestInfo>;
  prs(owner: string, repo: string): PullRequestInfo[];
  pr(owner: string, repo: string, number: number): PullRequestInfo;
  /** Replaces the checks of a commit: a PR number (its current head), a branch, or a sha. */
  setChecks(owner: string, repo: string, target: string | number, checks: CheckSpec[]): Promise<CheckRecord[]>;
  /** Scripted Actions runs (their jobs are check runs, so `setChecks` and `ci` share one state). */
  ci: FakeCi;
  /** Overrides the computed mergeability (null restores `git merge-tree`'s answer). */
  setMergeable(owner: string, repo: string, number: number, mergeable: Mergeable | null, mergeStateStatus?: MergeStateStatus | null): void;
  addReview(owner: string, repo: string, number: number, review: ReviewInput): Promise<RecordedReview>;
  /** Replies to a review comment (or to its thread) as `user`; returns the reply's id. */
  replyToReviewComment(
    owner: string,
    repo: string,
    number: number,
    commentId: number,
    reply: { user: string; body: string },
  ): Promise<number>;
  /** The review threads of PR `number`, in the order they were started. */
  reviewThreads(owner: string, repo: string, number: number): ReviewThreadInfo[];
  /** Resolves a thread (by its node id) as `user` (default: the default user), whatever their permission. */
  resolveReviewThread(threadId: string, user?: string): void;
  unresolveReviewThread(threadId: string): void;
  /** Payload builders over live state; each records the comment/review it describes. */
  payloads: PayloadFactory;
  deliverWebhook(
    url: string,
    event: WebhookEvent,
    payload: object,
    secret: string,
    options?: WebhookDeliveryOptions,
  ): Promise<WebhookDelivery>;
  /** Stops the server and removes the temp dir; idempotent. */
  close(): Promise<void>;
}

function info(repo: Repo, pull: PullRequest): PullRequestInfo {
  return {
    owner: repo.owner,
    repo: repo.name,
    number: pull.number,
    nodeId: pull.nodeId,
    title: pull.title,
    body: pull.body,
    head: pull.headRefName,
    base: pull.baseRefName,
    state: pull.state,
    isDraft: pull.isDraft,
    author: pull.author,
    url: pullWebUrl(repo, pull),
    mergedAt: pull.mergedAt,
    mergedBy: pull.mergedBy,
    mergeCommitOid: pull.mergeCommitOid,
  };
}

function matchesBranch(pattern: string | RegExp, branch: string): boolean {
  if (typeof pattern === 'string') return pattern === branch;
  pattern.lastIndex = 0;
  return pattern.test(branch);
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const defaultUser = options.defaultUser ?? 'bottega-bot';
  const defaultToken = options.defaultToken ?? 'gh-test-token';
  const root = await mkdtemp(join(tmpdir(), 'fake-github-'));
  const projectRoot = join(root, 'repos');
  const state = new GitHubState();
  state.addUser(defaultUser, defaultToken);
  const log = new GitHubLog();
  const reader = (): PullReader => new PullReader(state);
  const deps = { state, log, projectRoot, defaultUser, reader };
  const payloads = new PayloadFactory(state);

  const server = createServer((req, res) => {
    routeRequest(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  /** The commit a test names (PR number, branch or sha) and what its workflow runs record. */
  const commitOf = async (repo: Repo, target: string | number, what: string): Promise<{ sha: string; context: RunContext }> => {
    const r = reader();
    const pull = typeof target === 'number' ? state.pull(repo, target) : undefined;
    const sha = pull ? await r.headOid(repo, pull) : await r.git(repo).resolve(String(target));
    if (sha === null) throw new Error(`${what}: ${String(target)} does not name a commit in ${repo.owner}/${repo.name}`);
    const branches = await r.branches(repo);
    const headBranch =
      pull?.headRefName ??
      (typeof target === 'string' && branches.has(target) ? target : [...branches].find(([, oid]) => oid === sha)?.[0]) ??
      null;
    return { sha, context: { headBranch, commit: await r.commit(repo, sha) } };
  };

  const runCi = async (repo: Repo, sha: string, context: RunContext, outcomes: CiOutcome | CiOutcome[]): Promise<CheckRecord[]> => {
    const list = Array.isArray(outcomes) ? outcomes : [outcomes];
    const jobs = list.flatMap(jobsOfOutcome);
    jobs.forEach((j) => validateCheckSpec(j.spec));
    const records = state.setChecks(
      repo,
      sha,
      jobs.map((j) => j.spec),
      { ...context, completesAtOnce: list.every((o) => (o.state ?? 'completed') === 'completed') },
    );
    records.forEach((record, i) => (record.scriptedConclusion = jobs[i]?.conclusion));
    return records;
  };

  const nextPush = new Map<string, CiOutcome>();
  const pushKey = (owner: string, repo: string, branch: string): string => `${owner}/${repo}/${branch}`.toLowerCase();
  interface CommandCi {
    repoKey: string;
    branch: string | RegExp;
    job: CiCommandJob;
  }
  const commandCi = new Set<CommandCi>();
  const ciRoot = join(root, 'ci');
  /** Aborted on close: commands still running are killed. */
  const stopCommands = new AbortController();
  await mkdir(ciRoot);
  log.onPush(async (event) => {
    const branch = event.ref.replace(/^refs\/heads\//, '');
    const sha = event.after;
    if (sha === null) return;
    const key = pushKey(event.owner, event.repo, branch);
    const outcome = nextPush.get(key);
    const repoKey = pushKey(event.owner, event.repo, '');
    const matching = outcome ? [] : [...commandCi].filter((c) => c.repoKey === repoKey && matchesBranch(c.branch, branch));
    if (!outcome && matching.length === 0) return;
    nextPush.delete(key);
    const repo = state.repo(event.owner, event.repo);
    const context: RunContext = { headBranch: branch, commit: await reader().commit(repo, sha) };
    if (outcome) {
      await runCi(repo, sha, context, outcome);
      return;
    }
    const ran = await Promise.all(
      matching.map(async (c) => ({
        workflow: c.job.workflow ?? 'CI',
        job: await runCommandJob(repo.path, ciRoot, c.job, { owner: repo.owner, repo: repo.name, branch, sha }, stopCommands.signal),
      })),
    );
    const workflows = [...new Set(ran.map((r) => r.workflow))];
    await runCi(
      repo,
      sha,
      context,
      workflows.map((workflow) => ({ workflow, jobs: ran.filter((r) => r.workflow === workflow).map((r) => r.job) })),
    );
  });

  const ci: FakeCi = {
    async run(owner, repoName, target, outcome) {
      const repo = state.repo(owner, repoName);
      const { sha, context } = await commitOf(repo, target, 'ci.run');
      return runCi(repo, sha, context, outcome);
    },
    onNextPush(owner, repoName, branch, outcome) {
      state.repo(owner, repoName);
      nextPush.set(pushKey(owner, repoName, branch), outcome);
    },
    async start(owner, repoName, target) {
      const repo = state.repo(owner, repoName);
      return state.advanceJobs(repo, (await commitOf(repo, target, 'ci.start')).sha, 'in_progress');
    },
    async complete(owner, repoName, target) {
      const repo = state.repo(owner, repoName);
      return state.advanceJobs(repo, (await commitOf(repo, target, 'ci.complete')).sha, 'completed');
    },
    runOnEveryPush(owner, repoName, branch, jobs) {
      const repo = state.repo(owner, repoName);
      const added = (Array.isArray(jobs) ? jobs : [jobs]).map((job): CommandCi => {
        if (job.command.length === 0) throw new Error(`ci.runOnEveryPush: job ${job.name} has no command`);
        return { repoKey: pushKey(repo.owner, repo.name, ''), branch, job };
      });
      added.forEach((c) => commandCi.add(c));
      return () => added.forEach((c) => commandCi.delete(c));
    },
    runs(owner, repoName, branch) {
      const repo = state.repo(owner, repoName);
      return repo.runs
        .filter((r) => r.headBranch === branch)
        .map((r) => ({
          runId: r.id,
          sha: r.headSha,
          workflow: r.workflowName,
          runNumber: r.runNumber,
          status: runStatus(r),
          conclusion: runConclusion(r),
        }));
    },
  };

  const threadOf = (threadId: string): ReviewThread => {
    const ref = state.nodes.get(threadId);
    if (ref?.kind !== 'thread') throw new Error(`no review thread ${threadId} in the fake GitHub`);
    return ref.thread;
  };

  const repoPath = (owner: string, name: string): string => join(projectRoot, owner, `${name}.git`);

  return {
    url: `http://${address}:${port}`,
    defaultUser,
    defaultToken,
    requests: log.requests,
    gaps: log.gaps,
    pushes: log.pushes,
    onPush: (listener) => log.onPush(listener),
    waitForRequest: (predicate, timeoutMs) => log.waitFor(predicate, timeoutMs ?? 10_000),
    async createRepo(owner, name, opts = {}) {
      const defaultBranch = opts.defaultBranch ?? 'main';
      const path = repoPath(owner, name);
      const repo = state.addRepo(owner, name, defaultBranch, path);
      if (owner.toLowerCase() !== defaultUser.toLowerCase()) state.addCollaborator(repo, defaultUser, 'write');
      const bare = new BareRepo(path);
      await bare.init(defaultBranch);
      if (opts.fromDir !== undefined) await bare.seed(opts.fromDir, defaultBranch);
      return { owner, name, defaultBranch, path, cloneUrl: gitRemoteUrl(owner, name) };
    },
    repoPath(owner, name) {
      return state.repo(owner, name).path;
    },
    addUser(login, token) {
      state.addUser(login, token);
    },
    addCollaborator(owner, repo, login, permission) {
      state.addCollaborator(state.repo(owner, repo), login, permission);
    },
    async createPullRequest(owner, repoName, input) {
      const repo = state.repo(owner, repoName);
      const pull = await createPull(reader(), repo, {
        title: input.title,
        body: input.body ?? '',
        head: input.head,
        base: input.base ?? repo.defaultBranch,
        draft: input.draft === true,
        author: input.author ?? defaultUser,
      });
      return info(repo, pull);
    },
    prs(owner, repoName) {
      const repo = state.repo(owner, repoName);
      return repo.pulls.map((p) => info(repo, p));
    },
    pr(owner, repoName, number) {
      const repo = state.repo(owner, repoName);
      return info(repo, state.pull(repo, number));
    },
    async setChecks(owner, repoName, target, checks) {
      checks.forEach(validateCheckSpec);
      const repo = state.repo(owner, repoName);
      const { sha, context } = await commitOf(repo, target, 'setChecks');
      return state.setChecks(repo, sha, checks, context);
    },
    ci,
    setMergeable(owner, repoName, number, mergeable, mergeStateStatus) {
      const pull = state.pull(state.repo(owner, repoName), number);
      pull.mergeableOverride = mergeable;
      if (mergeStateStatus !== undefined) pull.mergeStateOverride = mergeStateStatus;
    },
    addReview: (owner, repo, number, review) => payloads.addReview(owner, repo, number, review),
    async replyToReviewComment(owner, repoName, number, commentId, reply) {
      const repo = state.repo(owner, repoName);
      const pull = state.pull(repo, number);
      if (!state.threadOfComment(pull, commentId)) throw new Error(`no review comment ${commentId} on ${owner}/${repoName}#${number}`);
      return (await addReply(reader(), repo, pull, commentId, reply.user, reply.body)).id;
    },
    reviewThreads(owner, repoName, number) {
      const pull = state.pull(state.repo(owner, repoName), number);
      return pull.threads.map((t) => threadInfo(state, pull, t));
    },
    resolveReviewThread(threadId, user = defaultUser) {
      state.setThreadResolved(threadOf(threadId), user);
    },
    unresolveReviewThread(threadId) {
      state.setThreadResolved(threadOf(threadId), null);
    },
    payloads,
    deliverWebhook: (url, event, payload, secret, opts) => deliverWebhook(url, event, payload, secret, opts),
    close() {
      closing ??= (async () => {
        log.cancelWaiters();
        stopCommands.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await rm(root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
