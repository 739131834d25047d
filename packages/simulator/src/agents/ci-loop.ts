// The bounded CI and mergeability loop of the PR prompts: poll with
// `sleep N; gh pr view …`, fix a failed check from the request's ```ci-fix
// blocks, rebase a conflicting branch, then signal pr-complete or report.
import { bash, need, signalStep } from './context';
import type { Action, RoleContext } from './context';
import { descriptionOf } from './conversation';
import { ciVerdict, parsePullRequestView } from './ci-state';
import { PR_STEPS, failedStepReport, reportAction } from './pr-common';
import type { FileEdit } from './request';
import { commitAllCommand, inDir, shq, writeFileCommand } from './shell';

const S = PR_STEPS;

/** At most this many CI fix rounds and rebase rounds (the prompt's caps). */
export const MAX_FIX_ROUNDS = 3;
export const MAX_REBASES = 2;

function poll(ctx: RoleContext): Action {
  const view = `gh pr view ${shq(need(ctx.facts, 'branch'))} --repo ${shq(need(ctx.facts, 'repoSlug'))} --json state,mergeable,statusCheckRollup`;
  return bash(S.poll, inDir(ctx.facts.worktreePath, `sleep ${ctx.options.pollIntervalSeconds}; ${view}`));
}

function signal(ctx: RoleContext): Action {
  return signalStep(ctx, S.signal, 'pr-complete') ?? reportAction(ctx, 'the pr-complete signal failed twice', 'run the signal by hand');
}

function nextFix(ctx: RoleContext, fixes: readonly FileEdit[]): Action | undefined {
  const edit = fixes.find((e) => !ctx.steps.has(S.fix(e.path)));
  return edit ? bash(S.fix(edit.path), inDir(ctx.facts.worktreePath, writeFileCommand(edit.path, edit.content))) : undefined;
}

function pushFix(ctx: RoleContext): Action {
  const message = `Task ${ctx.facts.taskId ?? '?'}: fix CI`;
  const push = `git push origin ${shq(need(ctx.facts, 'branch'))}`;
  return bash(S.pushFix, inDir(ctx.facts.worktreePath, `${commitAllCommand(ctx.options.gitIdentity, message)} && ${push}`));
}

function rebase(ctx: RoleContext): Action {
  const base = need(ctx.facts, 'baseBranch');
  const who = `-c user.name=${shq(ctx.options.gitIdentity.name)} -c user.email=${shq(ctx.options.gitIdentity.email)}`;
  const command = `git fetch -q origin ${shq(base)} && { git ${who} rebase ${shq(`origin/${base}`)} || { git rebase --abort; false; }; }`;
  return bash(S.rebase, inDir(ctx.facts.worktreePath, command));
}

function afterPoll(ctx: RoleContext, fixes: readonly FileEdit[]): Action {
  const polls = ctx.steps.trailing(S.poll);
  const pollAgain = (why: string) =>
    polls >= ctx.options.maxPolls ? reportAction(ctx, `${why} after ${polls} polls`, 'look at the pull request and its checks') : poll(ctx);
  const last = ctx.steps.last();
  const view = last?.isError === true ? undefined : parsePullRequestView(last?.result);
  if (!view) return pollAgain('the pull request state could not be read');
  if (view.state === 'MERGED') return signal(ctx);
  if (view.state === 'CLOSED') return reportAction(ctx, 'the pull request was closed', 'reopen it or open a new one');
  const verdict = ciVerdict(view.checks);
  if (verdict === 'failed') {
    const failed = view.checks.filter((c) => c.outcome === 'failed');
    const unapplied = fixes.some((e) => !ctx.steps.has(S.fix(e.path)));
    if (ctx.steps.count(S.pushFix) >= MAX_FIX_ROUNDS || !unapplied) {
      return reportAction(
        ctx,
        `CI failed (${failed.map((c) => c.name).join(', ')}) and no further fix is known`,
        'read the failing logs and fix the code',
      );
    }
    const runId = failed.find((c) => c.runId !== undefined)?.runId;
    if (runId !== undefined && !ctx.steps.has(S.logs)) {
      return bash(
        S.logs,
        inDir(ctx.facts.worktreePath, `gh run view ${shq(runId)} --repo ${shq(need(ctx.facts, 'repoSlug'))} --log-failed`),
      );
    }
    return nextFix(ctx, fixes) ?? pushFix(ctx);
  }
  if (verdict === 'pending') return pollAgain('CI did not finish');
  if (verdict === 'none' && polls < ctx.options.emptyChecksPolls) return poll(ctx);
  if (view.mergeable === 'MERGEABLE') return signal(ctx);
  if (view.mergeable === 'CONFLICTING') {
    if (ctx.steps.count(S.rebase) >= MAX_REBASES)
      return reportAction(ctx, 'the branch still conflicts with its base', 'resolve the conflicts by hand');
    return rebase(ctx);
  }
  return pollAgain('mergeability stayed unknown');
}

/** The loop's next step; it runs once the pull request exists (or was found). */
export function ciPhase(ctx: RoleContext, ciFixes: readonly FileEdit[]): Action {
  const last = ctx.steps.last();
  const d = descriptionOf(last);
  switch (d) {
    case S.poll:
      return afterPoll(ctx, ciFixes);
    case S.pushFix:
    case S.forcePush:
      return last?.isError === true ? failedStepReport(ctx, d, 'push the branch by hand and check CI') : poll(ctx);
    case S.rebase:
      if (last?.isError === true) return failedStepReport(ctx, d, 'rebase the branch by hand and resolve the conflicts');
      return bash(S.forcePush, inDir(ctx.facts.worktreePath, `git push --force-with-lease origin ${shq(need(ctx.facts, 'branch'))}`));
    default:
      if (d === S.logs || (d !== undefined && d.startsWith('Fix CI in '))) return nextFix(ctx, ciFixes) ?? pushFix(ctx);
      return poll(ctx);
  }
}
