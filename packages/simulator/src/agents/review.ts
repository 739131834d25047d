// The review role: IN_PROGRESS while items are unchecked; BLOCKED when the
// request says so; otherwise run the tests → READY (signal) or NEEDS_WORK.
import { bash, blockedSignalArgs, done, need, plainReason, readDocument, signalOutcome, signalStep, tail, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { exitCodeOf, outputOf } from './conversation';
import { blockedFindings, inProgressFindings, needsWorkFindings, readyFindings, requestOf, withFindings } from './document';
import { todoItems } from './markdown';
import { findMarker } from './request';
import { inDir, writeFileCommand } from './shell';

export const REVIEW_STEPS = {
  readDocument: 'Read the task document',
  runTests: 'Run the tests',
  writeFindings: 'Write the review findings',
  signalReady: 'Signal that the workflow is complete',
  signalBlocked: 'Signal that the workflow is blocked',
} as const;

const S = REVIEW_STEPS;

/** Test runs may take a while: the Bash tool's own limit is 10 minutes. */
export const TEST_TIMEOUT_MS = 600_000;

export function runTestsAction(ctx: RoleContext, description: string, command: string): Action {
  return bash(description, inDir(ctx.facts.worktreePath, `${command} 2>&1`), TEST_TIMEOUT_MS);
}

function writeFindings(ctx: RoleContext, description: string, doc: string, findings: string, uncheck = false): Action {
  return bash(description, writeFileCommand(need(ctx.facts, 'documentPath'), withFindings(doc, findings, uncheck)));
}

export function reviewRole(ctx: RoleContext): Action {
  const doc = readDocument(ctx, S.readDocument);
  if (typeof doc !== 'string') return doc;
  const unchecked = todoItems(doc).filter((i) => !i.checked);
  if (unchecked.length > 0) {
    if (!ctx.steps.has(S.writeFindings)) return writeFindings(ctx, S.writeFindings, doc, inProgressFindings(unchecked));
    return done(
      `IN_PROGRESS: ${unchecked.length} To-Do items are still unchecked (${unchecked.map((i) => i.text).join('; ')}). No verdict and no signal.`,
    );
  }
  const request = requestOf(doc);
  const blocked = findMarker(request, 'blocked');
  if (blocked !== undefined) {
    const reason = plainReason(blocked);
    if (!ctx.steps.has(S.writeFindings)) return writeFindings(ctx, S.writeFindings, doc, blockedFindings(reason));
    const signal = signalStep(ctx, S.signalBlocked, blockedSignalArgs(reason));
    if (signal) return signal;
    return done(`Verdict: BLOCKED. ${reason}\nFindings written; ${signalOutcome(ctx, S.signalBlocked, 'workflow-blocked')}.`);
  }
  const command = testCommandFor(request, ctx.options);
  const tests = ctx.steps.find(S.runTests);
  if (!tests) return runTestsAction(ctx, S.runTests, command);
  const output = tail(outputOf(tests));
  if (tests.isError) {
    if (!ctx.steps.has(S.writeFindings))
      return writeFindings(ctx, S.writeFindings, doc, needsWorkFindings(command, exitCodeOf(tests), output), true);
    return done(
      `Verdict: NEEDS_WORK. \`${command}\` fails (exit code ${exitCodeOf(tests)}).\nFindings written and every To-Do item unchecked; no signal.`,
    );
  }
  if (!ctx.steps.has(S.writeFindings)) return writeFindings(ctx, S.writeFindings, doc, readyFindings(command, output));
  const signal = signalStep(ctx, S.signalReady, 'workflow-complete');
  if (signal) return signal;
  return done(
    `Verdict: READY. Every To-Do item is checked and \`${command}\` passes.\nFindings written; ${signalOutcome(ctx, S.signalReady, 'workflow-complete')}.`,
  );
}
