// GraphQL objects for commits (read from the bare repository) and their CI: the
// StatusCheckRollup with CheckRun / StatusContext nodes built from `setChecks`.
import { runConclusion, runStatus } from '../actions';
import { rollupState, statusContextState } from '../checks';
import type { CheckRecord } from '../checks';
import type { CommitInfo } from '../git';
import type { Repo } from '../model';
import { repoWebUrl } from '../urls';
import { gitActor } from './actors';
import { connection } from './context';
import type { Args, GqlContext } from './context';
import { repoNode } from './repo-node';

/** A check's details URL: an Actions job page (`…/actions/runs/RUN/job/JOB`) as GitHub links them. */
export function checkDetailsUrl(repo: Repo, check: CheckRecord): string {
  if (check.detailsUrl !== undefined) return check.detailsUrl;
  if (check.runId !== null) return `${repoWebUrl(repo)}/actions/runs/${check.runId}/job/${check.id}`;
  return `${repoWebUrl(repo)}/runs/${check.id}`;
}

/** One `StatusCheckRollupContext`: a `CheckRun` or a `StatusContext`. */
export function checkContextNode(repo: Repo, check: CheckRecord): Record<string, unknown> {
  if (check.kind === 'status') {
    return {
      __typename: 'StatusContext',
      id: check.nodeId,
      context: check.name,
      state: statusContextState(check),
      targetUrl: checkDetailsUrl(repo, check),
      description: check.summary ?? null,
      createdAt: check.startedAt,
      avatarUrl: null,
      isRequired: () => false,
    };
  }
  const workflowName = check.workflow ?? 'CI';
  const run = check.runId === null ? undefined : repo.runs.find((r) => r.id === check.runId);
  // The suite is the workflow run: its status and conclusion are the run's, not this job's.
  const suiteStatus = run ? runStatus(run) : check.status;
  const suiteConclusion = run ? runConclusion(run) : (check.conclusion ?? null);
  return {
    __typename: 'CheckRun',
    id: check.nodeId,
    databaseId: check.id,
    name: check.name,
    status: check.status.toUpperCase(),
    conclusion: check.conclusion === undefined ? null : check.conclusion.toUpperCase(),
    startedAt: check.startedAt,
    completedAt: check.completedAt,
    detailsUrl: checkDetailsUrl(repo, check),
    url: `${repoWebUrl(repo)}/runs/${check.id}`,
    permalink: `${repoWebUrl(repo)}/runs/${check.id}`,
    title: check.summary ?? null,
    summary: check.summary ?? null,
    text: check.logs ?? null,
    isRequired: () => false,
    annotations: (args: Args) => connection([], args),
    checkSuite: {
      __typename: 'CheckSuite',
      id: `CS_${check.runId ?? check.id}`,
      databaseId: check.runId ?? check.id,
      status: suiteStatus.toUpperCase(),
      conclusion: suiteConclusion === null ? null : suiteConclusion.toUpperCase(),
      app: { name: 'GitHub Actions', slug: 'github-actions' },
      workflowRun: {
        __typename: 'WorkflowRun',
        databaseId: check.runId ?? check.id,
        event: run?.event ?? 'push',
        runNumber: run?.runNumber ?? 1,
        url: `${repoWebUrl(repo)}/actions/runs/${check.runId ?? check.id}`,
        workflow: { __typename: 'Workflow', name: workflowName, id: `W_${workflowName}` },
      },
    },
  };
}

function countsByState(values: string[]): { state: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([state, count]) => ({ state, count }));
}

/** `Commit.statusCheckRollup`: null when the commit has no checks, as on GitHub. */
export function rollupNode(ctx: GqlContext, repo: Repo, oid: string): Record<string, unknown> | null {
  const checks = ctx.reader.checks(repo, oid);
  const state = rollupState(checks);
  if (state === null) return null;
  const runs = checks.filter((c) => c.kind !== 'status');
  const statuses = checks.filter((c) => c.kind === 'status');
  return {
    __typename: 'StatusCheckRollup',
    id: `SCR_${oid}`,
    state,
    commit: () => commitNode(ctx, repo, oid),
    contexts: (args: Args) =>
      connection(
        checks.map((c) => checkContextNode(repo, c)),
        args,
        {
          checkRunCount: runs.length,
          statusContextCount: statuses.length,
          checkRunCountsByState: countsByState(
            runs.map((c) => (c.status === 'completed' ? (c.conclusion ?? 'neutral') : c.status).toUpperCase()),
          ),
          statusContextCountsByState: countsByState(statuses.map(statusContextState)),
        },
      ),
  };
}

/** A `Commit` whose message and dates are read lazily from git. */
export function commitNode(ctx: GqlContext, repo: Repo, oid: string, known?: CommitInfo): Record<string, unknown> {
  const info = async (): Promise<CommitInfo | null> => known ?? (await ctx.reader.commit(repo, oid));
  const actor = async (): Promise<Record<string, unknown> | null> => {
    const c = await info();
    return c ? gitActor(c.authorName, c.authorEmail, c.authoredDate) : null;
  };
  return {
    __typename: 'Commit',
    id: `C_${oid}`,
    oid,
    abbreviatedOid: oid.slice(0, 7),
    url: `${repoWebUrl(repo)}/commit/${oid}`,
    commitUrl: `${repoWebUrl(repo)}/commit/${oid}`,
    resourcePath: `/${repo.owner}/${repo.name}/commit/${oid}`,
    message: async () => {
      const c = await info();
      return c ? (c.body === '' ? c.headline : `${c.headline}\n\n${c.body}`) : '';
    },
    messageHeadline: async () => (await info())?.headline ?? '',
    messageBody: async () => (await info())?.body ?? '',
    authoredDate: async () => (await info())?.authoredDate ?? '1970-01-01T00:00:00Z',
    committedDate: async () => (await info())?.committedDate ?? '1970-01-01T00:00:00Z',
    author: actor,
    committer: actor,
    authors: async (args: Args) => {
      const a = await actor();
      return connection(a ? [a] : [], args);
    },
    repository: () => repoNode(ctx, repo),
    statusCheckRollup: () => rollupNode(ctx, repo, oid),
    status: () => {
      const statuses = ctx.reader.checks(repo, oid).filter((c) => c.kind === 'status');
      const state = rollupState(statuses);
      return state === null ? null : { state, contexts: statuses.map((c) => checkContextNode(repo, c)) };
    },
  };
}
