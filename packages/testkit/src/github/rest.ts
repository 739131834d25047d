// The fake's REST API: a route table of GitHub paths (as gh and agents call them)
// answered from the in-memory state and the bare repositories.
import { closePull, GitHubError, mergePull, reopenPull } from './pulls';
import { actionsRoutes } from './rest-actions';
import { reviewCommentRoutes } from './rest-review-comments';
import type { PullReader } from './pulls';
import {
  restCheckRun,
  restCombinedStatus,
  restIssueComment,
  restPull,
  restRepo,
  restReview,
  restReviewComment,
  restStatus,
  restUser,
} from './rest-shapes';
import { githubTime } from './state';
import type { PullRequest, Repo } from './model';
import { API_URL } from './urls';

export interface RestCall {
  method: string;
  /** API path without `/api/v3` (`/repos/o/r/pulls/1`). */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The authenticated user, or null for an anonymous call. */
  login: string | null;
  /** The Accept header (`application/vnd.github.v3.diff` asks for a diff). */
  accept: string;
  reader: PullReader;
}

export interface RestAnswer {
  status: number;
  json?: unknown;
  text?: string;
  /** A binary body (the run-log archive). */
  binary?: { data: Buffer; contentType: string };
  /** Extra response headers (the `Link` header of a paged list). */
  headers?: Record<string, string>;
}

type Handler = (call: RestCall, params: string[]) => Promise<RestAnswer> | RestAnswer;

const ok = (json: unknown, status = 200): RestAnswer => ({ status, json });
/** GitHub's error body. */
export function restError(status: number, message: string): RestAnswer {
  return { status, json: { message, documentation_url: 'https://docs.github.com/rest' } };
}

function repoOf(call: RestCall, owner: string, name: string): Repo {
  const repo = call.reader.state.findRepo(decodeURIComponent(owner), decodeURIComponent(name));
  if (!repo) throw new GitHubError(404, 'Not Found');
  return repo;
}

function pullOf(call: RestCall, repo: Repo, number: string): PullRequest {
  const pull = call.reader.state.findPull(repo, Number(number));
  if (!pull) throw new GitHubError(404, 'Not Found');
  return pull;
}

function authed(call: RestCall): string {
  if (call.login === null) throw new GitHubError(401, 'Requires authentication', 'UNAUTHENTICATED');
  return call.login;
}

function bodyOf(call: RestCall): Record<string, unknown> {
  return typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, unknown>) : {};
}

async function commitSha(call: RestCall, repo: Repo, ref: string): Promise<string> {
  const sha = await call.reader.git(repo).resolve(decodeURIComponent(ref));
  if (sha === null) throw new GitHubError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

const routes: [string, RegExp, Handler][] = [
  ['GET', /^\/?$/, () => ok({ current_user_url: `${API_URL}/user`, repository_url: `${API_URL}/repos/{owner}/{repo}` })],
  ['GET', /^\/user$/, (call) => ok(restUser(call.reader.state, authed(call)))],
  [
    'GET',
    /^\/users\/([^/]+)$/,
    (call, [login = '']) => {
      if (!call.reader.state.user(login)) throw new GitHubError(404, 'Not Found');
      return ok(restUser(call.reader.state, login));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)$/,
    (call, [o = '', r = '']) => ok(restRepo(call.reader.state, repoOf(call, o, r), call.login ?? undefined)),
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
    async (call, [o = '', r = '']) => {
      const repo = repoOf(call, o, r);
      const state = call.query.get('state') ?? 'open';
      const head = call.query.get('head');
      const base = call.query.get('base');
      const pulls = repo.pulls.filter(
        (p) =>
          (state === 'all' || (state === 'open') === (p.state === 'OPEN')) &&
          (head === null || `${repo.owner}:${p.headRefName}` === head || p.headRefName === head) &&
          (base === null || p.baseRefName === base),
      );
      return ok(await Promise.all([...pulls].reverse().map((p) => restPull(call.reader, repo, p))));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    async (call, [o = '', r = '', n = '']) => {
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      const media = /vnd\.github(?:\.v3)?\.(diff|patch)/.exec(call.accept)?.[1];
      if (media !== undefined) {
        const [base, head] = [await call.reader.baseOid(repo, pull), await call.reader.headOid(repo, pull)];
        const git = call.reader.git(repo);
        return { status: 200, text: base && head ? await (media === 'diff' ? git.diff(base, head) : git.patch(base, head)) : '' };
      }
      return ok(await restPull(call.reader, repo, pull));
    },
  ],
  [
    'PATCH',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
    async (call, [o = '', r = '', n = '']) => {
      authed(call);
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      const b = bodyOf(call);
      if (typeof b.title === 'string') pull.title = b.title;
      if (typeof b.body === 'string') pull.body = b.body;
      if (b.state === 'closed') await closePull(call.reader, repo, pull);
      if (b.state === 'open') reopenPull(pull);
      pull.updatedAt = githubTime();
      return ok(await restPull(call.reader, repo, pull));
    },
  ],
  [
    'PUT',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/merge$/,
    async (call, [o = '', r = '', n = '']) => {
      const login = authed(call);
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      const permission = call.reader.state.permission(repo, login);
      if (!['admin', 'maintain', 'write'].includes(permission))
        throw new GitHubError(403, 'Must have push access to merge this pull request.', 'FORBIDDEN');
      const b = bodyOf(call);
      const method = typeof b.merge_method === 'string' ? b.merge_method : 'merge';
      if (method !== 'merge' && method !== 'squash' && method !== 'rebase') throw new GitHubError(422, `Invalid merge_method: ${method}`);
      const sha = await mergePull(call.reader, repo, pull, {
        method,
        login,
        commitHeadline: typeof b.commit_title === 'string' ? b.commit_title : undefined,
        commitBody: typeof b.commit_message === 'string' ? b.commit_message : undefined,
        expectedHeadOid: typeof b.sha === 'string' ? b.sha : undefined,
      });
      return ok({ sha, merged: true, message: 'Pull Request successfully merged' });
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/,
    (call, [o = '', r = '', n = '']) => {
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      return ok(pull.reviews.map((rv) => restReview(call.reader.state, repo, pull, rv)));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews\/(\d+)(\/comments)?$/,
    (call, [o = '', r = '', n = '', id = '', sub]) => {
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      const review = pull.reviews.find((rv) => rv.id === Number(id));
      if (!review) throw new GitHubError(404, 'Not Found');
      if (sub === undefined) return ok(restReview(call.reader.state, repo, pull, review));
      return ok(review.comments.map((c) => restReviewComment(call.reader.state, repo, pull, c)));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    (call, [o = '', r = '', n = '']) => {
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      return ok(pull.comments.map((c) => restIssueComment(call.reader.state, repo, pull, c)));
    },
  ],
  [
    'POST',
    /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
    (call, [o = '', r = '', n = '']) => {
      const login = authed(call);
      const repo = repoOf(call, o, r);
      const pull = pullOf(call, repo, n);
      const body = bodyOf(call).body;
      if (typeof body !== 'string' || body === '') throw new GitHubError(422, 'Body cannot be blank');
      return ok(restIssueComment(call.reader.state, repo, pull, call.reader.state.addIssueComment(pull, login, body)), 201);
    },
  ],
  [
    'DELETE',
    /^\/repos\/([^/]+)\/([^/]+)\/git\/refs\/heads\/(.+)$/,
    async (call, [o = '', r = '', branch = '']) => {
      const login = authed(call);
      const repo = repoOf(call, o, r);
      if (!['admin', 'maintain', 'write'].includes(call.reader.state.permission(repo, login)))
        throw new GitHubError(403, 'Resource not accessible by integration', 'FORBIDDEN');
      const name = decodeURIComponent(branch);
      if (name === repo.defaultBranch) throw new GitHubError(422, 'Cannot delete the default branch');
      if (!(await call.reader.git(repo).deleteBranch(name))) throw new GitHubError(422, 'Reference does not exist');
      return { status: 204, text: '' };
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/,
    (call, [o = '', r = '', login = '']) => {
      const repo = repoOf(call, o, r);
      const state = call.reader.state;
      if (!state.user(decodeURIComponent(login))) throw new GitHubError(404, 'Not Found');
      const permission = state.permission(repo, decodeURIComponent(login));
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return ok({ permission: legacy, role_name: permission, user: restUser(state, decodeURIComponent(login)) });
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/(.+)\/check-runs$/,
    async (call, [o = '', r = '', ref = '']) => {
      const repo = repoOf(call, o, r);
      const runs = call.reader.checks(repo, await commitSha(call, repo, ref)).filter((c) => c.kind !== 'status');
      return ok({ total_count: runs.length, check_runs: runs.map((c) => restCheckRun(repo, c)) });
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/(.+)\/status$/,
    async (call, [o = '', r = '', ref = '']) => {
      const repo = repoOf(call, o, r);
      const sha = await commitSha(call, repo, ref);
      return ok(restCombinedStatus(repo, sha, call.reader.checks(repo, sha)));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/commits\/(.+)\/statuses$/,
    async (call, [o = '', r = '', ref = '']) => {
      const repo = repoOf(call, o, r);
      const checks = call.reader.checks(repo, await commitSha(call, repo, ref));
      return ok(checks.filter((c) => c.kind === 'status').map((c) => restStatus(repo, c)));
    },
  ],
  [
    'GET',
    /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
    (call, [o = '', r = '', id = '']) => {
      const repo = repoOf(call, o, r);
      const check = call.reader.state.findCheck(repo, Number(id));
      if (!check || check.kind === 'status') throw new GitHubError(404, 'Not Found');
      return ok(restCheckRun(repo, check));
    },
  ],
  ...[...actionsRoutes, ...reviewCommentRoutes].map(([method, pattern, handler]): [string, RegExp, Handler] => [
    method,
    new RegExp(`^\\/repos\\/([^/]+)\\/([^/]+)\\/${pattern.source.slice(1)}`),
    (call, [o = '', r = '', ...rest]) => handler(call, repoOf(call, o, r), rest),
  ]),
];

/** Answers one REST call; null when no route matches (the caller answers 404). */
export async function handleRest(call: RestCall): Promise<RestAnswer | null> {
  for (const [method, pattern, handler] of routes) {
    if (method !== call.method) continue;
    const m = pattern.exec(call.path);
    if (!m) continue;
    try {
      return await handler(call, m.slice(1) as string[]);
    } catch (err) {
      if (err instanceof GitHubError) return restError(err.status, err.message);
      throw err;
    }
  }
  return null;
}
