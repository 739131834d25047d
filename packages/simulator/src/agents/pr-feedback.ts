// The PR-feedback role: apply the file blocks the review comments carry, run
// the tests, commit and push, answer on the PR, then the CI loop and signal.
import { bash, need, readDocument, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { ciPhase } from './ci-loop';
import { requestEdits, requestOf, textEdits } from './document';
import { failedStepReport, reportAction, terminalStep } from './pr-common';
import { runTestsAction } from './review';
import { commitAllCommand, inDir, shq, withTempFile, writeFileCommand } from './shell';

export const PR_FEEDBACK_STEPS = {
  readDocument: 'Read the task document',
  address: (path: string) => `Address feedback in ${path}`,
  runTests: 'Run the tests',
  push: 'Commit and push the feedback changes',
  comment: 'Comment on the pull request',
} as const;

const S = PR_FEEDBACK_STEPS;

function commentBody(ctx: RoleContext, paths: readonly string[], command: string): string {
  const tests = ctx.steps.find(S.runTests);
  const items =
    paths.length > 0
      ? paths.map((p, i) => `${i + 1}. \`${p}\` — changed as the feedback asks.`)
      : ['1. The feedback asked for no code change; nothing was changed.'];
  return [
    'Addressed the review feedback:',
    items.join('\n'),
    `Ran \`${command}\`: ${tests?.isError === true ? 'it still fails, see CI' : 'it passes'}.`,
    '',
  ].join('\n\n');
}

export function prFeedbackRole(ctx: RoleContext): Action {
  const end = terminalStep(ctx);
  if (end) return end;
  const doc = readDocument(ctx, S.readDocument);
  if (typeof doc !== 'string') return doc;
  const wt = ctx.facts.worktreePath;
  if (!ctx.facts.repoSlug) return reportAction(ctx, 'this checkout has no GitHub remote', 'add a GitHub remote');
  const edits = textEdits(ctx.facts.feedback ?? '').edits;
  for (const edit of edits) {
    if (!ctx.steps.has(S.address(edit.path))) return bash(S.address(edit.path), inDir(wt, writeFileCommand(edit.path, edit.content)));
  }
  const command = testCommandFor(requestOf(doc), ctx.options);
  if (!ctx.steps.has(S.runTests)) return runTestsAction(ctx, S.runTests, command);
  const push = ctx.steps.find(S.push);
  if (!push) {
    const message = `Task ${ctx.facts.taskId ?? '?'}: address review feedback`;
    return bash(
      S.push,
      inDir(wt, `${commitAllCommand(ctx.options.gitIdentity, message)} && git push origin ${shq(need(ctx.facts, 'branch'))}`),
    );
  }
  if (push.isError) return failedStepReport(ctx, S.push, 'push the feedback changes by hand');
  if (!ctx.steps.has(S.comment)) {
    const body = commentBody(
      ctx,
      edits.map((e) => e.path),
      command,
    );
    const comment = (file: string) =>
      `gh pr comment ${shq(need(ctx.facts, 'branch'))} --repo ${shq(ctx.facts.repoSlug ?? '')} --body-file ${file}`;
    return bash(S.comment, inDir(wt, withTempFile(body, comment)));
  }
  return ciPhase(ctx, requestEdits(doc, 'ci-fix').edits);
}
