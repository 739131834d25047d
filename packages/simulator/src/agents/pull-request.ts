// The pull-request role (and YOLO's last phase): commit, skip when nothing is
// ahead of base, push, open the PR with gh, then the CI loop (./ci-loop).
import { bash, need, readDocument, signalStep, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { isEmptyOutput, outputOf } from './conversation';
import { ciPhase } from './ci-loop';
import { parsePullRequestView } from './ci-state';
import { requestOf } from './document';
import { sectionBody } from './markdown';
import { PR_STEPS, failedStepReport, reportAction, terminalStep } from './pr-common';
import { requestProse } from './request';
import { commitAllCommand, inDir, shq, withTempFile } from './shell';

const S = PR_STEPS;

export const PULL_REQUEST_STEPS = { readDocument: 'Read the task document' } as const;

/** The PR title: the task title, under 70 characters. */
export function pullRequestTitle(ctx: RoleContext): string {
  const title = ctx.facts.taskTitle ?? `Task ${ctx.facts.taskId ?? ''}`.trim();
  return title.length > 69 ? `${title.slice(0, 66)}...` : title;
}

/** The PR description: the plan's Overview (or the request), how it was tested, the task line. */
export function pullRequestBody(ctx: RoleContext, doc: string): string {
  const overview = sectionBody(doc, 'Overview') ?? requestProse(requestOf(doc));
  const command = testCommandFor(requestOf(doc), ctx.options);
  return [
    overview.trim() || 'See the task document.',
    `Tested with \`${command}\`; the review passed it.`,
    `Task ${ctx.facts.taskId ?? '?'}: ${ctx.facts.taskTitle ?? ''}`.trimEnd(),
    '',
  ].join('\n\n');
}

/**
 * Commit, check there is something to publish, push and open (or find) the
 * pull request. Undefined once the pull request exists and CI can be polled.
 */
export function openPullRequestPhase(ctx: RoleContext, doc: string): Action | undefined {
  const wt = ctx.facts.worktreePath;
  const status = ctx.steps.find(S.status);
  if (!status) return bash(S.status, inDir(wt, 'git status --porcelain'));
  if (status.isError) return failedStepReport(ctx, S.status, 'check the worktree');
  if (!isEmptyOutput(status.result) && !ctx.steps.has(S.commit)) {
    const message = `Task ${ctx.facts.taskId ?? '?'}: ${ctx.facts.taskTitle ?? 'changes'}`;
    return bash(S.commit, inDir(wt, commitAllCommand(ctx.options.gitIdentity, message)));
  }
  if (ctx.steps.find(S.commit)?.isError === true) return failedStepReport(ctx, S.commit, 'commit the work by hand');
  if (!ctx.facts.repoSlug)
    return reportAction(
      ctx,
      'this checkout has no GitHub remote, so no pull request can be opened',
      'add a GitHub remote and run the PR agent again',
    );
  const base = need(ctx.facts, 'baseBranch');
  const branch = need(ctx.facts, 'branch');
  const slug = ctx.facts.repoSlug;
  const ahead = ctx.steps.find(S.ahead);
  if (!ahead) return bash(S.ahead, inDir(wt, `git fetch -q origin ${shq(base)} && git rev-list --count ${shq(`origin/${base}`)}..HEAD`));
  if (ahead.isError) return failedStepReport(ctx, S.ahead, 'check that origin and the base branch are reachable');
  const count = Number(outputOf(ahead).trim().split('\n').at(-1));
  if (count === 0) return signalStep(ctx, S.signal, 'pr-complete');
  const push = ctx.steps.find(S.push);
  if (!push) return bash(S.push, inDir(wt, `git push -u origin ${shq(branch)}`));
  if (push.isError) return failedStepReport(ctx, S.push, 'push the branch by hand');
  const lookup = ctx.steps.find(S.lookup);
  if (!lookup) return bash(S.lookup, inDir(wt, `gh pr view ${shq(branch)} --repo ${shq(slug)} --json number,state,url`));
  const existing = lookup.isError ? undefined : parsePullRequestView(lookup.result);
  if (existing?.state === 'OPEN') return undefined;
  if (existing?.state === 'MERGED') return signalStep(ctx, S.signal, 'pr-complete');
  const create = ctx.steps.find(S.create);
  if (!create) {
    const title = pullRequestTitle(ctx);
    const open = (file: string) =>
      `gh pr create --repo ${shq(slug)} --head ${shq(branch)} --base ${shq(base)} --title ${shq(title)} --body-file ${file}`;
    return bash(S.create, inDir(wt, withTempFile(pullRequestBody(ctx, doc), open)));
  }
  if (create.isError) return failedStepReport(ctx, S.create, 'open the pull request by hand');
  return undefined;
}

export function pullRequestRole(ctx: RoleContext): Action {
  const end = terminalStep(ctx);
  if (end) return end;
  const doc = readDocument(ctx, PULL_REQUEST_STEPS.readDocument);
  if (typeof doc !== 'string') return doc;
  return openPullRequestPhase(ctx, doc) ?? ciPhase(ctx, doc);
}
