// The GraphQL `PullRequest` object and its reviews/comments, backed by the fake's state
// and by live git data (head oid, commits, mergeability) from the bare repository.
import type { IssueComment, PullRequest, Repo, Review } from '../model';
import { pullWebUrl } from '../urls';
import { ownerNode, userNode } from './actors';
import { commitNode, rollupNode } from './commit-node';
import { connection } from './context';
import type { Args, GqlContext } from './context';
import { refNode, repoNode } from './repo-node';
import { reviewCommentNode, reviewThreadNode } from './thread-node';

function association(repo: Repo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  return repo.collaborators.has(login.toLowerCase()) ? 'COLLABORATOR' : 'NONE';
}

export function issueCommentNode(ctx: GqlContext, repo: Repo, pull: PullRequest, c: IssueComment): Record<string, unknown> {
  return {
    __typename: 'IssueComment',
    id: c.nodeId,
    databaseId: c.id,
    author: userNode(ctx, c.user),
    authorAssociation: association(repo, c.user),
    body: c.body,
    bodyText: c.body,
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
    url: `${pullWebUrl(repo, pull)}#issuecomment-${c.id}`,
    includesCreatedEdit: false,
    isMinimized: false,
    minimizedReason: null,
    viewerDidAuthor: c.user === ctx.viewer.login,
    reactionGroups: [],
  };
}

export function reviewNode(ctx: GqlContext, repo: Repo, pull: PullRequest, r: Review): Record<string, unknown> {
  const url = `${pullWebUrl(repo, pull)}#pullrequestreview-${r.id}`;
  return {
    __typename: 'PullRequestReview',
    id: r.nodeId,
    databaseId: r.id,
    author: userNode(ctx, r.user),
    authorAssociation: association(repo, r.user),
    body: r.body,
    bodyText: r.body,
    state: r.state,
    submittedAt: r.submittedAt,
    createdAt: r.submittedAt,
    updatedAt: r.submittedAt,
    url,
    includesCreatedEdit: false,
    reactionGroups: [],
    commit: () => commitNode(ctx, repo, r.commitId),
    pullRequest: () => pullRequestNode(ctx, repo, pull),
    comments: (args: Args) =>
      connection(
        r.comments.map((c) => reviewCommentNode(ctx, repo, pull, c)),
        args,
      ),
  };
}

export function pullRequestNode(ctx: GqlContext, repo: Repo, pull: PullRequest): Record<string, unknown> {
  const reader = ctx.reader;
  const headOid = async (): Promise<string> => (await reader.headOid(repo, pull)) ?? '0'.repeat(40);
  const baseOid = async (): Promise<string> => (await reader.baseOid(repo, pull)) ?? '0'.repeat(40);
  const prCommits = async (): Promise<Record<string, unknown>[]> =>
    (await reader.commits(repo, pull)).map((c) => ({
      __typename: 'PullRequestCommit',
      id: `PRC_${pull.nodeId}_${c.oid}`,
      url: `${pullWebUrl(repo, pull)}/commits/${c.oid}`,
      commit: commitNode(ctx, repo, c.oid, c),
    }));
  const latestReviews = (): Review[] => {
    const latest = new Map<string, Review>();
    for (const r of pull.reviews) latest.set(r.user, r);
    return [...latest.values()];
  };
  return {
    __typename: 'PullRequest',
    id: pull.nodeId,
    databaseId: pull.id,
    fullDatabaseId: String(pull.id),
    number: pull.number,
    title: pull.title,
    body: pull.body,
    bodyText: pull.body,
    url: pullWebUrl(repo, pull),
    permalink: pullWebUrl(repo, pull),
    resourcePath: `/${repo.owner}/${repo.name}/pull/${pull.number}`,
    state: pull.state,
    isDraft: pull.isDraft,
    closed: pull.state !== 'OPEN',
    merged: pull.state === 'MERGED',
    locked: false,
    activeLockReason: null,
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    publishedAt: pull.createdAt,
    lastEditedAt: null,
    closedAt: pull.closedAt,
    mergedAt: pull.mergedAt,
    mergedBy: pull.mergedBy === null ? null : userNode(ctx, pull.mergedBy),
    mergeCommit: pull.mergeCommitOid === null ? null : commitNode(ctx, repo, pull.mergeCommitOid),
    author: userNode(ctx, pull.author),
    authorAssociation: association(repo, pull.author),
    viewerDidAuthor: pull.author === ctx.viewer.login,
    headRefName: pull.headRefName,
    baseRefName: pull.baseRefName,
    headRefOid: headOid,
    baseRefOid: baseOid,
    headRef: async () => {
      const oid = await reader.branchOid(repo, pull.headRefName);
      return oid === null ? null : refNode(ctx, repo, pull.headRefName, oid);
    },
    baseRef: async () => {
      const oid = await reader.branchOid(repo, pull.baseRefName);
      return oid === null ? null : refNode(ctx, repo, pull.baseRefName, oid);
    },
    headRepository: () => repoNode(ctx, repo),
    headRepositoryOwner: () => ownerNode(ctx, repo.owner),
    baseRepository: () => repoNode(ctx, repo),
    repository: () => repoNode(ctx, repo),
    isCrossRepository: false,
    maintainerCanModify: false,
    isInMergeQueue: false,
    isMergeQueueEnabled: false,
    mergeQueueEntry: null,
    autoMergeRequest: null,
    reviewDecision: null,
    milestone: null,
    mergeable: () => reader.mergeable(repo, pull),
    mergeStateStatus: () => reader.mergeStateStatus(repo, pull),
    additions: async () => (await reader.diffStat(repo, pull)).additions,
    deletions: async () => (await reader.diffStat(repo, pull)).deletions,
    changedFiles: async () => (await reader.diffStat(repo, pull)).files,
    files: async (args: Args) =>
      connection(
        (await reader.files(repo, pull)).map((f) => ({ __typename: 'PullRequestChangedFile', ...f, viewerViewedState: 'UNVIEWED' })),
        args,
      ),
    potentialMergeCommit: null,
    statusCheckRollup: async () => rollupNode(ctx, repo, await headOid()),
    commits: async (args: Args) => connection(await prCommits(), args),
    comments: (args: Args) =>
      connection(
        pull.comments.map((c) => issueCommentNode(ctx, repo, pull, c)),
        args,
      ),
    reviews: (args: Args) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : null;
      const list = pull.reviews.filter((r) => states === null || states.includes(r.state));
      return connection(
        list.map((r) => reviewNode(ctx, repo, pull, r)),
        args,
      );
    },
    latestReviews: (args: Args) =>
      connection(
        latestReviews().map((r) => reviewNode(ctx, repo, pull, r)),
        args,
      ),
    latestOpinionatedReviews: (args: Args) =>
      connection(
        latestReviews()
          .filter((r) => r.state !== 'COMMENTED')
          .map((r) => reviewNode(ctx, repo, pull, r)),
        args,
      ),
    reviewThreads: (args: Args) =>
      connection(
        pull.threads.map((t) => reviewThreadNode(ctx, repo, pull, t)),
        args,
      ),
    reviewRequests: (args: Args) => connection([], args),
    assignees: (args: Args) => connection([], args),
    labels: (args: Args) => connection([], args),
    projectCards: (args: Args) => connection([], args),
    projectItems: (args: Args) => connection([], args),
    participants: (args: Args) => connection([userNode(ctx, pull.author)], args),
    closingIssuesReferences: (args: Args) => connection([], args),
    reactionGroups: [],
    totalCommentsCount: pull.comments.length,
    checksUrl: `${pullWebUrl(repo, pull)}/checks`,
    viewerCanUpdate: true,
    viewerCanClose: pull.state === 'OPEN',
    viewerCanReopen: pull.state === 'CLOSED',
  };
}
