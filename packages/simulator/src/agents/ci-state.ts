// Reads `gh pr view --json state,mergeable,statusCheckRollup` output and
// classifies the checks the way Bottega's PR prompt says to.

export type CheckOutcome = 'pending' | 'passed' | 'failed';

export interface CheckState {
  name: string;
  outcome: CheckOutcome;
  /** The GitHub Actions run id, from `detailsUrl` (`…/actions/runs/<id>/…`). */
  runId?: string;
}

export interface PullRequestView {
  state?: string;
  mergeable?: string;
  url?: string;
  number?: number;
  checks: CheckState[];
}

/** `none`: no checks reported; otherwise the worst outcome (failed > pending > passed). */
export type CiVerdict = 'none' | CheckOutcome;

const FAILED_CONCLUSIONS = new Set(['FAILURE', 'TIMED_OUT', 'CANCELLED', 'ACTION_REQUIRED', 'STARTUP_FAILURE']);
const PASSED_CONCLUSIONS = new Set(['SUCCESS', 'NEUTRAL', 'SKIPPED']);

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function classify(entry: Record<string, unknown>): CheckState {
  const url = str(entry.detailsUrl) ?? str(entry.targetUrl) ?? '';
  const runId = /\/actions\/runs\/(\d+)/.exec(url)?.[1];
  const name = str(entry.name) ?? str(entry.context) ?? 'check';
  let outcome: CheckOutcome;
  if (entry.status !== undefined || entry.conclusion !== undefined) {
    const conclusion = (str(entry.conclusion) ?? '').toUpperCase();
    if ((str(entry.status) ?? '').toUpperCase() !== 'COMPLETED') outcome = 'pending';
    else if (FAILED_CONCLUSIONS.has(conclusion)) outcome = 'failed';
    else if (PASSED_CONCLUSIONS.has(conclusion)) outcome = 'passed';
    else outcome = 'pending';
  } else {
    const state = (str(entry.state) ?? '').toUpperCase();
    outcome = state === 'SUCCESS' ? 'passed' : state === 'FAILURE' || state === 'ERROR' ? 'failed' : 'pending';
  }
  return { name, outcome, ...(runId === undefined ? {} : { runId }) };
}

/** The pull request as `gh pr view --json …` printed it; undefined when the output holds no JSON object. */
export function parsePullRequestView(output: string | undefined): PullRequestView | undefined {
  const text = output ?? '';
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const rollup = Array.isArray(o.statusCheckRollup) ? (o.statusCheckRollup as unknown[]) : [];
  return {
    state: str(o.state),
    mergeable: str(o.mergeable),
    url: str(o.url),
    number: typeof o.number === 'number' ? o.number : undefined,
    checks: rollup.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null).map(classify),
  };
}

export function ciVerdict(checks: readonly CheckState[]): CiVerdict {
  if (checks.length === 0) return 'none';
  if (checks.some((c) => c.outcome === 'failed')) return 'failed';
  if (checks.some((c) => c.outcome === 'pending')) return 'pending';
  return 'passed';
}

/** One line for summaries and reports: `state OPEN; CI failed (build: failed); mergeable MERGEABLE`. */
export function describeView(view: PullRequestView | undefined): string {
  if (!view) return 'unknown (the pull request could not be read)';
  const checks = view.checks.map((c) => `${c.name}: ${c.outcome}`).join(', ') || 'no checks';
  return `state ${view.state ?? 'unknown'}; CI ${ciVerdict(view.checks)} (${checks}); mergeable ${view.mergeable ?? 'unknown'}`;
}
