// The GraphQL root: the queries (repository, viewer, node…) and the pull-request
// mutations gh sends, as resolver objects over the fake's state.
import { GraphQLError } from 'graphql';
import { closePull, createPull, GitHubError, mergePull, reopenPull } from '../pulls';
import { githubTime } from '../state';
import type { PullRequest, Repo, ReviewThread } from '../model';
import { addReply, canResolve } from '../threads';
import { userNode } from './actors';
import { checkContextNode } from './commit-node';
import type { Args, GqlContext } from './context';
import { issueCommentNode, pullRequestNode, reviewNode } from './pr-node';
import { repoNode } from './repo-node';
import { reviewCommentNode, reviewThreadNode } from './thread-node';

/**
 * Operations seen from gh 2.23 and fully answered (pr create/view/list/checks/merge/
 * comment/edit/close/reopen/ready/diff, repo view); others are recorded as gaps.
 */
export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set([
  'RepositoryInfo',
  'PullRequestForBranch',
  'PullRequestCreate',
  'PullRequestByNumber',
  'PullRequestStatusChecks',
  'PullRequestList',
  'PullRequestForRun',
  'PullRequestProjectItems',
  'PullRequest_fields',
  'PullRequestMerge',
  'PullRequestClose',
  'PullRequestReopen',
  'PullRequestUpdate',
  'PullRequestReadyForReview',
  'CommentCreate',
  'UserCurrent',
  // Not gh's own: review-thread operations under these names, sent with `gh api graphql`.
  'PullRequestReviewThreads',
  'ResolveReviewThread',
  'UnresolveReviewThread',
  'AddReviewThreadReply',
]);

function lookupNode(ctx: GqlContext, id: unknown): Record<string, unknown> | null {
  const ref = typeof id === 'string' ? ctx.state.nodes.get(id) : undefined;
  if (!ref) return null;
  switch (ref.kind) {
    case 'user':
      return userNode(ctx, ref.login);
    case 'repo':
      return repoNode(ctx, ref.repo);
    case 'pull':
      return pullRequestNode(ctx, ref.repo, ref.pull);
    case 'review':
      return reviewNode(ctx, ref.repo, ref.pull, ref.review);
    case 'check':
      return checkContextNode(ref.repo, ref.check);
    case 'thread':
      return reviewThreadNode(ctx, ref.repo, ref.pull, ref.thread);
  }
}

function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: 'NOT_FOUND' } });
}

function requirePull(ctx: GqlContext, id: unknown): { repo: Repo; pull: PullRequest } {
  const ref = typeof id === 'string' ? ctx.state.nodes.get(id) : undefined;
  if (ref?.kind !== 'pull') throw notFound(`Could not resolve to a node with the global id of '${String(id)}'`);
  return { repo: ref.repo, pull: ref.pull };
}

function requireThread(ctx: GqlContext, id: unknown): { repo: Repo; pull: PullRequest; thread: ReviewThread } {
  const ref = typeof id === 'string' ? ctx.state.nodes.get(id) : undefined;
  if (ref?.kind !== 'thread') throw notFound(`Could not resolve to a node with the global id of '${String(id)}'`);
  return { repo: ref.repo, pull: ref.pull, thread: ref.thread };
}

/** Resolving needs write access or authorship of the pull request (GitHub's FORBIDDEN error otherwise). */
function requireResolver(ctx: GqlContext, repo: Repo, pull: PullRequest, mutation: string): void {
  if (!canResolve(ctx.state, repo, pull, ctx.viewer.login)) {
    throw new GitHubError(403, `${ctx.viewer.login} does not have the correct permissions to execute \`${mutation}\``, 'FORBIDDEN');
  }
}

function requireWrite(ctx: GqlContext, repo: Repo, mutation: string): void {
  const permission = ctx.state.permission(repo, ctx.viewer.login);
  if (permission === 'none' || permission === 'read' || permission === 'triage') {
    throw new GitHubError(403, `${ctx.viewer.login} does not have the correct permissions to execute \`${mutation}\``, 'FORBIDDEN');
  }
}

function input(args: Args): Record<string, unknown> {
  return (args.input ?? {}) as Record<string, unknown>;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function rootValue(): Record<string, unknown> {
  const pullPayload = (ctx: GqlContext, repo: Repo, pull: PullRequest, i: Record<string, unknown>): Record<string, unknown> => ({
    clientMutationId: i.clientMutationId ?? null,
    pullRequest: pullRequestNode(ctx, repo, pull),
  });
  return {
    viewer: (_: Args, ctx: GqlContext) => userNode(ctx, ctx.viewer.login),
    user: (args: Args, ctx: GqlContext) => (ctx.state.user(String(args.login)) ? userNode(ctx, String(args.login)) : null),
    repositoryOwner: (args: Args, ctx: GqlContext) => (ctx.state.user(String(args.login)) ? userNode(ctx, String(args.login)) : null),
    organization: () => null,
    node: (args: Args, ctx: GqlContext) => lookupNode(ctx, args.id),
    nodes: (args: Args, ctx: GqlContext) => (Array.isArray(args.ids) ? args.ids.map((id) => lookupNode(ctx, id)) : []),
    repository: (args: Args, ctx: GqlContext) => {
      const repo = ctx.state.findRepo(String(args.owner), String(args.name));
      if (!repo) throw notFound(`Could not resolve to a Repository with the name '${String(args.owner)}/${String(args.name)}'.`);
      return repoNode(ctx, repo);
    },
    createPullRequest: async (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const ref = ctx.state.nodes.get(String(i.repositoryId));
      if (ref?.kind !== 'repo') throw notFound(`Could not resolve to a node with the global id of '${String(i.repositoryId)}'`);
      const pull = await createPull(ctx.reader, ref.repo, {
        title: String(i.title ?? ''),
        body: str(i.body) ?? '',
        head: String(i.headRefName ?? ''),
        base: String(i.baseRefName ?? ''),
        draft: i.draft === true,
        author: ctx.viewer.login,
      });
      return pullPayload(ctx, ref.repo, pull, i);
    },
    mergePullRequest: async (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.pullRequestId);
      requireWrite(ctx, repo, 'MergePullRequest');
      const method = String(i.mergeMethod ?? 'MERGE').toLowerCase() as 'merge' | 'squash' | 'rebase';
      await mergePull(ctx.reader, repo, pull, {
        method,
        login: ctx.viewer.login,
        commitHeadline: str(i.commitHeadline),
        commitBody: str(i.commitBody),
        expectedHeadOid: str(i.expectedHeadOid),
      });
      return pullPayload(ctx, repo, pull, i);
    },
    closePullRequest: async (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.pullRequestId);
      await closePull(ctx.reader, repo, pull);
      return pullPayload(ctx, repo, pull, i);
    },
    reopenPullRequest: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.pullRequestId);
      reopenPull(pull);
      return pullPayload(ctx, repo, pull, i);
    },
    updatePullRequest: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.pullRequestId);
      if (typeof i.title === 'string') pull.title = i.title;
      if (typeof i.body === 'string') pull.body = i.body;
      if (typeof i.baseRefName === 'string') pull.baseRefName = i.baseRefName;
      pull.updatedAt = githubTime();
      return pullPayload(ctx, repo, pull, i);
    },
    markPullRequestReadyForReview: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.pullRequestId);
      pull.isDraft = false;
      return pullPayload(ctx, repo, pull, i);
    },
    resolveReviewThread: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull, thread } = requireThread(ctx, i.threadId);
      requireResolver(ctx, repo, pull, 'ResolveReviewThread');
      ctx.state.setThreadResolved(thread, ctx.viewer.login);
      return { clientMutationId: i.clientMutationId ?? null, thread: reviewThreadNode(ctx, repo, pull, thread) };
    },
    unresolveReviewThread: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull, thread } = requireThread(ctx, i.threadId);
      requireResolver(ctx, repo, pull, 'UnresolveReviewThread');
      ctx.state.setThreadResolved(thread, null);
      return { clientMutationId: i.clientMutationId ?? null, thread: reviewThreadNode(ctx, repo, pull, thread) };
    },
    addPullRequestReviewThreadReply: async (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull, thread } = requireThread(ctx, i.pullRequestReviewThreadId);
      if (ctx.state.permission(repo, ctx.viewer.login) === 'none') {
        throw new GitHubError(
          403,
          `${ctx.viewer.login} does not have the correct permissions to execute \`AddPullRequestReviewThreadReply\``,
          'FORBIDDEN',
        );
      }
      const reply = await addReply(ctx.reader, repo, pull, thread.rootCommentId, ctx.viewer.login, String(i.body ?? ''));
      return { clientMutationId: i.clientMutationId ?? null, comment: reviewCommentNode(ctx, repo, pull, reply) };
    },
    addComment: (args: Args, ctx: GqlContext) => {
      const i = input(args);
      const { repo, pull } = requirePull(ctx, i.subjectId);
      const comment = ctx.state.addIssueComment(pull, ctx.viewer.login, String(i.body ?? ''));
      const node = issueCommentNode(ctx, repo, pull, comment);
      return { clientMutationId: i.clientMutationId ?? null, commentEdge: { cursor: '', node }, subject: pullRequestNode(ctx, repo, pull) };
    },
  };
}
