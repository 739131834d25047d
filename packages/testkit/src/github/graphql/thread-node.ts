// GraphQL review threads and review comments (`PullRequestReviewThread`,
// `PullRequestReviewComment`), with their position on the pull request's current head.
import type { PullRequest, Repo, ReviewComment, ReviewThread } from '../model';
import { canResolve, rootComment, threadPosition } from '../threads';
import type { ThreadPosition } from '../threads';
import { pullWebUrl } from '../urls';
import { userNode } from './actors';
import { commitNode } from './commit-node';
import { connection } from './context';
import type { Args, GqlContext } from './context';
import { pullRequestNode, reviewNode } from './pr-node';
import { repoNode } from './repo-node';

function association(repo: Repo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  return repo.collaborators.has(login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
}

/** The position of a thread's first comment, computed once per node. */
function positionOf(ctx: GqlContext, repo: Repo, pull: PullRequest, root: ReviewComment): () => Promise<ThreadPosition> {
  let position: Promise<ThreadPosition> | undefined;
  return () => (position ??= threadPosition(ctx.reader, repo, pull, root));
}

export function reviewCommentNode(ctx: GqlContext, repo: Repo, pull: PullRequest, c: ReviewComment): Record<string, unknown> {
  const thread = ctx.state.threadOfComment(pull, c.id);
  const root = thread ? rootComment(ctx.state, pull, thread) : c;
  const position = positionOf(ctx, repo, pull, root);
  const review = pull.reviews.find((r) => r.id === c.reviewId);
  return {
    __typename: 'PullRequestReviewComment',
    id: c.nodeId,
    databaseId: c.id,
    fullDatabaseId: String(c.id),
    author: userNode(ctx, c.user),
    authorAssociation: association(repo, c.user),
    body: c.body,
    bodyText: c.body,
    path: c.path,
    line: async () => (await position()).line,
    startLine: async () => (await position()).startLine,
    originalLine: c.line,
    originalStartLine: c.startLine,
    diffHunk: c.diffHunk,
    outdated: async () => (await position()).isOutdated,
    subjectType: c.line === null ? 'FILE' : 'LINE',
    state: 'SUBMITTED',
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
    publishedAt: c.createdAt,
    lastEditedAt: null,
    url: `${pullWebUrl(repo, pull)}#discussion_r${c.id}`,
    resourcePath: `/${repo.owner}/${repo.name}/pull/${pull.number}#discussion_r${c.id}`,
    includesCreatedEdit: false,
    isMinimized: false,
    minimizedReason: null,
    viewerDidAuthor: c.user === ctx.viewer.login,
    reactionGroups: [],
    replyTo: () => {
      if (c.inReplyTo === null) return null;
      const target = ctx.state.reviewComments(pull).find((x) => x.id === c.inReplyTo);
      return target ? reviewCommentNode(ctx, repo, pull, target) : null;
    },
    commit: () => commitNode(ctx, repo, c.commitId),
    originalCommit: () => commitNode(ctx, repo, c.commitId),
    pullRequest: () => pullRequestNode(ctx, repo, pull),
    pullRequestReview: () => (review ? reviewNode(ctx, repo, pull, review) : null),
    repository: () => repoNode(ctx, repo),
  };
}

export function reviewThreadNode(ctx: GqlContext, repo: Repo, pull: PullRequest, thread: ReviewThread): Record<string, unknown> {
  const root = rootComment(ctx.state, pull, thread);
  const position = positionOf(ctx, repo, pull, root);
  const mayResolve = canResolve(ctx.state, repo, pull, ctx.viewer.login);
  return {
    __typename: 'PullRequestReviewThread',
    id: thread.nodeId,
    isResolved: thread.isResolved,
    isCollapsed: thread.isResolved,
    isOutdated: async () => (await position()).isOutdated,
    path: root.path,
    line: async () => (await position()).line,
    startLine: async () => (await position()).startLine,
    originalLine: root.line,
    originalStartLine: root.startLine,
    diffSide: root.side,
    startDiffSide: root.startLine === null ? null : root.side,
    subjectType: root.line === null ? 'FILE' : 'LINE',
    resolvedBy: thread.resolvedBy === null ? null : userNode(ctx, thread.resolvedBy),
    viewerCanResolve: mayResolve && !thread.isResolved,
    viewerCanUnresolve: mayResolve && thread.isResolved,
    viewerCanReply: ctx.state.permission(repo, ctx.viewer.login) !== 'none',
    pullRequest: () => pullRequestNode(ctx, repo, pull),
    repository: () => repoNode(ctx, repo),
    comments: (args: Args) =>
      connection(
        ctx.state.threadComments(pull, thread).map((c) => reviewCommentNode(ctx, repo, pull, c)),
        args,
      ),
  };
}
