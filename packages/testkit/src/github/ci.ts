// Scripted CI for the fake GitHub: a test decides what the Actions run of a commit
// does (passes, fails with a given job/step log, or stays pending until completed).
// The outcome becomes check runs of one workflow, so the PR's checks, the rollup and
// `gh run list/view` all read the same records.
import { conclusionOfSteps } from './actions';
import type { CheckConclusion, CheckSpec, StepSpec } from './checks';

export interface CiJob {
  name: string;
  /** Steps in order; without them: `Set up job`, `Run NAME` (with `log`), `Complete job`. */
  steps?: StepSpec[];
  /** The main step's log when `steps` is not given. */
  log?: string;
  /** Default: the first failing step's conclusion, else `success` (`success` without steps). */
  conclusion?: CheckConclusion;
}

export interface CiOutcome {
  /** Workflow name (default `CI`). */
  workflow?: string;
  jobs: CiJob[];
  /**
   * `completed` (default): the run is over at once. `queued` / `in_progress`: it waits
   * (pending) until the test calls `ci.start` / `ci.complete`.
   */
  state?: 'queued' | 'in_progress' | 'completed';
}

/** A passing run with one job `build`. */
export function ciPasses(workflow = 'CI'): CiOutcome {
  return { workflow, jobs: [{ name: 'build', log: 'All checks passed' }] };
}

/** A run whose job `job` fails in step `step` with `log`. */
export function ciFails(job: string, step: string, log: string, workflow = 'CI'): CiOutcome {
  return {
    workflow,
    jobs: [
      {
        name: job,
        steps: [
          { name: 'Set up job', log: 'Current runner version: 2.320.0' },
          { name: step, conclusion: 'failure', log: `${log.replace(/\n$/, '')}\nError: Process completed with exit code 1.` },
          { name: 'Complete job', log: 'Cleaning up orphan processes' },
        ],
      },
    ],
  };
}

export interface ScriptedJob {
  spec: CheckSpec;
  /** The conclusion a pending job takes when completed. */
  conclusion: CheckConclusion;
}

/** The check runs an outcome stands for (pending jobs carry their eventual conclusion apart). */
export function jobsOfOutcome(outcome: CiOutcome): ScriptedJob[] {
  const state = outcome.state ?? 'completed';
  return outcome.jobs.map((job) => {
    const steps: StepSpec[] = job.steps ?? [
      { name: 'Set up job' },
      {
        name: `Run ${job.name}`,
        ...(job.conclusion === undefined ? {} : { conclusion: job.conclusion }),
        ...(job.log === undefined ? {} : { log: job.log }),
      },
      { name: 'Complete job' },
    ];
    const conclusion = job.conclusion ?? conclusionOfSteps(steps);
    const logs = steps
      .map((s) => s.log ?? '')
      .filter((l) => l !== '')
      .join('\n');
    const base: CheckSpec = { name: job.name, status: state, workflow: outcome.workflow ?? 'CI', steps, logs };
    return { spec: state === 'completed' ? { ...base, conclusion } : base, conclusion };
  });
}
