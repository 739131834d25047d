// The PR-feedback role: apply the file blocks the review comments carry, run
// the tests, commit and push, answer on the PR, reply on and resolve each
// review thread, then the CI loop and signal.
import { bash, need, readDocument, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { ciPhase } from './ci-loop';
import { parsePullRequestView } from './ci-state';
import { requestOf, textEdits } from './document';
import { PR_STEPS, failedStepReport, reportAction, terminalStep } from './pr-common';
import { runTestsAction } from './review';
import { commitAllCommand, inDir, shq, withTempFile, writeFileCommand } from './shell';

export const PR_FEEDBACK_STEPS = {
  readDocument: 'Read the task document',
  address: (path: string) => `Address feedback in ${path}`,
  runTests: 'Run the tests',
  push: 'Commit and push the feedback changes',
  comment: 'Comment on the pull request',
  prNumber: 'Look up the pull request number',
  reply: PR_STEPS.replyThread,
  resolve: PR_STEPS.resolveThread,
} as const;

const S = PR_FEEDBACK_STEPS;

/** One inline review thread of the feedback, from its item's header line. */
export interface FeedbackThread {
  /** The item's number in the feedback. */
  item: number;
  path: string;
  /** GitHub's node id of the thread (for resolveReviewThread). */
  threadId: string;
  /** The database id of the thread's comment (for the REST reply). */
  commentId: string;
  /** The item's text: its header line up to the next numbered item. */
  text: string;
}

const THREAD_HEADER = /^(\d+)\.[ \t]+`([^`\n]+)`[^\n]*·[ \t]*thread[ \t]+`([^`\n]+)`[ \t]*·[ \t]*comment[ \t]+(\d+)[ \t]*$/;

/**
 * The review threads the feedback names: each item whose header ends with
 * `` · thread `ID` · comment N ``, with its text (to know what was changed for it).
 */
export function feedbackThreads(feedback: string): FeedbackThread[] {
  const lines = feedback.split('\n');
  const starts = lines.flatMap((l, i) => (/^\d+\.[ \t]/.test(l) ? [i] : []));
  const threads: FeedbackThread[] = [];
  starts.forEach((start, k) => {
    const m = THREAD_HEADER.exec(lines[start] ?? '');
    if (!m) return;
    const text = lines.slice(start, starts[k + 1] ?? lines.length).join('\n');
    threads.push({ item: Number(m[1]), path: m[2] ?? '', threadId: m[3] ?? '', commentId: m[4] ?? '', text });
  });
  return threads;
}

/** The reply on one thread: what changed for it, or that nothing had to. */
export function threadReply(thread: FeedbackThread, changed: readonly string[], commitMessage: string): string {
  const own = textEdits(thread.text).edits.map((e) => e.path);
  const paths = own.length > 0 ? own : changed.includes(thread.path) ? [thread.path] : [];
  if (paths.length === 0) return `Item ${thread.item}: no code change was needed for this; the pull-request comment explains why.`;
  return `Item ${thread.item}: changed ${paths.map((p) => `\`${p}\``).join(', ')} as asked, in the commit "${commitMessage}".`;
}

const RESOLVE_MUTATION = 'mutation ResolveReviewThread($id:ID!){resolveReviewThread(input:{threadId:$id}){thread{isResolved}}}';

/** Replies on and resolves each thread, after the number of the pull request is known; undefined when all are done. */
function threadsPhase(
  ctx: RoleContext,
  threads: readonly FeedbackThread[],
  changed: readonly string[],
  commitMessage: string,
): Action | undefined {
  if (threads.length === 0) return undefined;
  const wt = ctx.facts.worktreePath;
  const slug = need(ctx.facts, 'repoSlug');
  const lookup = ctx.steps.find(S.prNumber);
  if (!lookup) return bash(S.prNumber, inDir(wt, `gh pr view ${shq(need(ctx.facts, 'branch'))} --repo ${shq(slug)} --json number`));
  const number = lookup.isError ? undefined : parsePullRequestView(lookup.result)?.number;
  if (number === undefined) return failedStepReport(ctx, S.prNumber, 'reply on and resolve the review threads by hand');
  for (const t of threads) {
    if (!ctx.steps.has(S.reply(t.threadId))) {
      const body = threadReply(t, changed, commitMessage);
      const path = `repos/${slug}/pulls/${number}/comments/${t.commentId}/replies`;
      return bash(S.reply(t.threadId), inDir(wt, `gh api ${shq(path)} -f ${shq(`body=${body}`)}`));
    }
    if (!ctx.steps.has(S.resolve(t.threadId))) {
      return bash(S.resolve(t.threadId), inDir(wt, `gh api graphql -f ${shq(`query=${RESOLVE_MUTATION}`)} -f ${shq(`id=${t.threadId}`)}`));
    }
  }
  return undefined;
}

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
  const message = `Task ${ctx.facts.taskId ?? '?'}: address review feedback`;
  const push = ctx.steps.find(S.push);
  if (!push) {
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
  const threads = threadsPhase(
    ctx,
    feedbackThreads(ctx.facts.feedback ?? ''),
    edits.map((e) => e.path),
    message,
  );
  return threads ?? ciPhase(ctx, doc);
}
