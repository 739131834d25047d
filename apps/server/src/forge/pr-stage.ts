// Reading a task's pull-request stage from GitHub (docs/behaviour/loop.md#pr-stage), through `gh`:
// the pull request itself, the branch's workflow runs grouped into CI rounds (one per pushed head
// commit), a failing round's log excerpt, and the review threads (GraphQL). Also the conflicting
// files of a CONFLICTING pull request, computed locally with `git merge-tree`. The parsers are
// pure and tested on their own; the readers throw when GitHub cannot be read.
import type { CiRoundState, PrMergeable } from '@bottega/protocol';
import { z } from 'zod';
import { runGh, summarizeChecks, type CheckState, type GitHubRepo, type PullRequestInfo, type RollupItem } from './github';

/** The pull request as the stage needs it: `gh pr view` plus the head commit and the base branch. */
export interface PullRequestStageInfo extends PullRequestInfo {
  headSha: string;
  baseBranch: string;
}

/** One workflow run of the branch, as `GET /repos/o/r/actions/runs` lists it. */
export interface WorkflowRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  htmlUrl: string | null;
  createdAt: string;
}

/** One CI round as read from GitHub: the checks of one head commit. */
export interface CiRoundRead {
  headSha: string;
  state: CiRoundState;
  failingChecks: string[];
  detailsUrl: string | null;
  /** The first failing Actions run, whose log the excerpt is read from; null when none (or not Actions). */
  failedRunId: number | null;
  /** True when `failingChecks` are check names from the rollup; false when they are workflow names. */
  checksFromRollup: boolean;
}

const WorkflowRunsJson = z.object({
  workflow_runs: z.array(
    z
      .object({
        id: z.number(),
        name: z.string().nullish(),
        head_sha: z.string(),
        status: z.string().nullish(),
        conclusion: z.string().nullish(),
        html_url: z.string().nullish(),
        created_at: z.string().nullish(),
      })
      .loose(),
  ),
});

/** Parses the JSON of `gh api repos/o/r/actions/runs?branch=…`. */
export function parseWorkflowRuns(json: string): WorkflowRun[] {
  return WorkflowRunsJson.parse(JSON.parse(json)).workflow_runs.map((r) => ({
    id: r.id,
    name: r.name ?? 'CI',
    headSha: r.head_sha,
    status: (r.status ?? '').toLowerCase(),
    conclusion: r.conclusion ? r.conclusion.toLowerCase() : null,
    htmlUrl: r.html_url ?? null,
    createdAt: r.created_at ?? '',
  }));
}

const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

function runState(run: WorkflowRun): CiRoundState {
  if (run.status !== 'completed') return 'pending';
  return run.conclusion !== null && PASSING_CONCLUSIONS.has(run.conclusion) ? 'success' : 'failure';
}

function combine(states: readonly CiRoundState[]): CiRoundState {
  if (states.includes('failure')) return 'failure';
  if (states.includes('pending')) return 'pending';
  return 'success';
}

/**
 * The CI rounds of a branch, oldest first: one per distinct head commit of its workflow runs
 * (ordered by each commit's first run), plus the pull request's head when it has checks but no
 * workflow run (CI that is not Actions). The head's round takes its state and failing checks
 * from the pull request's rollup, which names every check of that commit.
 */
export function ciRoundsFrom(runs: readonly WorkflowRun[], head: { sha: string; rollup: readonly RollupDetail[] } | null): CiRoundRead[] {
  const bySha = new Map<string, WorkflowRun[]>();
  const ordered = [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  for (const run of ordered) bySha.set(run.headSha, [...(bySha.get(run.headSha) ?? []), run]);
  const rounds: CiRoundRead[] = [...bySha.entries()].map(([headSha, shaRuns]) => {
    const failed = shaRuns.filter((r) => runState(r) === 'failure');
    return {
      headSha,
      state: combine(shaRuns.map(runState)),
      failingChecks: [...new Set(failed.map((r) => r.name))],
      detailsUrl: (failed[0] ?? shaRuns[0])?.htmlUrl ?? null,
      failedRunId: failed[0]?.id ?? null,
      checksFromRollup: false,
    };
  });
  if (head && head.rollup.length > 0) {
    const { checks, ci } = summarizeChecks([...head.rollup]);
    const failingIndex = checks.findIndex((c) => c.state === 'failure');
    const failing = failingIndex === -1 ? null : head.rollup[failingIndex];
    const detailsUrl = (failing ?? head.rollup[0])?.detailsUrl ?? (failing ?? head.rollup[0])?.targetUrl ?? null;
    const existing = rounds.find((r) => r.headSha === head.sha);
    const fromRollup = {
      state: ci === 'none' ? 'pending' : ci,
      failingChecks: checks.filter((c: CheckState) => c.state === 'failure').map((c) => c.name),
    } as const;
    if (existing) {
      existing.state = fromRollup.state;
      existing.failingChecks = [...fromRollup.failingChecks];
      existing.checksFromRollup = true;
      if (fromRollup.state === 'failure') existing.detailsUrl = detailsUrl ?? existing.detailsUrl;
      // The log is read from a failing Actions run of this commit, when there is one.
      if (fromRollup.state !== 'failure') existing.failedRunId = null;
    } else {
      rounds.push({
        headSha: head.sha,
        state: fromRollup.state,
        failingChecks: [...fromRollup.failingChecks],
        detailsUrl,
        failedRunId: null,
        checksFromRollup: true,
      });
    }
  }
  return rounds;
}

/** A rollup entry with the address of its details (check runs) or target (commit statuses). */
export interface RollupDetail extends RollupItem {
  detailsUrl?: string | null;
  targetUrl?: string | null;
}

/** Lines and bytes a log excerpt keeps from the end of a failing job's log. */
export const EXCERPT_MAX_LINES = 60;
export const EXCERPT_MAX_BYTES = 6 * 1024;

const LOG_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

/**
 * The excerpt of `gh run view --log-failed`: the lines of the first failing job (its
 * `job<TAB>step<TAB>` prefix and timestamp dropped), the last 60 of them, at most 6 KB (the
 * end kept). Also the names of every job that failed. Null excerpt for an empty log.
 */
export function logExcerpt(output: string): { excerpt: string | null; jobs: string[] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((line) => {
    const parts = line.split('\t');
    if (parts.length >= 3) return { job: parts[0] as string, text: parts.slice(2).join('\t').replace(LOG_TIMESTAMP, '') };
    return { job: null, text: line.replace(LOG_TIMESTAMP, '') };
  });
  const jobs = [...new Set(parsed.map((p) => p.job).filter((j): j is string => j !== null && j !== ''))];
  const first = jobs[0];
  const ofFirst = parsed.filter((p) => first === undefined || p.job === first || p.job === null).map((p) => p.text.trimEnd());
  if (ofFirst.length === 0) return { excerpt: null, jobs };
  let text = ofFirst.slice(-EXCERPT_MAX_LINES).join('\n');
  if (Buffer.byteLength(text) > EXCERPT_MAX_BYTES) {
    const bytes = Buffer.from(text);
    text = bytes.subarray(bytes.length - EXCERPT_MAX_BYTES).toString('utf8');
    // Start at a whole line (and never on half a character).
    const nl = text.indexOf('\n');
    text = (nl === -1 ? text : text.slice(nl + 1)).replace(/^\uFFFD+/, '');
  }
  return { excerpt: text, jobs };
}

/** A review thread as read through GraphQL. */
export interface ReviewThreadRead {
  id: string;
  path: string;
  line: number | null;
  resolved: boolean;
  comments: { databaseId: number | null; body: string; url: string; author: string }[];
}

export const REVIEW_THREADS_QUERY = `query PullRequestReviewThreads($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100) {
        nodes { id isResolved path line comments(first: 50) { nodes { databaseId body url author { login } } } }
      }
    }
  }
}`;

const ThreadsJson = z.object({
  data: z.object({
    repository: z
      .object({
        pullRequest: z
          .object({
            reviewThreads: z.object({
              nodes: z.array(
                z
                  .object({
                    id: z.string(),
                    isResolved: z.boolean(),
                    path: z.string(),
                    line: z.number().nullish(),
                    comments: z.object({
                      nodes: z.array(
                        z
                          .object({
                            databaseId: z.number().nullish(),
                            body: z.string(),
                            url: z.string().nullish(),
                            author: z.object({ login: z.string() }).loose().nullish(),
                          })
                          .loose(),
                      ),
                    }),
                  })
                  .loose(),
              ),
            }),
          })
          .loose()
          .nullable(),
      })
      .loose()
      .nullable(),
  }),
});

/** Parses the answer to REVIEW_THREADS_QUERY. */
export function parseReviewThreads(json: string): ReviewThreadRead[] {
  const nodes = ThreadsJson.parse(JSON.parse(json)).data.repository?.pullRequest?.reviewThreads.nodes ?? [];
  return nodes.map((t) => ({
    id: t.id,
    path: t.path,
    line: t.line ?? null,
    resolved: t.isResolved,
    comments: t.comments.nodes.map((c) => ({
      databaseId: c.databaseId ?? null,
      body: c.body,
      url: c.url ?? '',
      author: c.author?.login ?? 'ghost',
    })),
  }));
}

/** The pull request of `branch` with its head commit and base, or null when there is none. */
export async function readPullRequestStage(
  repo: GitHubRepo,
  branch: string,
): Promise<{ pr: PullRequestStageInfo; rollup: RollupDetail[] } | null> {
  const out = await runGh(repo, [
    'pr',
    'view',
    branch,
    '--repo',
    repo.slug,
    '--json',
    'number,url,state,mergeable,headRefOid,statusCheckRollup,baseRefName',
  ]).catch((err: unknown) => {
    if (err instanceof Error && /no pull requests? found/i.test(`${err.message} ${stderrOf(err)}`)) return null;
    throw err;
  });
  if (out === null) return null;
  const j = JSON.parse(out) as {
    number: number;
    url: string;
    state: PullRequestInfo['state'];
    mergeable: PrMergeable;
    headRefOid: string;
    baseRefName: string;
    statusCheckRollup: RollupDetail[] | null;
  };
  const rollup = j.statusCheckRollup ?? [];
  return {
    pr: {
      number: j.number,
      url: j.url,
      state: j.state,
      mergeable: j.mergeable,
      headSha: j.headRefOid,
      baseBranch: j.baseRefName,
      ...summarizeChecks(rollup),
    },
    rollup,
  };
}

function stderrOf(err: unknown): string {
  const result = (err as { result?: { stderr?: unknown } }).result;
  return typeof result?.stderr === 'string' ? result.stderr : '';
}

/** The branch's workflow runs (the newest 100). */
export async function listWorkflowRuns(repo: GitHubRepo, branch: string): Promise<WorkflowRun[]> {
  const out = await runGh(repo, ['api', `repos/${repo.slug}/actions/runs?branch=${encodeURIComponent(branch)}&per_page=100`]);
  return parseWorkflowRuns(out);
}

/** The failing jobs' log of one run (`gh run view --log-failed`), as an excerpt. */
export async function readFailedLog(repo: GitHubRepo, runId: number): Promise<{ excerpt: string | null; jobs: string[] }> {
  return logExcerpt(await runGh(repo, ['run', 'view', String(runId), '--repo', repo.slug, '--log-failed']));
}

/** The pull request's review threads (the first 100, each with its first 50 comments). */
export async function readReviewThreads(repo: GitHubRepo, number: number): Promise<ReviewThreadRead[]> {
  const out = await runGh(repo, [
    'api',
    'graphql',
    '-f',
    `query=${REVIEW_THREADS_QUERY}`,
    '-f',
    `owner=${repo.owner}`,
    '-f',
    `name=${repo.repo}`,
    '-F',
    `number=${number}`,
  ]);
  return parseReviewThreads(out);
}
