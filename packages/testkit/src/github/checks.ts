// CI results a test sets on a commit (check runs or commit statuses), and the pure
// rules GitHub uses to roll them up into one state.

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | 'startup_failure';

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
  /** Workflow name shown by gh for check runs (default `CI`). */
  workflow?: string;
}

export interface CheckRecord extends CheckSpec {
  id: number;
  nodeId: string;
  headSha: string;
  startedAt: string;
  completedAt: string | null;
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
