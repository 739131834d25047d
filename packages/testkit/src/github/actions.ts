// GitHub Actions as the fake models it: workflows, and workflow runs whose jobs are the
// check runs of one workflow on one commit (so checks, the PR rollup and `gh run`
// read the same records). Pure derivations: run status, job steps, the log archive.
import type { CheckConclusion, CheckRecord, CheckStatus, StepSpec } from './checks';
import type { CommitInfo } from './git';
import { writeZip } from './zip';

export interface WorkflowRecord {
  id: number;
  nodeId: string;
  name: string;
  /** `.github/workflows/<slug>.yml` */
  path: string;
  createdAt: string;
  /** Runs made so far (run numbers only grow, even when a commit's runs are replaced). */
  runCount: number;
}

export interface WorkflowRunRecord {
  id: number;
  nodeId: string;
  workflowId: number;
  workflowName: string;
  /** Per workflow, from 1. */
  runNumber: number;
  runAttempt: number;
  headSha: string;
  /** The branch the commit was pushed to (null when the commit is on no branch). */
  headBranch: string | null;
  /** The head commit (its headline is the run's title); null if unknown to git. */
  headCommit: CommitInfo | null;
  event: string;
  actor: string;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  /** Whether a re-run completes at once or stays pending until the test completes it. */
  completesAtOnce: boolean;
  jobs: CheckRecord[];
}

export interface StepView {
  number: number;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  log: string;
}

const FAILING: ReadonlySet<CheckConclusion> = new Set(['failure', 'cancelled', 'timed_out', 'action_required', 'startup_failure', 'stale']);

/** `queued` until a job starts, `completed` once every job has, else `in_progress`. */
export function runStatus(run: WorkflowRunRecord): CheckStatus {
  if (run.jobs.length === 0 || run.jobs.every((j) => j.status === 'queued')) return 'queued';
  return run.jobs.every((j) => j.status === 'completed') ? 'completed' : 'in_progress';
}

/** A completed run fails with its first failing job's conclusion, else succeeds (null while running). */
export function runConclusion(run: WorkflowRunRecord): CheckConclusion | null {
  if (runStatus(run) !== 'completed') return null;
  const failed = run.jobs.find((j) => j.conclusion !== undefined && FAILING.has(j.conclusion));
  if (failed?.conclusion !== undefined) return failed.conclusion;
  return run.jobs.every((j) => j.conclusion === 'skipped') ? 'skipped' : 'success';
}

/** The steps a job declares, or the three a bare check run stands for. */
export function stepSpecs(job: Pick<CheckRecord, 'name' | 'steps' | 'logs' | 'conclusion' | 'scriptedConclusion'>): StepSpec[] {
  if (job.steps !== undefined) return job.steps;
  const outcome = job.conclusion ?? job.scriptedConclusion;
  return [
    { name: 'Set up job', conclusion: 'success' },
    { name: `Run ${job.name}`, ...(outcome === undefined ? {} : { conclusion: outcome }), log: job.logs ?? '' },
    { name: 'Complete job', conclusion: 'success' },
  ];
}

/** The conclusion a job with these steps ends with: its first failing step's, else success. */
export function conclusionOfSteps(steps: readonly StepSpec[]): CheckConclusion {
  return steps.find((s) => s.conclusion !== undefined && FAILING.has(s.conclusion))?.conclusion ?? 'success';
}

/** Steps as the jobs API reports them: all pending until the job completes. */
export function jobSteps(job: CheckRecord): StepView[] {
  return stepSpecs(job).map((spec, i) => {
    const done = job.status === 'completed';
    return {
      number: i + 1,
      name: spec.name,
      status: job.status,
      conclusion: done ? (spec.conclusion ?? 'success') : null,
      startedAt: job.status === 'queued' ? null : job.startedAt,
      completedAt: done ? job.completedAt : null,
      log: spec.log ?? '',
    };
  });
}

/** Log lines as Actions writes them: each prefixed with a 7-digit-fraction UTC timestamp. */
export function timestampedLog(text: string, at: string): string {
  if (text === '') return '';
  const stamp = at.replace(/Z$/, '.0000000Z');
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.map((line) => `${stamp} ${line}\n`).join('');
}

/** The whole job log (`actions/jobs/ID/logs`): every step's lines in order. */
export function jobLogText(job: CheckRecord): string {
  return jobSteps(job)
    .map((s) => timestampedLog(s.log, job.completedAt ?? job.startedAt))
    .join('');
}

/**
 * A job's (or step's) name in the log archive: GitHub drops characters not allowed
 * in file names (`/` and `:` among them) and cuts it to 90 UTF-16 code units, trimmed.
 * gh 2.23 matches the raw job name, so it misses logs of jobs named with `/` or `:`,
 * as it does against GitHub.
 */
export function logFolderName(jobName: string): string {
  return jobName
    .replace(/[/\\:*?"<>|]/g, '')
    .slice(0, 90)
    .trim();
}

/**
 * The archive `GET actions/runs/ID/logs` serves: `N_JOB.txt` with each job's whole
 * log at the top, and `JOB/N_STEP.txt` per step (the files gh 2.23 matches by
 * job name and step number for `gh run view --log` / `--log-failed`).
 */
export function runLogArchive(run: WorkflowRunRecord): Buffer {
  const entries = run.jobs.flatMap((job, i) => {
    const folder = logFolderName(job.name);
    const at = job.completedAt ?? job.startedAt;
    return [
      { name: `${i}_${folder}.txt`, data: jobLogText(job) },
      ...jobSteps(job).map((s) => ({ name: `${folder}/${s.number}_${logFolderName(s.name)}.txt`, data: timestampedLog(s.log, at) })),
    ];
  });
  return writeZip(entries, new Date(run.updatedAt));
}

/** `.github/workflows/<slug>.yml` for a workflow name. */
export function workflowPath(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `.github/workflows/${slug === '' ? 'ci' : slug}.yml`;
}
