// The Actions REST API of the fake (as gh 2.23's `run list/view/rerun` call it):
// workflows, workflow runs, their jobs, annotations and the run-log archive, all
// read from the check runs of a commit (one workflow's check runs form one run).
import { conclusionOfSteps, jobLogText, jobSteps, runConclusion, runLogArchive, runStatus } from './actions';
import type { WorkflowRecord, WorkflowRunRecord } from './actions';
import type { CheckRecord } from './checks';
import { GitHubError } from './pulls';
import type { RestAnswer, RestCall } from './rest';
import { restRepo, restUser } from './rest-shapes';
import type { Json } from './rest-shapes';
import type { Repo } from './model';
import type { GitHubState } from './state';
import { repoApiUrl, repoWebUrl } from './urls';

export function restWorkflow(repo: Repo, workflow: WorkflowRecord): Json {
  return {
    id: workflow.id,
    node_id: workflow.nodeId,
    name: workflow.name,
    path: workflow.path,
    state: 'active',
    created_at: workflow.createdAt,
    updated_at: workflow.createdAt,
    url: `${repoApiUrl(repo)}/actions/workflows/${workflow.id}`,
    html_url: `${repoWebUrl(repo)}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${repoWebUrl(repo)}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

/** A run's `head_commit`: the commit as git has it (null if git does not know it). */
function headCommit(run: WorkflowRunRecord): Json | null {
  const c = run.headCommit;
  if (!c) return null;
  return {
    id: run.headSha,
    tree_id: c.treeOid,
    message: [c.headline, c.body].filter((p) => p !== '').join('\n\n'),
    timestamp: c.committedDate.replace(/\+00:00$/, 'Z'),
    author: { name: c.authorName, email: c.authorEmail },
    committer: { name: c.committerName, email: c.committerEmail },
  };
}

export function runWebUrl(repo: Repo, runId: number): string {
  return `${repoWebUrl(repo)}/actions/runs/${runId}`;
}

export function restWorkflowRun(state: GitHubState, repo: Repo, run: WorkflowRunRecord): Json {
  const api = `${repoApiUrl(repo)}/actions/runs/${run.id}`;
  const workflow = [...repo.workflows.values()].find((w) => w.id === run.workflowId);
  const repository = restRepo(state, repo);
  return {
    id: run.id,
    name: run.workflowName,
    node_id: run.nodeId,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? '',
    display_title: run.headCommit?.headline ?? run.workflowName,
    run_number: run.runNumber,
    event: run.event,
    status: runStatus(run),
    conclusion: runConclusion(run),
    workflow_id: run.workflowId,
    check_suite_id: run.id,
    check_suite_node_id: `CS_${run.nodeId}`,
    url: api,
    html_url: runWebUrl(repo, run.id),
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: restUser(state, run.actor),
    triggering_actor: restUser(state, run.actor),
    run_attempt: run.runAttempt,
    run_started_at: run.runStartedAt,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repoApiUrl(repo)}/check-suites/${run.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${api}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${repoApiUrl(repo)}/actions/workflows/${run.workflowId}`,
    head_commit: headCommit(run),
    repository,
    head_repository: repository,
  };
}

export function restJob(repo: Repo, run: WorkflowRunRecord, job: CheckRecord): Json {
  return {
    id: job.id,
    run_id: run.id,
    run_url: `${repoApiUrl(repo)}/actions/runs/${run.id}`,
    run_attempt: run.runAttempt,
    node_id: job.nodeId,
    head_sha: job.headSha,
    head_branch: run.headBranch,
    url: `${repoApiUrl(repo)}/actions/jobs/${job.id}`,
    html_url: `${runWebUrl(repo, run.id)}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion ?? null,
    created_at: run.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    workflow_name: run.workflowName,
    steps: jobSteps(job).map((s) => ({
      name: s.name,
      status: s.status,
      conclusion: s.conclusion,
      number: s.number,
      started_at: s.startedAt,
      completed_at: s.completedAt,
    })),
    check_run_url: `${repoApiUrl(repo)}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: 1,
    runner_name: 'GitHub Actions 1',
    runner_group_id: 1,
    runner_group_name: 'GitHub Actions',
  };
}

/** A check suite: on the fake, the suite of a workflow run shares its id, status and conclusion. */
export function restCheckSuite(state: GitHubState, repo: Repo, run: WorkflowRunRecord): Json {
  return {
    id: run.id,
    node_id: `CS_${run.nodeId}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    status: runStatus(run),
    conclusion: runConclusion(run),
    url: `${repoApiUrl(repo)}/check-suites/${run.id}`,
    before: null,
    after: run.headSha,
    pull_requests: [],
    app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    rerequestable: true,
    runs_rerequestable: false,
    latest_check_runs_count: run.jobs.length,
    check_runs_url: `${repoApiUrl(repo)}/check-suites/${run.id}/check-runs`,
    head_commit: headCommit(run),
    repository: restRepo(state, repo),
  };
}

/**
 * A failed job's annotation, as Actions adds one when a step exits non-zero
 * (gh lists them under ANNOTATIONS in `gh run view`).
 */
export function restAnnotations(job: CheckRecord): Json[] {
  if (job.conclusion === undefined || conclusionOfSteps([{ name: job.name, conclusion: job.conclusion }]) === 'success') return [];
  return [
    {
      path: '.github',
      start_line: 1,
      end_line: 1,
      start_column: null,
      end_column: null,
      annotation_level: 'failure',
      title: '',
      message: 'Process completed with exit code 1.',
      raw_details: '',
      blob_href: '',
    },
  ];
}

const ok = (json: unknown, status = 200): RestAnswer => ({ status, json });

type Handler = (call: RestCall, repo: Repo, params: string[]) => RestAnswer | Promise<RestAnswer>;

function runOf(call: RestCall, repo: Repo, id: string): WorkflowRunRecord {
  const run = call.reader.state.findRun(repo, Number(id));
  if (!run) throw new GitHubError(404, 'Not Found');
  return run;
}

function attemptOf(run: WorkflowRunRecord, attempt: string | undefined): void {
  if (attempt !== undefined && Number(attempt) !== run.runAttempt) throw new GitHubError(404, 'Not Found');
}

/** `GET …/actions/runs` filters: branch, head_sha, event, actor, status (a status or a conclusion). */
function listRuns(call: RestCall, repo: Repo, workflowId?: number): RestAnswer {
  const q = call.query;
  const state = call.reader.state;
  const status = q.get('status');
  const matching = [...repo.runs].reverse().filter((run) => {
    if (workflowId !== undefined && run.workflowId !== workflowId) return false;
    if (q.get('branch') !== null && run.headBranch !== q.get('branch')) return false;
    if (q.get('head_sha') !== null && run.headSha !== q.get('head_sha')) return false;
    if (q.get('event') !== null && run.event !== q.get('event')) return false;
    if (q.get('actor') !== null && run.actor.toLowerCase() !== q.get('actor')?.toLowerCase()) return false;
    return status === null || runStatus(run) === status || runConclusion(run) === status;
  });
  const perPage = Math.min(Number(q.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(q.get('page') ?? 1) || 1, 1);
  const slice = matching.slice((page - 1) * perPage, page * perPage);
  return ok({ total_count: matching.length, workflow_runs: slice.map((r) => restWorkflowRun(state, repo, r)) });
}

function findJob(repo: Repo, id: number): { run: WorkflowRunRecord; job: CheckRecord } {
  for (const run of repo.runs) {
    const job = run.jobs.find((j) => j.id === id);
    if (job) return { run, job };
  }
  throw new GitHubError(404, 'Not Found');
}

/** Routes under `/repos/O/R/`: path pattern (after the repository) and handler. */
export const actionsRoutes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^actions\/workflows$/,
    (_call, repo) => {
      const workflows = [...repo.workflows.values()].map((w) => restWorkflow(repo, w));
      return ok({ total_count: workflows.length, workflows });
    },
  ],
  [
    'GET',
    /^actions\/workflows\/([^/]+)$/,
    (_call, repo, [id = '']) => {
      const workflow = [...repo.workflows.values()].find((w) => String(w.id) === id || w.path.endsWith(`/${decodeURIComponent(id)}`));
      if (!workflow) throw new GitHubError(404, 'Not Found');
      return ok(restWorkflow(repo, workflow));
    },
  ],
  ['GET', /^actions\/workflows\/(\d+)\/runs$/, (call, repo, [id = '']) => listRuns(call, repo, Number(id))],
  ['GET', /^actions\/runs$/, (call, repo) => listRuns(call, repo)],
  [
    'GET',
    /^actions\/runs\/(\d+)(?:\/attempts\/(\d+))?$/,
    (call, repo, [id = '', attempt]) => {
      const run = runOf(call, repo, id);
      attemptOf(run, attempt);
      return ok(restWorkflowRun(call.reader.state, repo, run));
    },
  ],
  [
    'GET',
    /^actions\/runs\/(\d+)(?:\/attempts\/(\d+))?\/jobs$/,
    (call, repo, [id = '', attempt]) => {
      const run = runOf(call, repo, id);
      attemptOf(run, attempt);
      return ok({ total_count: run.jobs.length, jobs: run.jobs.map((j) => restJob(repo, run, j)) });
    },
  ],
  [
    'GET',
    /^actions\/runs\/(\d+)\/logs$/,
    (call, repo, [id = '']) => {
      const run = runOf(call, repo, id);
      if (runStatus(run) !== 'completed') throw new GitHubError(404, 'Not Found');
      return { status: 200, binary: { data: runLogArchive(run), contentType: 'application/zip' } };
    },
  ],
  [
    'GET',
    /^actions\/runs\/(\d+)\/artifacts$/,
    (call, repo, [id = '']) => {
      runOf(call, repo, id);
      return ok({ total_count: 0, artifacts: [] });
    },
  ],
  [
    'POST',
    /^actions\/runs\/(\d+)\/(rerun|rerun-failed-jobs)$/,
    (call, repo, [id = '', which = '']) => {
      if (call.login === null) throw new GitHubError(401, 'Requires authentication');
      const run = runOf(call, repo, id);
      if (runStatus(run) !== 'completed') throw new GitHubError(403, 'This workflow is already running');
      call.reader.state.rerun(repo, run, which === 'rerun-failed-jobs');
      return { status: 201, json: {} };
    },
  ],
  [
    'GET',
    /^actions\/jobs\/(\d+)$/,
    (_call, repo, [id = '']) => {
      const { run, job } = findJob(repo, Number(id));
      return ok(restJob(repo, run, job));
    },
  ],
  [
    'GET',
    /^actions\/jobs\/(\d+)\/logs$/,
    (call, repo, [id = '']) => {
      const check = call.reader.state.findCheck(repo, Number(id));
      if (!check) throw new GitHubError(404, 'Not Found');
      return { status: 200, text: check.kind === 'status' ? (check.logs ?? '') : jobLogText(check) };
    },
  ],
  [
    'GET',
    /^commits\/(.+)\/check-suites$/,
    async (call, repo, [ref = '']) => {
      const sha = await call.reader.git(repo).resolve(decodeURIComponent(ref));
      if (sha === null) throw new GitHubError(422, `No commit found for SHA: ${ref}`);
      const suites = repo.runs.filter((r) => r.headSha === sha).map((r) => restCheckSuite(call.reader.state, repo, r));
      return ok({ total_count: suites.length, check_suites: suites });
    },
  ],
  ['GET', /^check-suites\/(\d+)$/, (call, repo, [id = '']) => ok(restCheckSuite(call.reader.state, repo, runOf(call, repo, id)))],
  [
    'GET',
    /^check-runs\/(\d+)\/annotations$/,
    (_call, repo, [id = '']) => {
      const { job } = findJob(repo, Number(id));
      return ok(restAnnotations(job));
    },
  ],
];
