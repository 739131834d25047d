// Pull-request review comments over REST (as `gh api` and agents call them): the PR's
// comments with replies, one comment, replying to a thread, and commenting on a line.
import type { PullRequest, Repo, ReviewComment } from './model';
import { GitHubError } from './pulls';
import type { RestAnswer, RestCall } from './rest';
import { restReviewComment } from './rest-shapes';
import type { Json } from './rest-shapes';
import { addReply, rootComment, threadPosition } from './threads';
import { API_URL } from './urls';

type Handler = (call: RestCall, repo: Repo, params: string[]) => RestAnswer | Promise<RestAnswer>;

const ok = (json: unknown, status = 200): RestAnswer => ({ status, json });

function pullOf(call: RestCall, repo: Repo, number: string): PullRequest {
  const pull = call.reader.state.findPull(repo, Number(number));
  if (!pull) throw new GitHubError(404, 'Not Found');
  return pull;
}

function bodyOf(call: RestCall): Record<string, unknown> {
  return typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, unknown>) : {};
}

/** Commenting needs a token (401) and access to the repository (404, as for a repository one cannot see). */
function commenter(call: RestCall, repo: Repo): string {
  if (call.login === null) throw new GitHubError(401, 'Requires authentication', 'UNAUTHENTICATED');
  if (call.reader.state.permission(repo, call.login) === 'none') throw new GitHubError(404, 'Not Found');
  return call.login;
}

/** A comment as GitHub shows it now: its thread's line moves with the head, or is null once outdated. */
async function present(call: RestCall, repo: Repo, pull: PullRequest, c: ReviewComment): Promise<Json> {
  const state = call.reader.state;
  const thread = state.threadOfComment(pull, c.id);
  const root = thread ? rootComment(state, pull, thread) : c;
  const at = await threadPosition(call.reader, repo, pull, root);
  return restReviewComment(state, repo, pull, c, at);
}

/** GitHub's paging (`per_page` ≤ 100, `page` from 1) with its `Link` header. */
export function paged<T>(call: RestCall, items: readonly T[]): { slice: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(call.query.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(call.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(call.query);
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${API_URL}${call.path}?${q.toString()}>; rel="${rel}"`;
  };
  const rels = [
    ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
  ];
  return { slice: items.slice((page - 1) * perPage, page * perPage), headers: rels.length > 0 ? { link: rels.join(', ') } : {} };
}

/** Routes under `/repos/O/R/`: path pattern (after the repository) and handler. */
export const reviewCommentRoutes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^pulls\/(\d+)\/comments$/,
    async (call, repo, [n = '']) => {
      const pull = pullOf(call, repo, n);
      const direction = call.query.get('direction') ?? 'asc';
      const all = call.reader.state.reviewComments(pull);
      const { slice, headers } = paged(call, direction === 'desc' ? [...all].reverse() : all);
      return { status: 200, json: await Promise.all(slice.map((c) => present(call, repo, pull, c))), headers };
    },
  ],
  [
    'GET',
    /^pulls\/comments\/(\d+)$/,
    async (call, repo, [id = '']) => {
      const found = call.reader.state.findReviewComment(repo, Number(id));
      if (!found) throw new GitHubError(404, 'Not Found');
      return ok(await present(call, repo, found.pull, found.comment));
    },
  ],
  [
    'POST',
    /^pulls\/(\d+)\/comments\/(\d+)\/replies$/,
    async (call, repo, [n = '', id = '']) => {
      const login = commenter(call, repo);
      const pull = pullOf(call, repo, n);
      const body = bodyOf(call).body;
      if (typeof body !== 'string') throw new GitHubError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
      const reply = await addReply(call.reader, repo, pull, Number(id), login, body);
      return ok(await present(call, repo, pull, reply), 201);
    },
  ],
  [
    'POST',
    /^pulls\/(\d+)\/comments$/,
    async (call, repo, [n = '']) => {
      const login = commenter(call, repo);
      const pull = pullOf(call, repo, n);
      const b = bodyOf(call);
      if (typeof b.body !== 'string') throw new GitHubError(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
      if (b.in_reply_to !== undefined) {
        const reply = await addReply(call.reader, repo, pull, Number(b.in_reply_to), login, b.body);
        return ok(await present(call, repo, pull, reply), 201);
      }
      if (typeof b.path !== 'string') throw new GitHubError(422, 'Invalid request.\n\n"path" wasn\'t supplied.');
      const fileLevel = b.subject_type === 'file';
      if (!fileLevel && typeof b.line !== 'number') throw new GitHubError(422, 'Invalid request.\n\n"line" wasn\'t supplied.');
      if (b.body.trim() === '') throw new GitHubError(422, 'Body cannot be blank');
      const head = await call.reader.headOid(repo, pull);
      const commitId = typeof b.commit_id === 'string' ? b.commit_id : head;
      if (commitId === null || (await call.reader.git(repo).resolve(commitId)) === null)
        throw new GitHubError(422, 'Validation Failed: commit_id is not part of the pull request');
      const line = fileLevel ? null : Number(b.line);
      const review = call.reader.state.addReview(repo, pull, { user: login, body: '', state: 'COMMENTED', commitId }, [
        {
          path: b.path,
          line,
          startLine: typeof b.start_line === 'number' ? b.start_line : null,
          side: b.side === 'LEFT' ? 'LEFT' : 'RIGHT',
          body: b.body,
          diffHunk: `@@ -${line ?? 1},1 +${line ?? 1},1 @@`,
          inReplyTo: null,
        },
      ]);
      const comment = review.comments[0];
      if (!comment) throw new Error('comment vanished');
      return ok(await present(call, repo, pull, comment), 201);
    },
  ],
];
