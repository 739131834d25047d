// CI results a test sets on a commit (check runs or commit statuses), and the pure
// rules GitHub uses to roll them up into one state.

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | 'startup_failure';

/** One step of an Actions job (a check run made by a workflow). */
export interface StepSpec {
  name: string;
  /** The step's outcome once its job completes (default `success`). */
  conclusion?: CheckConclusion;
  /** The step's log lines (the file `JOB/N_STEP.txt` of the run's log archive). */
  log?: string;
}

export interface CheckSpec {
  name: string;
  status: CheckStatus;
  /** Required once `status` is `completed`. */
  conclusion?: CheckConclusion;
  detailsUrl?: string;
  /** The job's log: served as the check run's output text and at the jobs/ID/logs route. */
  logs?: string;
  /** One-line summary (check run output title / status description). */
  summary?: string;
  /** `check_run` (default, as GitHub Actions makes) or a legacy commit `status`. */
  kind?: 'check_run' | 'status';
  /** Workflow name shown by gh for check runs (default `CI`); check runs of one workflow form one run. */
  workflow?: string;
  /**
   * The job's steps. Without them a check run has three: `Set up job`, `Run NAME`
   * (with `logs` and the check's conclusion) and `Complete job`.
   */
  steps?: StepSpec[];
}

export interface CheckRecord extends CheckSpec {
  id: number;
  nodeId: string;
  headSha: string;
  startedAt: string;
  completedAt: string | null;
  /** The workflow run this check run is a job of (null for commit statuses). */
  runId: number | null;
  /** The conclusion a pending check takes when the test completes it (`ci.complete`). */
  scriptedConclusion?: CheckConclusion;
}

export type StatusState = 'ERROR' | 'EXPECTED' | 'FAILURE' | 'PENDING' | 'SUCCESS';

const FAILING: ReadonlySet<CheckConclusion> = new Set(['failure', 'cancelled', 'timed_out', 'action_required', 'startup_failure', 'stale']);

export function validateCheckSpec(spec: CheckSpec): void {
  if (spec.status === 'completed' && spec.conclusion === undefined) {
    throw new Error(`check "${spec.name}" is completed but has no conclusion`);
  }
  if (spec.status !== 'completed' && spec.conclusion !== undefined) {
    throw new Error(`check "${spec.name}" has a conclusion but is ${spec.status}`);
  }
}

/** A commit status's state (`StatusContext.state`, REST `statuses[].state`). */
export function statusContextState(check: CheckSpec): StatusState {
  if (check.status !== 'completed') return 'PENDING';
  if (check.conclusion === 'success' || check.conclusion === 'neutral' || check.conclusion === 'skipped') return 'SUCCESS';
  return check.conclusion === 'cancelled' || check.conclusion === 'timed_out' ? 'ERROR' : 'FAILURE';
}

/** One check's contribution to the rollup. */
function checkState(check: CheckSpec): StatusState {
  if (check.kind === 'status') return statusContextState(check);
  if (check.status !== 'completed') return 'PENDING';
  return check.conclusion !== undefined && FAILING.has(check.conclusion) ? 'FAILURE' : 'SUCCESS';
}

/** `StatusCheckRollup.state`: any failure wins, then any error, then pending; null without checks. */
export function rollupState(checks: readonly CheckSpec[]): StatusState | null {
  if (checks.length === 0) return null;
  const states = checks.map(checkState);
  for (const s of ['FAILURE', 'ERROR', 'PENDING'] as const) if (states.includes(s)) return s;
  return 'SUCCESS';
}

/** REST `GET /commits/REF/status` combined state (lower-case, `pending` when there are none). */
export function combinedStatus(checks: readonly CheckSpec[]): 'success' | 'failure' | 'error' | 'pending' {
  const statuses = checks.filter((c) => c.kind === 'status');
  const state = rollupState(statuses);
  return state === null || state === 'EXPECTED' ? 'pending' : (state.toLowerCase() as 'success' | 'failure' | 'error' | 'pending');
}
