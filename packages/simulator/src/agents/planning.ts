// The planning role (and YOLO's first phase): read the request and the plan
// template, write the plan with the request quoted verbatim, read it back, signal.
import { askInput } from '../anthropic/directives';
import { bash, done, need, readDocument, signalOutcome, signalStep, testCommandFor } from './context';
import type { Action, RoleContext } from './context';
import { outputOf } from './conversation';
import { requestOf } from './document';
import { findSection, sectionBody, todoItems } from './markdown';
import { writePlan } from './plan-writer';
import { catCommand, shq, writeFileCommand } from './shell';

export const PLANNING_STEPS = {
  readDocument: 'Read the task document',
  readTemplate: 'Read the plan template',
  writePlan: 'Write the plan into the task document',
  readBack: 'Read the plan back',
  signal: 'Signal that the plan is complete',
} as const;

const S = PLANNING_STEPS;

const TESTING_QUESTION = 'Is this testing strategy enough';

function testingQuestion(command: string): Action {
  const question = `${TESTING_QUESTION}: run \`${command}\` and see the suite pass, no manual scenarios?`;
  const options = [
    { label: 'Yes', description: 'The test suite covers it' },
    { label: 'Add checks', description: 'Also check the change by hand' },
  ];
  return { kind: 'call', tool: 'AskUserQuestion', input: askInput({ question, options, header: 'Testing' }) };
}

/** The user's answer from an AskUserQuestion result (`"question"="answer"`). */
export function answerOf(result: string | undefined): string | undefined {
  return /"[^"]*"="([^"]*)"/.exec(result ?? '')?.[1];
}

/** The command that writes the plan: the request quoted by `sed`, so it stays byte for byte. */
function writePlanCommand(ctx: RoleContext, doc: string, template: string, testingAnswer: string | undefined): string {
  const path = need(ctx.facts, 'documentPath');
  const nontechnical = ctx.facts.role === 'planning-nontechnical';
  const request = requestOf(doc);
  const plan = writePlan({ template, request, testCommand: testCommandFor(request, ctx.options), nontechnical, testingAnswer });
  if (findSection(doc, 'Original Request')) {
    // Re-planning: the Original Request section stays as it is.
    return writeFileCommand(path, `${plan.before}${sectionBody(doc, 'Original Request') ?? ''}\n${plan.after}`);
  }
  const tmp = `${path}.plan-tmp`;
  return `{ printf '%s' ${shq(plan.before)}; sed -e 's/^/> /' -e '$a\\' ${shq(path)}; printf '%s' ${shq(plan.after)}; } > ${shq(tmp)} && mv ${shq(tmp)} ${shq(path)}`;
}

/** Plans into the document; undefined once the plan is written and read back. */
export function planPhase(ctx: RoleContext): Action | undefined {
  const doc = readDocument(ctx, S.readDocument);
  if (typeof doc !== 'string') return doc;
  const template = ctx.steps.find(S.readTemplate);
  if (!template) return bash(S.readTemplate, catCommand(need(ctx.facts, 'planTemplatePath')));
  if (template.isError) throw new Error(`cannot read the plan template: ${outputOf(template)}`);
  const asking = ctx.options.confirmTestingStrategy && ctx.tools.includes('AskUserQuestion');
  const asked = ctx.steps.lastOfTool('AskUserQuestion');
  if (asking && !asked) return testingQuestion(testCommandFor(requestOf(doc), ctx.options));
  const written = ctx.steps.find(S.writePlan);
  if (!written)
    return bash(S.writePlan, writePlanCommand(ctx, doc, outputOf(template), asked?.isError === true ? undefined : answerOf(asked?.result)));
  if (written.isError) throw new Error(`writing the plan failed: ${outputOf(written)}`);
  if (!ctx.steps.has(S.readBack)) return bash(S.readBack, catCommand(need(ctx.facts, 'documentPath')));
  return undefined;
}

/** The plan as read back (the document the later phases work from). */
export function plannedDocument(ctx: RoleContext): string {
  return outputOf(ctx.steps.find(S.readBack));
}

export function planningRole(ctx: RoleContext): Action {
  const next = planPhase(ctx) ?? signalStep(ctx, S.signal, 'plan-complete');
  if (next) return next;
  const items = todoItems(plannedDocument(ctx));
  const doc = need(ctx.facts, 'documentPath');
  return done(
    `Plan written to ${doc}: ${items.length} To-Do items (${items.map((i) => i.text).join('; ')}). ` +
      `The request is quoted verbatim under Original Request; ${signalOutcome(ctx, S.signal, 'plan-complete')}. Implementation has not started.`,
  );
}
