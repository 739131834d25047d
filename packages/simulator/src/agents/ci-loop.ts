// The bounded CI and mergeability loop of the PR prompts: poll with
// `sleep N; gh pr view …`, fix a failed check round by round from the
// request's ```ci-fix blocks (up to the prompt's cap), bring a conflicting
// branch up to date by rebasing or merging (resolving conflicts from the
// request's ```resolve blocks), then signal pr-complete or report.
import { bash, need, signalStep, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { descriptionOf, outputOf } from './conversation';
import { ciVerdict, parsePullRequestView } from './ci-state';
import { ciFixRounds, requestEdits, requestOf } from './document';
import { PR_STEPS, failedStepReport, reportAction } from './pr-common';
import type { FileEdit } from './request';
import { runTestsAction } from './review';
import { commitAllCommand, inDir, shq, writeFileCommand } from './shell';

const S = PR_STEPS;

/** The CI fix-round cap when the prompt names none; at most this many updates from the base branch. */
export const DEFAULT_MAX_FIX_ROUNDS = 3;
export const MAX_UPDATES = 2;
/** `rebase --continue` may stop on the next commit's conflicts: at most this many continues per update. */
const MAX_CONTINUES = 5;

/** What the loop may apply, read from the request: the fix of each CI round, the conflict resolutions, the tests. */
export interface CiPlan {
  /** `rounds[n]`: the edits of fix round n + 1. */
  rounds: FileEdit[][];
  resolutions: FileEdit[];
  testCommand: string;
}

/** The loop's plan from a task document (or the plan that quotes the request). */
export function ciPlan(ctx: RoleContext, doc: string): CiPlan {
  return {
    rounds: ciFixRounds(doc),
    resolutions: requestEdits(doc, 'resolve').edits,
    testCommand: testCommandFor(requestOf(doc), ctx.options),
  };
}

/** The prompt's cap on CI fix rounds (`At most **N** fix rounds in all.`), else the default. */
export function maxFixRounds(ctx: RoleContext): number {
  return ctx.facts.maxCiRounds ?? DEFAULT_MAX_FIX_ROUNDS;
}

function strategy(ctx: RoleContext): 'rebase' | 'merge' {
  return ctx.facts.updateStrategy ?? 'rebase';
}

function poll(ctx: RoleContext): Action {
  const view = `gh pr view ${shq(need(ctx.facts, 'branch'))} --repo ${shq(need(ctx.facts, 'repoSlug'))} --json state,mergeable,statusCheckRollup`;
  return bash(S.poll, inDir(ctx.facts.worktreePath, `sleep ${ctx.options.pollIntervalSeconds}; ${view}`));
}

function signal(ctx: RoleContext): Action {
  return signalStep(ctx, S.signal, 'pr-complete') ?? reportAction(ctx, 'the pr-complete signal failed twice', 'run the signal by hand');
}

/** The round being fixed: one more than the fixes pushed so far. */
function currentRound(ctx: RoleContext): number {
  return ctx.steps.count(S.pushFix) + 1;
}

function nextFix(ctx: RoleContext, plan: CiPlan): Action | undefined {
  const round = currentRound(ctx);
  const edit = (plan.rounds[round - 1] ?? []).find((e) => !ctx.steps.has(S.fix(e.path, round)));
  return edit ? bash(S.fix(edit.path, round), inDir(ctx.facts.worktreePath, writeFileCommand(edit.path, edit.content))) : undefined;
}

function pushFix(ctx: RoleContext): Action {
  const message = `Task ${ctx.facts.taskId ?? '?'}: fix CI`;
  const push = `git push origin ${shq(need(ctx.facts, 'branch'))}`;
  return bash(S.pushFix, inDir(ctx.facts.worktreePath, `${commitAllCommand(ctx.options.gitIdentity, message)} && ${push}`));
}

function gitWho(ctx: RoleContext): string {
  return `-c user.name=${shq(ctx.options.gitIdentity.name)} -c user.email=${shq(ctx.options.gitIdentity.email)}`;
}

/** Rebase onto (or merge) the fetched base branch; a conflict leaves the operation in progress. */
function update(ctx: RoleContext): Action {
  const base = need(ctx.facts, 'baseBranch');
  const fetch = `git fetch -q origin ${shq(base)}`;
  if (strategy(ctx) === 'merge')
    return bash(S.merge, inDir(ctx.facts.worktreePath, `${fetch} && git ${gitWho(ctx)} merge --no-edit ${shq(`origin/${base}`)}`));
  return bash(S.rebase, inDir(ctx.facts.worktreePath, `${fetch} && git ${gitWho(ctx)} rebase ${shq(`origin/${base}`)}`));
}

function pushUpdate(ctx: RoleContext): Action {
  const branch = shq(need(ctx.facts, 'branch'));
  if (strategy(ctx) === 'merge') return bash(S.pushMerge, inDir(ctx.facts.worktreePath, `git push origin ${branch}`));
  return bash(S.forcePush, inDir(ctx.facts.worktreePath, `git push --force-with-lease origin ${branch}`));
}

/** The calls after the latest call with this description (all calls when there is none). */
function since(ctx: RoleContext, description: string) {
  const calls = ctx.steps.calls;
  for (let i = calls.length - 1; i >= 0; i--) if (descriptionOf(calls[i]) === description) return calls.slice(i + 1);
  return calls;
}

function updatesSoFar(ctx: RoleContext): number {
  return ctx.steps.count(S.rebase) + ctx.steps.count(S.merge);
}

/** The latest update step (rebase or merge) and the calls after it. */
function sinceUpdate(ctx: RoleContext) {
  return since(ctx, strategy(ctx) === 'merge' ? S.merge : S.rebase);
}

/** The files the latest `git diff --diff-filter=U` listed. */
function conflictedFiles(ctx: RoleContext): string[] {
  return outputOf(ctx.steps.find(S.conflicts))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function abort(ctx: RoleContext): Action {
  const command = strategy(ctx) === 'merge' ? 'git merge --abort' : 'git rebase --abort';
  return bash(S.abort, inDir(ctx.facts.worktreePath, command));
}

/** After the conflicts were listed (or a resolution written): the next resolution, the continue, or the abort. */
function resolveConflicts(ctx: RoleContext, plan: CiPlan): Action {
  const files = conflictedFiles(ctx);
  if (ctx.steps.find(S.conflicts)?.isError === true || files.length === 0) return abort(ctx);
  const byPath = new Map(plan.resolutions.map((e) => [e.path, e]));
  if (files.some((f) => !byPath.has(f))) return abort(ctx);
  const written = new Set(since(ctx, S.conflicts).map(descriptionOf));
  const next = files.find((f) => !written.has(S.resolve(f)));
  const edit = next === undefined ? undefined : byPath.get(next);
  if (edit) return bash(S.resolve(edit.path), inDir(ctx.facts.worktreePath, writeFileCommand(edit.path, edit.content)));
  const finish =
    strategy(ctx) === 'merge' ? `git ${gitWho(ctx)} commit -q --no-edit` : `GIT_EDITOR=true git ${gitWho(ctx)} rebase --continue`;
  return bash(S.continue, inDir(ctx.facts.worktreePath, `git add -A && ${finish}`));
}

function abortReport(ctx: RoleContext, plan: CiPlan): Action {
  const base = need(ctx.facts, 'baseBranch');
  const how = strategy(ctx) === 'merge' ? 'merging' : 'rebasing onto';
  const files = conflictedFiles(ctx);
  if (files.length === 0) {
    const step = strategy(ctx) === 'merge' ? S.merge : S.rebase;
    return failedStepReport(ctx, step, `bring the branch up to date with ${base} by hand`);
  }
  const known = new Set(plan.resolutions.map((e) => e.path));
  const unresolved = files.filter((f) => !known.has(f));
  const list = files.map((f) => `\`${f}\``).join(', ');
  const why =
    unresolved.length > 0
      ? `no resolution is known for ${unresolved.map((f) => `\`${f}\``).join(', ')}`
      : 'the resolutions did not let it finish';
  return reportAction(
    ctx,
    `${how} origin/${base} stopped on conflicts in ${list}; ${why}, so it was aborted`,
    `resolve the conflicts in ${list} by hand, keeping the intent of both sides, and push`,
  );
}

function afterPoll(ctx: RoleContext, plan: CiPlan): Action {
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
    const names = failed.map((c) => c.name).join(', ');
    const fixed = ctx.steps.count(S.pushFix);
    const cap = maxFixRounds(ctx);
    if (fixed >= cap) {
      return reportAction(
        ctx,
        `CI still fails (${names}) after ${fixed} fix round(s), the limit of ${cap}`,
        `read the failing log of ${names} and fix the code`,
      );
    }
    if ((plan.rounds[fixed] ?? []).length === 0)
      return reportAction(ctx, `CI failed (${names}) and no further fix is known`, 'read the failing logs and fix the code');
    const runId = failed.find((c) => c.runId !== undefined)?.runId;
    if (runId !== undefined && ctx.steps.count(S.logs) <= fixed) {
      return bash(
        S.logs,
        inDir(ctx.facts.worktreePath, `gh run view ${shq(runId)} --repo ${shq(need(ctx.facts, 'repoSlug'))} --log-failed`),
      );
    }
    return nextFix(ctx, plan) ?? pushFix(ctx);
  }
  if (verdict === 'pending') return pollAgain('CI did not finish');
  if (verdict === 'none' && polls < ctx.options.emptyChecksPolls) return poll(ctx);
  if (view.mergeable === 'MERGEABLE') return signal(ctx);
  if (view.mergeable === 'CONFLICTING') {
    if (updatesSoFar(ctx) >= MAX_UPDATES)
      return reportAction(ctx, 'the branch still conflicts with its base', 'resolve the conflicts by hand');
    return update(ctx);
  }
  return pollAgain('mergeability stayed unknown');
}

/** The loop's next step; it runs once the pull request exists (or was found). `doc` holds the request. */
export function ciPhase(ctx: RoleContext, doc: string): Action {
  const plan = ciPlan(ctx, doc);
  const last = ctx.steps.last();
  const d = descriptionOf(last);
  switch (d) {
    case S.poll:
      return afterPoll(ctx, plan);
    case S.pushFix:
    case S.forcePush:
    case S.pushMerge:
      return last?.isError === true ? failedStepReport(ctx, d, 'push the branch by hand and check CI') : poll(ctx);
    case S.rebase:
    case S.merge:
      if (last?.isError === true) return bash(S.conflicts, inDir(ctx.facts.worktreePath, 'git diff --name-only --diff-filter=U'));
      return pushUpdate(ctx);
    case S.conflicts:
      return resolveConflicts(ctx, plan);
    case S.continue:
      if (last?.isError !== true) return runTestsAction(ctx, S.updateTests, plan.testCommand);
      if (sinceUpdate(ctx).filter((c) => descriptionOf(c) === S.continue).length >= MAX_CONTINUES) return abort(ctx);
      return bash(S.conflicts, inDir(ctx.facts.worktreePath, 'git diff --name-only --diff-filter=U'));
    case S.updateTests:
      return pushUpdate(ctx);
    case S.abort:
      return abortReport(ctx, plan);
    default:
      if (d !== undefined && d.startsWith(S.resolve(''))) return resolveConflicts(ctx, plan);
      if (d === S.logs || (d !== undefined && d.startsWith(S.fix('')))) return nextFix(ctx, plan) ?? pushFix(ctx);
      return poll(ctx);
  }
}
