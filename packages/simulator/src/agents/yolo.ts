// The YOLO role: plan, build and verify in one conversation (fixing once from
// the request's ```fix blocks if the tests fail), signal, then the PR procedure.
import { bash, blockedSignalArgs, done, need, plainReason, sentence, signalOutcome, signalStep, tail, testCommandFor } from './context';
import type { ToolCall } from '../anthropic/history';
import type { Action, RoleContext } from './context';
import { exitCodeOf, outputOf } from './conversation';
import { ciPhase } from './ci-loop';
import { blockedFindings, needsWorkFindings, readyFindings, requestEdits, requestOf, withFindings } from './document';
import { buildPhase } from './implementation';
import { planPhase, plannedDocument } from './planning';
import { prSummary, terminalStep } from './pr-common';
import { openPullRequestPhase } from './pull-request';
import { findMarker } from './request';
import { runTestsAction } from './review';
import { catCommand, inDir, writeFileCommand } from './shell';

export const YOLO_STEPS = {
  runTests: 'Run the tests',
  applyFix: (path: string) => `Apply the fix to ${path}`,
  rerunTests: 'Run the tests again',
  readForVerdict: 'Read the task document before the verdict',
  writeVerdict: 'Write the verdict into the task document',
  signalComplete: 'Signal that the workflow is complete',
  signalBlocked: 'Signal that the workflow is blocked',
} as const;

const S = YOLO_STEPS;

function summary(ctx: RoleContext): string {
  const verify = ctx.steps.find(S.rerunTests) ?? ctx.steps.find(S.runTests);
  const built = verify ? `Tests ${verify.isError ? 'failed' : 'passed'}.` : '';
  if (ctx.steps.has(S.signalBlocked))
    return `Planned and built the task, then stopped: BLOCKED; ${signalOutcome(ctx, S.signalBlocked, 'workflow-blocked')}.`;
  return `Planned, built and verified the task. ${built} ${sentence(signalOutcome(ctx, S.signalComplete, 'workflow-complete'))}. ${prSummary(ctx)}`;
}

/** Runs the tests, applies the request's fix blocks once if they fail, runs them again; the deciding run. */
function verifyPhase(ctx: RoleContext, doc: string, command: string): Action | { tests: ToolCall } {
  const first = ctx.steps.find(S.runTests);
  if (!first) return runTestsAction(ctx, S.runTests, command);
  const fixes = requestEdits(doc, 'fix').edits;
  if (!first.isError || fixes.length === 0) return { tests: first };
  const fix = fixes.find((e) => !ctx.steps.has(S.applyFix(e.path)));
  if (fix) return bash(S.applyFix(fix.path), inDir(ctx.facts.worktreePath, writeFileCommand(fix.path, fix.content)));
  const again = ctx.steps.find(S.rerunTests);
  return again ? { tests: again } : runTestsAction(ctx, S.rerunTests, command);
}

export function yoloRole(ctx: RoleContext): Action {
  const end = terminalStep(ctx, [S.signalBlocked], summary);
  if (end) return end;
  const planning = planPhase(ctx);
  if (planning) return planning;
  const plan = plannedDocument(ctx);
  const build = buildPhase(ctx, plan);
  if (build) return build;
  const request = requestOf(plan);
  const blocked = findMarker(request, 'blocked');
  const command = testCommandFor(request, ctx.options);
  let verdict: { findings: string; uncheck: boolean; passed: boolean } | undefined;
  if (blocked === undefined) {
    const verified = verifyPhase(ctx, plan, command);
    if ('kind' in verified) return verified;
    const output = tail(outputOf(verified.tests));
    verdict = verified.tests.isError
      ? { findings: needsWorkFindings(command, exitCodeOf(verified.tests), output), uncheck: true, passed: false }
      : { findings: readyFindings(command, output), uncheck: false, passed: true };
  }
  const current = ctx.steps.find(S.readForVerdict);
  if (!current) return bash(S.readForVerdict, catCommand(need(ctx.facts, 'documentPath')));
  if (!ctx.steps.has(S.writeVerdict)) {
    const findings = verdict?.findings ?? blockedFindings(plainReason(blocked ?? ''));
    return bash(
      S.writeVerdict,
      writeFileCommand(need(ctx.facts, 'documentPath'), withFindings(outputOf(current), findings, verdict?.uncheck)),
    );
  }
  if (blocked !== undefined) return signalStep(ctx, S.signalBlocked, blockedSignalArgs(blocked)) ?? done(summary(ctx));
  if (verdict?.passed !== true)
    return done(`Planned and built the task, but \`${command}\` still fails; the findings are in the task document. No signal.`);
  const signal = signalStep(ctx, S.signalComplete, 'workflow-complete');
  if (signal) return signal;
  return openPullRequestPhase(ctx, outputOf(current)) ?? ciPhase(ctx, plan);
}
