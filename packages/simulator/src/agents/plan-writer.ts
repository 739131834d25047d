// Writes a plan from the plan template, section for section, out of a task
// request that follows the role brain's conventions (file blocks, markers).
import { sectionBody, sections } from './markdown';
import { findMarker, latestEdits, parseFileBlocks, requestProse } from './request';

export interface PlanInput {
  /** The plan template's text, as read from disk. */
  template: string;
  /** The user's request (the document before planning), unquoted. */
  request: string;
  testCommand: string;
  /** Write the Overview for a non-technical user: a "Technical decisions" list. */
  nontechnical?: boolean;
  /** The user's answer when the testing strategy was confirmed. */
  testingAnswer?: string;
}

/** The plan around its Original Request body: `before` ends with that heading, `after` starts after the quote. */
export interface PlanText {
  before: string;
  after: string;
}

const ORIGINAL = 'Original Request';

function summaryOf(request: string): string {
  const prose = requestProse(request);
  const paragraph =
    prose
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() ?? '';
  if (paragraph.length === 0) return 'The request gives no description beyond its instructions below.';
  return paragraph.length > 500 ? `${paragraph.slice(0, 497)}...` : paragraph;
}

function bodies(input: PlanInput): Record<string, string> {
  const files = latestEdits(parseFileBlocks(input.request, ['file'])).map((e) => e.path);
  const blocked = findMarker(input.request, 'blocked');
  const test = input.testCommand;
  const decisions = [
    files.length > 0
      ? `- Write exactly the files the request spells out (${files.map((f) => `\`${f}\``).join(', ')}) and change nothing else, so the change stays as small as asked.`
      : '- Make only the change the request describes, following the code around it.',
    `- Verify with \`${test}\`, the project's test command, because it covers the changed code.`,
    ...(blocked === undefined ? [] : [`- Out of reach for an agent, a human must do it: ${blocked}`]),
  ];
  const overview = [
    `This change does what the request asks: ${summaryOf(input.request)}`,
    input.nontechnical === true ? '**Technical decisions**' : 'Decisions:',
    decisions.join('\n'),
  ].join('\n\n');
  const phase =
    files.length > 0
      ? [
          '### Phase 1 — Write the requested files',
          files.map((f) => `- \`${f}\` — create or replace it with the content the request gives`).join('\n'),
        ]
      : ['### Phase 1 — Carry out the request', '- The request names no files; make the change it describes where the code calls for it.'];
  const confirmed = input.testingAnswer === undefined ? '' : `\n\nConfirmed with the user: ${input.testingAnswer}`;
  const testing = [
    '### Unit tests',
    `- \`${test}\` — the project's suite passes with the change in place.`,
    '### Manual / browser scenarios',
    `1. None needed: the test suite exercises the change.${confirmed}`,
  ].join('\n\n');
  const implementationItems =
    files.length > 0 ? files.map((f) => `- [ ] Write \`${f}\``) : ['- [ ] Carry out the request as the Overview describes'];
  const todo = ['### Implementation', implementationItems.join('\n'), '### Testing', `- [ ] Run \`${test}\` and see it pass`].join('\n\n');
  return {
    overview,
    'implementation plan': phase.join('\n\n'),
    'testing strategy': testing,
    'to-do list': todo,
    'project docs update': 'None.',
  };
}

/** The plan's text around the Original Request body, following the template's headings in order. */
export function writePlan(input: PlanInput): PlanText {
  const template = input.template.replace(/<!--[\s\S]*?-->\n?/g, '');
  const title = /^# .+$/m.exec(template)?.[0] ?? '# Plan';
  const headings = sections(template).map((s) => s.heading);
  if (!headings.some((h) => h.toLowerCase() === ORIGINAL.toLowerCase())) headings.unshift(ORIGINAL);
  const filled = bodies(input);
  const findings = sectionBody(template, 'Review Findings') || '_Not reviewed yet._';
  let before = `${title}\n\n`;
  let after = '';
  let seenOriginal = false;
  for (const heading of headings) {
    const key = heading.toLowerCase();
    if (key === ORIGINAL.toLowerCase()) {
      before += `## ${heading}\n\n`;
      seenOriginal = true;
      continue;
    }
    const body = key === 'review findings' ? findings : (filled[key] ?? 'None.');
    const section = `## ${heading}\n\n${body}\n\n`;
    if (seenOriginal) after += section;
    else before += section;
  }
  return { before, after: `\n${after.replace(/\n+$/, '\n')}` };
}
