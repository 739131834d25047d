// The GraphQL `Repository` object: settings gh reads (merge methods, permission,
// default branch), branch refs from the bare repository, and the pull-request lookups.
import { GraphQLError } from 'graphql';
import type { PullRequest, Repo } from '../model';
import { repoWebUrl } from '../urls';
import { ownerNode } from './actors';
import { commitNode } from './commit-node';
import { connection } from './context';
import type { Args, GqlContext } from './context';
import { pullRequestNode } from './pr-node';

function sortPulls(pulls: PullRequest[], orderBy: unknown): PullRequest[] {
  const o = (orderBy ?? {}) as { field?: string; direction?: string };
  const key = (p: PullRequest): string => (o.field === 'UPDATED_AT' ? p.updatedAt : p.createdAt);
  const sorted = [...pulls].sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
  return o.direction === 'DESC' ? sorted.reverse() : sorted;
}

export function refNode(ctx: GqlContext, repo: Repo, name: string, oid: string): Record<string, unknown> {
  return {
    __typename: 'Ref',
    id: `REF_${repo.nodeId}_${name}`,
    name,
    prefix: 'refs/heads/',
    target: () => commitNode(ctx, repo, oid),
    repository: () => repoNode(ctx, repo),
  };
}

export function repoNode(ctx: GqlContext, repo: Repo): Record<string, unknown> {
  const permission = ctx.state.permission(repo, ctx.viewer.login);
  const branchRef = async (name: string): Promise<Record<string, unknown> | null> => {
    const oid = await ctx.reader.branchOid(repo, name);
    return oid === null ? null : refNode(ctx, repo, name, oid);
  };
  return {
    __typename: 'Repository',
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    owner: () => ownerNode(ctx, repo.owner),
    description: null,
    homepageUrl: null,
    url: repoWebUrl(repo),
    resourcePath: `/${repo.owner}/${repo.name}`,
    sshUrl: `git@github.localhost:${repo.owner}/${repo.name}.git`,
    createdAt: repo.createdAt,
    updatedAt: repo.createdAt,
    pushedAt: repo.createdAt,
    isPrivate: false,
    visibility: 'PUBLIC',
    isFork: false,
    isArchived: false,
    isTemplate: false,
    isMirror: false,
    isLocked: false,
    isDisabled: false,
    isInOrganization: ctx.state.user(repo.owner)?.type === 'Organization',
    isEmpty: async () => (await ctx.reader.branches(repo)).size === 0,
    parent: null,
    templateRepository: null,
    mirrorUrl: null,
    hasIssuesEnabled: true,
    hasWikiEnabled: false,
    hasProjectsEnabled: false,
    hasDiscussionsEnabled: false,
    mergeCommitAllowed: true,
    squashMergeAllowed: true,
    rebaseMergeAllowed: false,
    autoMergeAllowed: false,
    deleteBranchOnMerge: false,
    forkingAllowed: true,
    forkCount: 0,
    stargazerCount: 0,
    watchers: (args: Args) => connection([], args),
    viewerPermission: permission === 'none' ? 'READ' : permission.toUpperCase(),
    viewerCanAdminister: permission === 'admin',
    viewerDefaultMergeMethod: 'MERGE',
    viewerDefaultCommitEmail: null,
    viewerHasStarred: false,
    viewerSubscription: 'UNSUBSCRIBED',
    primaryLanguage: null,
    licenseInfo: null,
    repositoryTopics: (args: Args) => connection([], args),
    labels: (args: Args) => connection([], args),
    assignableUsers: (args: Args) => connection([], args),
    milestones: (args: Args) => connection([], args),
    defaultBranchRef: () => branchRef(repo.defaultBranch),
    ref: (args: Args) => {
      const name = String(args.qualifiedName ?? '').replace(/^refs\/heads\//, '');
      return branchRef(name);
    },
    refs: async (args: Args) => {
      const branches = [...(await ctx.reader.branches(repo))];
      return connection(
        branches.map(([name, oid]) => refNode(ctx, repo, name, oid)),
        args,
      );
    },
    pullRequest: (args: Args) => {
      const pull = ctx.state.findPull(repo, Number(args.number));
      if (!pull) {
        throw new GraphQLError(`Could not resolve to a PullRequest with the number of ${String(args.number)}.`, {
          extensions: { type: 'NOT_FOUND' },
        });
      }
      return pullRequestNode(ctx, repo, pull);
    },
    pullRequests: (args: Args) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : null;
      const filtered = repo.pulls.filter(
        (p) =>
          (states === null || states.includes(p.state)) &&
          (typeof args.headRefName !== 'string' || p.headRefName === args.headRefName) &&
          (typeof args.baseRefName !== 'string' || p.baseRefName === args.baseRefName),
      );
      return connection(
        sortPulls(filtered, args.orderBy).map((p) => pullRequestNode(ctx, repo, p)),
        args,
      );
    },
  };
}
