// Review threads as the real gh 2.23 reads and changes them: `gh api graphql` lists a
// PR's reviewThreads and resolves them, `gh api` replies to a thread over REST, and
// the fake refuses what GitHub refuses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';
import recorded from './fixtures/review-comment-rest.json';

let world: GitHubWorld;
let clone: string;
let commentIds: number[];
const FILE = ['const a = 1;', 'const b = 2;', 'const c = 3;', 'const d = 4;', 'const e = 5;', ''].join('\n');

beforeEach(async () => {
  world = await createGitHubWorld();
  clone = await world.repoWithClone('acme', 'widgets');
  await world.pushBranch(clone, 'task/9-consts', { 'src.js': FILE }, 'Add constants');
  await world.fake.createPullRequest('acme', 'widgets', { head: 'task/9-consts', title: 'Constants' });
  world.fake.addCollaborator('acme', 'widgets', 'alice', 'write');
  const review = await world.fake.addReview('acme', 'widgets', 1, {
    user: 'alice',
    state: 'changes_requested',
    body: 'Two things',
    comments: [
      { path: 'src.js', line: 2, body: 'b should be 20' },
      { path: 'src.js', line: 5, startLine: 4, body: 'merge d and e' },
    ],
  });
  commentIds = review.commentIds;
});
afterEach(async () => {
  await world.close();
});

const THREADS = `query PullRequestReviewThreads($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 50, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor }
        nodes {
          id isResolved isOutdated path line startLine diffSide
          resolvedBy { login }
          comments(first: 50) {
            totalCount
            nodes { id databaseId body author { login } url createdAt path line replyTo { databaseId } }
          }
        }
      }
    }
  }
}`;

interface ThreadNode {
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string;
  line: number | null;
  startLine: number | null;
  diffSide: string;
  resolvedBy: { login: string } | null;
  comments: {
    totalCount: number;
    nodes: {
      id: string;
      databaseId: number;
      body: string;
      author: { login: string };
      url: string;
      line: number | null;
      replyTo: { databaseId: number } | null;
    }[];
  };
}

async function threads(): Promise<ThreadNode[]> {
  const out = await world.ghJson<{ data: { repository: { pullRequest: { reviewThreads: { totalCount: number; nodes: ThreadNode[] } } } } }>(
    'api',
    'graphql',
    '-f',
    `query=${THREADS}`,
    '-F',
    'owner=acme',
    '-F',
    'repo=widgets',
    '-F',
    'number=1',
  );
  const connection = out.data.repository.pullRequest.reviewThreads;
  expect(connection.totalCount).toBe(connection.nodes.length);
  return connection.nodes;
}

const RESOLVE = `mutation ResolveReviewThread($id: ID!) {
  resolveReviewThread(input: { threadId: $id, clientMutationId: "bottega" }) {
    clientMutationId
    thread { id isResolved resolvedBy { login } }
  }
}`;
const UNRESOLVE = `mutation UnresolveReviewThread($id: ID!) {
  unresolveReviewThread(input: { threadId: $id }) {
    thread { id isResolved resolvedBy { login } }
  }
}`;

describe('review threads through gh api graphql', () => {
  it('lists each inline comment that is not a reply as an unresolved thread', async () => {
    const list = await threads();
    expect(list).toHaveLength(2);
    expect(list.map((t) => [t.path, t.startLine, t.line, t.diffSide, t.isResolved, t.isOutdated, t.resolvedBy])).toEqual([
      ['src.js', null, 2, 'RIGHT', false, false, null],
      ['src.js', 4, 5, 'RIGHT', false, false, null],
    ]);
    for (const t of list) expect(t.id).toMatch(/^PRRT_/);
    expect(list[0]?.comments).toEqual({
      totalCount: 1,
      nodes: [
        {
          id: expect.stringMatching(/^PRRC_/) as unknown,
          databaseId: commentIds[0],
          body: 'b should be 20',
          author: { login: 'alice' },
          url: `http://github.localhost/acme/widgets/pull/1#discussion_r${commentIds[0]}`,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown,
          path: 'src.js',
          line: 2,
          replyTo: null,
        },
      ],
    });
    expect(world.fake.gaps).toEqual([]);
  });

  it('resolves and unresolves a thread for a user with write access, as the bot', async () => {
    const [first] = await threads();
    const resolved = await world.ghJson<{ data: { resolveReviewThread: unknown } }>(
      'api',
      'graphql',
      '-f',
      `query=${RESOLVE}`,
      '-f',
      `id=${first?.id}`,
    );
    expect(resolved.data.resolveReviewThread).toEqual({
      clientMutationId: 'bottega',
      thread: { id: first?.id, isResolved: true, resolvedBy: { login: 'bottega-bot' } },
    });
    const after = await threads();
    expect(after.map((t) => [t.isResolved, t.resolvedBy?.login ?? null])).toEqual([
      [true, 'bottega-bot'],
      [false, null],
    ]);
    expect(world.fake.reviewThreads('acme', 'widgets', 1).map((t) => [t.id, t.isResolved, t.resolvedBy])).toEqual([
      [first?.id, true, 'bottega-bot'],
      [after[1]?.id, false, null],
    ]);

    const unresolved = await world.ghJson<{ data: { unresolveReviewThread: unknown } }>(
      'api',
      'graphql',
      '-f',
      `query=${UNRESOLVE}`,
      '-f',
      `id=${first?.id}`,
    );
    expect(unresolved.data.unresolveReviewThread).toMatchObject({ thread: { isResolved: false, resolvedBy: null } });
    expect(world.fake.gaps).toEqual([]);
  });

  it('refuses a read-only user with GitHub’s FORBIDDEN error, and an unknown thread with NOT_FOUND', async () => {
    world.fake.addUser('rita', 'rita-token');
    world.fake.addCollaborator('acme', 'widgets', 'rita', 'read');
    const [first] = await threads();
    const refused = await world.run('gh', ['api', 'graphql', '-f', `query=${RESOLVE}`, '-f', `id=${first?.id}`], world.home, {
      GH_TOKEN: 'rita-token',
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('rita does not have the correct permissions to execute `ResolveReviewThread`');
    expect(JSON.parse(refused.stdout)).toMatchObject({
      data: { resolveReviewThread: null },
      errors: [{ type: 'FORBIDDEN', path: ['resolveReviewThread'] }],
    });
    expect(world.fake.reviewThreads('acme', 'widgets', 1)[0]?.isResolved).toBe(false);

    const unknown = await world.gh('api', 'graphql', '-f', `query=${RESOLVE}`, '-f', 'id=PRRT_kwDOnope');
    expect(unknown.code).not.toBe(0);
    expect(JSON.parse(unknown.stdout)).toMatchObject({
      data: { resolveReviewThread: null },
      errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a node with the global id of 'PRRT_kwDOnope'" }],
    });
  });

  it('lets the pull request’s author resolve without write access, as GitHub does', async () => {
    world.fake.addUser('paula', 'paula-token');
    world.fake.addCollaborator('acme', 'widgets', 'paula', 'read');
    await world.pushBranch(clone, 'task/10-more', { 'more.js': 'x\n' }, 'More');
    await world.fake.createPullRequest('acme', 'widgets', { head: 'task/10-more', title: 'More', author: 'paula' });
    await world.fake.addReview('acme', 'widgets', 2, { user: 'alice', comments: [{ path: 'more.js', line: 1, body: 'why x' }] });
    const [thread] = world.fake.reviewThreads('acme', 'widgets', 2);
    const r = await world.run('gh', ['api', 'graphql', '-f', `query=${RESOLVE}`, '-f', `id=${thread?.id}`], world.home, {
      GH_TOKEN: 'paula-token',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(world.fake.reviewThreads('acme', 'widgets', 2)[0]).toMatchObject({ isResolved: true, resolvedBy: 'paula' });
  });

  it('marks a thread outdated once its lines change, and moves the others with the edit', async () => {
    const lines = FILE.split('\n');
    lines[1] = 'const b = 20;';
    lines.splice(2, 0, 'const bb = 21;');
    await world.pushBranch(clone, 'task/9-consts', { 'src.js': lines.join('\n') }, 'b is 20');
    const list = await threads();
    expect(list.map((t) => [t.isOutdated, t.startLine, t.line])).toEqual([
      [true, null, null],
      [false, 5, 6],
    ]);
    expect(list[0]?.comments.nodes[0]?.line).toBeNull();
    const rest = await world.ghJson<{ id: number; line: number | null; original_line: number; position: number | null }[]>(
      'api',
      'repos/acme/widgets/pulls/1/comments',
    );
    expect(rest.map((c) => [c.id, c.line, c.original_line, c.position])).toEqual([
      [commentIds[0], null, 2, null],
      [commentIds[1], 6, 5, 6],
    ]);
  });

  it('pages threads with first/after', async () => {
    const page = async (after?: string) =>
      (
        await world.ghJson<{
          data: {
            repository: { pullRequest: { reviewThreads: { nodes: ThreadNode[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
          };
        }>(
          'api',
          'graphql',
          '-f',
          `query=${THREADS.replace('first: 50, after', 'first: 1, after')}`,
          '-F',
          'owner=acme',
          '-F',
          'repo=widgets',
          '-F',
          'number=1',
          ...(after === undefined ? [] : ['-f', `after=${after}`]),
        )
      ).data.repository.pullRequest.reviewThreads;
    const one = await page();
    expect(one.nodes.map((t) => t.line)).toEqual([2]);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await page(one.pageInfo.endCursor);
    expect(two.nodes.map((t) => t.line)).toEqual([5]);
    expect(two.pageInfo.hasNextPage).toBe(false);
  });
});

interface RestComment {
  id: number;
  body: string;
  in_reply_to_id?: number;
  user: { login: string };
  path: string;
  line: number | null;
  pull_request_review_id: number;
}

describe('replies over REST', () => {
  it('replies through …/comments/ID/replies: the thread has two comments, the reply points at its first', async () => {
    const r = await world.gh('api', `repos/acme/widgets/pulls/1/comments/${commentIds[0]}/replies`, '-f', 'body=Fixed: b is 20 now');
    expect(r.code, r.stderr).toBe(0);
    const reply = JSON.parse(r.stdout) as RestComment;
    expect(reply).toMatchObject({
      body: 'Fixed: b is 20 now',
      in_reply_to_id: commentIds[0],
      user: { login: 'bottega-bot' },
      path: 'src.js',
      line: 2,
    });
    expect(world.fake.requests.filter((q) => q.kind === 'rest' && q.method === 'POST').map((q) => q.status)).toEqual([201]);

    // A reply to the reply joins the same thread, in reply to its first comment.
    await world.fake.replyToReviewComment('acme', 'widgets', 1, reply.id, { user: 'alice', body: 'thanks' });
    const [thread, other] = await threads();
    expect(thread?.comments.totalCount).toBe(3);
    expect(thread?.comments.nodes.map((c) => [c.author.login, c.body, c.replyTo?.databaseId ?? null])).toEqual([
      ['alice', 'b should be 20', null],
      ['bottega-bot', 'Fixed: b is 20 now', commentIds[0]],
      ['alice', 'thanks', commentIds[0]],
    ]);
    expect(other?.comments.totalCount).toBe(1);
    expect(world.fake.reviewThreads('acme', 'widgets', 1)[0]?.comments.map((c) => [c.author, c.inReplyTo])).toEqual([
      ['alice', null],
      ['bottega-bot', commentIds[0]],
      ['alice', commentIds[0]],
    ]);

    // Every review comment of the PR, replies included; and each one by id.
    const all = await world.ghJson<RestComment[]>('api', 'repos/acme/widgets/pulls/1/comments');
    expect(all.map((c) => [c.body, c.in_reply_to_id ?? null])).toEqual([
      ['b should be 20', null],
      ['merge d and e', null],
      ['Fixed: b is 20 now', commentIds[0]],
      ['thanks', commentIds[0]],
    ]);
    expect('in_reply_to_id' in (all[0] ?? {})).toBe(false);
    const one = await world.ghJson<RestComment>('api', `repos/acme/widgets/pulls/comments/${reply.id}`);
    expect(one).toMatchObject({ id: reply.id, in_reply_to_id: commentIds[0] });

    // GitHub records each reply as its own COMMENTED review.
    const reviews = await world.ghJson<{ reviews: { state: string; author: { login: string } }[] }>(
      'pr',
      'view',
      '1',
      '--repo',
      'acme/widgets',
      '--json',
      'reviews',
    );
    expect(reviews.reviews.map((rv) => [rv.author.login, rv.state])).toEqual([
      ['alice', 'CHANGES_REQUESTED'],
      ['bottega-bot', 'COMMENTED'],
      ['alice', 'COMMENTED'],
    ]);
    expect(world.fake.gaps).toEqual([]);
  });

  it('replies with POST …/pulls/N/comments and in_reply_to, and starts a thread with path and line', async () => {
    const r = await world.gh('api', 'repos/acme/widgets/pulls/1/comments', '-f', 'body=done', '-F', `in_reply_to=${commentIds[1]}`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ body: 'done', in_reply_to_id: commentIds[1], line: 5, start_line: 4 });

    const started = await world.gh('api', 'repos/acme/widgets/pulls/1/comments', '-f', 'body=and a', '-f', 'path=src.js', '-F', 'line=1');
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ body: 'and a', line: 1, side: 'RIGHT' });
    expect(world.fake.reviewThreads('acme', 'widgets', 1).map((t) => [t.line, t.comments.length])).toEqual([
      [2, 1],
      [5, 2],
      [1, 1],
    ]);
  });

  it('pages the PR’s comments with a Link header that gh api --paginate follows', async () => {
    const first = await fetch(`${world.fake.url}/repos/acme/widgets/pulls/1/comments?per_page=1`, {
      headers: { authorization: `token ${world.fake.defaultToken}` },
    });
    expect(((await first.json()) as RestComment[]).map((c) => c.id)).toEqual([commentIds[0]]);
    expect(first.headers.get('link')).toBe(
      '<http://api.github.localhost/repos/acme/widgets/pulls/1/comments?per_page=1&page=2>; rel="next", ' +
        '<http://api.github.localhost/repos/acme/widgets/pulls/1/comments?per_page=1&page=2>; rel="last"',
    );
    const all = await world.gh('api', '--paginate', 'repos/acme/widgets/pulls/1/comments?per_page=1');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.match(/"pull_request_review_id"/g)).toHaveLength(2);
    expect(world.fake.requests.filter((q) => q.path === '/repos/acme/widgets/pulls/1/comments')).toHaveLength(3);
  });

  it('answers with every field of GitHub’s review comment, each of the same JSON type', async () => {
    const replyId = await world.fake.replyToReviewComment('acme', 'widgets', 1, commentIds[1] ?? 0, { user: 'alice', body: 'also f' });
    const mine = await world.ghJson<Record<string, unknown>>('api', `repos/acme/widgets/pulls/comments/${replyId}`);
    const theirs: Record<string, unknown> = recorded.pull_request_review_comment;
    const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    const problems = Object.entries(theirs).flatMap(([key, value]) => {
      if (!(key in mine)) return [`${key} missing`];
      return value === null || kind(mine[key]) === kind(value) ? [] : [`${key}: ${kind(mine[key])} instead of ${kind(value)}`];
    });
    expect(problems).toEqual([]);
    for (const key of ['_links', 'reactions']) expect(Object.keys(mine[key] as object)).toEqual(Object.keys(theirs[key] as object));
    expect(mine).toMatchObject({
      in_reply_to_id: commentIds[1],
      start_line: 4,
      start_side: 'RIGHT',
      line: 5,
      original_line: 5,
      side: 'RIGHT',
      subject_type: 'line',
    });
  });

  it('needs a token (401) and access to the repository (404), and an existing comment (404)', async () => {
    const path = `/repos/acme/widgets/pulls/1/comments/${commentIds[0]}/replies`;
    const anonymous = await fetch(`${world.fake.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hi' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' });

    world.fake.addUser('mallory', 'mallory-token');
    const outsider = await world.run('gh', ['api', path, '-f', 'body=hi'], world.home, { GH_TOKEN: 'mallory-token' });
    expect(outsider.code).not.toBe(0);
    expect(outsider.stderr).toMatch(/Not Found \(HTTP 404\)/);

    const missing = await world.gh('api', 'repos/acme/widgets/pulls/1/comments/999999/replies', '-f', 'body=hi');
    expect(missing.stderr).toMatch(/HTTP 404/);
    const blank = await world.gh('api', `repos/acme/widgets/pulls/1/comments/${commentIds[0]}/replies`, '-f', 'body= ');
    expect(blank.stderr).toMatch(/HTTP 422/);
    expect(world.fake.reviewThreads('acme', 'widgets', 1)[0]?.comments).toHaveLength(1);
  });
});

describe('test controls', () => {
  it('resolves a thread as a given user and unresolves it', async () => {
    const [thread] = world.fake.reviewThreads('acme', 'widgets', 1);
    world.fake.resolveReviewThread(thread?.id ?? '', 'alice');
    expect((await threads())[0]).toMatchObject({ isResolved: true, resolvedBy: { login: 'alice' } });
    world.fake.unresolveReviewThread(thread?.id ?? '');
    expect((await threads())[0]).toMatchObject({ isResolved: false, resolvedBy: null });
    expect(() => world.fake.resolveReviewThread('PRRT_nope')).toThrow(/no review thread PRRT_nope/);
  });
});
