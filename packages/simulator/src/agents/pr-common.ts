// Pieces every pull-request flow shares (PR, PR feedback, YOLO): the step
// names, the report a human reads when a flow must stop, and the final summary.
import { bash, done, need, sentence, signalOutcome } from './context';
import type { Action, RoleContext } from './context';
import { descriptionOf, outputOf } from './conversation';
import { describeView, parsePullRequestView } from './ci-state';
import { shq } from './shell';

export const PR_STEPS = {
  status: 'Check for uncommitted work',
  commit: 'Commit the uncommitted work',
  ahead: 'Count the commits ahead of the base branch',
  push: 'Push the branch',
  lookup: 'Look for an open pull request',
  create: 'Open the pull request',
  poll: 'Wait, then read the CI checks and mergeability',
  logs: 'Fetch the failed CI logs',
  /** Round 1's step keeps the plain name; later rounds say which round. */
  fix: (path: string, round = 1) => (round > 1 ? `Fix CI in ${path} (round ${round})` : `Fix CI in ${path}`),
  pushFix: 'Commit and push the CI fix',
  rebase: 'Rebase onto the base branch',
  merge: 'Merge the base branch in',
  conflicts: 'List the conflicted files',
  resolve: (path: string) => `Resolve the conflict in ${path}`,
  continue: 'Finish the update after resolving the conflicts',
  updateTests: 'Run the tests on the updated branch',
  abort: 'Abort the update',
  forcePush: 'Force-push the rebased branch',
  pushMerge: 'Push the merged branch',
  replyThread: (threadId: string) => `Reply on review thread ${threadId}`,
  resolveThread: (threadId: string) => `Resolve review thread ${threadId}`,
  signal: 'Signal that the pull request is complete',
  report: 'Write the pull request report',
} as const;

/** The latest pull-request state any `gh pr view` in the history printed. */
export function lastView(ctx: RoleContext) {
  const polls = ctx.steps.calls.filter((c) => descriptionOf(c) === PR_STEPS.poll && !c.isError);
  return parsePullRequestView(polls.at(-1)?.result);
}

/** The pull request's URL, from `gh pr create` or any `gh pr view` output. */
export function pullRequestUrl(ctx: RoleContext): string | undefined {
  for (const call of [...ctx.steps.calls].reverse()) {
    const m = /https?:\/\/[^\s"'`]+\/pull\/\d+/.exec(call.result ?? '');
    if (m) return m[0];
  }
  return undefined;
}

/**
 * Appends `## Pull Request Report` to the task document (replacing an earlier
 * one, which is always last): what failed, the last state, what to do next.
 */
export function reportAction(ctx: RoleContext, failed: string, next: string): Action {
  const path = need(ctx.facts, 'documentPath');
  const rounds = ctx.steps.count(PR_STEPS.pushFix);
  const text = [
    '',
    '## Pull Request Report',
    '',
    `- What failed: ${failed}`,
    `- Last pull request state: ${describeView(lastView(ctx))}`,
    `- What was tried: ${rounds} CI fix round(s), ${ctx.steps.count(PR_STEPS.rebase)} rebase(s), ${ctx.steps.count(PR_STEPS.merge)} merge(s) of the base branch, ${ctx.steps.count(PR_STEPS.poll)} poll(s).`,
    `- Next step for a human: ${next}`,
    '',
  ].join('\n');
  return bash(
    PR_STEPS.report,
    `sed -i '/^## Pull Request Report[[:space:]]*$/,$d' ${shq(path)} && printf '%s' ${shq(text)} >> ${shq(path)}`,
  );
}

/** A report for a failed step: its first output line says what went wrong. */
export function failedStepReport(ctx: RoleContext, description: string, next: string): Action {
  const line =
    outputOf(ctx.steps.find(description))
      .split('\n')
      .find((l) => l.trim().length > 0) ?? 'no output';
  return reportAction(ctx, `${description.toLowerCase()} failed: ${line}`, next);
}

export function prSummary(ctx: RoleContext): string {
  const url = pullRequestUrl(ctx);
  const view = lastView(ctx);
  const fixes = ctx.steps.count(PR_STEPS.pushFix);
  const resolved = ctx.steps.calls.filter((c) => !c.isError && descriptionOf(c)?.startsWith(PR_STEPS.resolveThread('')) === true).length;
  const parts = [
    url === undefined ? 'No pull request URL seen.' : `Pull request: ${url}.`,
    view ? `Last seen: ${describeView(view)}.` : '',
    fixes > 0 ? `Pushed ${fixes} CI fix round(s).` : '',
    resolved > 0 ? `Replied on and resolved ${resolved} review thread(s).` : '',
    ctx.steps.has(PR_STEPS.report)
      ? 'Stopped and wrote a Pull Request Report into the task document; no signal.'
      : `${sentence(signalOutcome(ctx, PR_STEPS.signal, 'pr-complete'))}.`,
  ];
  return parts.filter((p) => p.length > 0).join(' ');
}

/**
 * The end of a flow: once a terminal step ran (the PR signal, a report, or one
 * of `extra`), the final text — or a second signal attempt after an error.
 */
export function terminalStep(ctx: RoleContext, extra: readonly string[] = [], summary = prSummary): Action | undefined {
  const last = descriptionOf(ctx.steps.last());
  if (last === undefined) return undefined;
  if (last === PR_STEPS.signal || extra.includes(last)) {
    const call = ctx.steps.last();
    if (call?.isError === true && ctx.steps.count(last) < 2) {
      return bash(last, (call.input as { command: string }).command);
    }
    return done(summary(ctx));
  }
  if (last === PR_STEPS.report) return done(summary(ctx));
  return undefined;
}
