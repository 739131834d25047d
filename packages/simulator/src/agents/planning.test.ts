// The planning role driven step by step over real files: the plan follows the
// template, quotes the request byte for byte, is read back, and signals.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashExec, drive, planTemplate, readLog, renderRole, scratchDir } from './agents.fixture';
import { sectionBody, sections, todoItems, unquote } from './markdown';
import { PLANNING_STEPS } from './planning';
import { taskRequest } from './request';
import { createRoleBrain } from './role-brain';

let dir: string;
let signalCommand: string;
let signalLog: string;
let docPath: string;
let templatePath: string;

beforeEach(async () => {
  ({ dir, signalCommand, signalLog } = await scratchDir());
  docPath = join(dir, 'task.md');
  templatePath = join(dir, 'plan-template.md');
  await writeFile(templatePath, planTemplate());
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const prompt = (name = 'planning') =>
  renderRole(name, { documentPath: docPath, worktreePath: dir, signalCommand, planTemplatePath: templatePath });

describe('planning', () => {
  it('writes the plan section for section, quotes the request verbatim, reads it back and signals', async () => {
    const request =
      '  Leading spaces, "quotes", $HOME and `ticks`\n\n' +
      taskRequest({
        summary: 'Add a greeting module.',
        files: { 'src/greet.js': 'export const greet = () => "hi";\n' },
        tests: 'node --test',
      }) +
      '\ntrailing line without newline';
    await writeFile(docPath, request);
    const run = drive(createRoleBrain(), prompt(), bashExec(dir));
    expect(run.descriptions).toEqual(Object.values(PLANNING_STEPS));
    const plan = await readFile(docPath, 'utf8');
    const templateHeadings = sections(planTemplate()).map((s) => s.heading);
    expect(sections(plan).map((s) => s.heading)).toEqual(templateHeadings);
    const original = sectionBody(plan, 'Original Request') ?? '';
    expect(original.split('\n').every((l) => l.startsWith('> '))).toBe(true);
    expect(unquote(original)).toBe(request);
    expect(todoItems(plan).map((i) => [i.text, i.checked])).toEqual([
      ['Write `src/greet.js`', false],
      ['Run `node --test` and see it pass', false],
    ]);
    expect(sectionBody(plan, 'Testing Strategy')).toContain('`node --test`');
    expect(sectionBody(plan, 'Review Findings')).toBe(sectionBody(planTemplate(), 'Review Findings'));
    expect(plan).not.toMatch(/_What will change|_First implementation step_|<!--/);
    expect(readLog(signalLog)).toEqual(['signal plan-complete']);
    expect(run.final).toMatch(/^Plan written to .*signalled plan-complete/s);
  });

  it('keeps an existing Original Request when re-planning', async () => {
    await writeFile(docPath, 'Make it blue.\n');
    drive(createRoleBrain(), prompt(), bashExec(dir));
    const first = await readFile(docPath, 'utf8');
    drive(createRoleBrain(), prompt(), bashExec(dir));
    const second = await readFile(docPath, 'utf8');
    expect(sectionBody(second, 'Original Request')).toBe('> Make it blue.');
    expect(second).toBe(first);
    expect(readLog(signalLog)).toHaveLength(2);
  });

  it('writes Technical decisions for a non-technical user', async () => {
    await writeFile(docPath, 'Please make the button bigger.');
    drive(createRoleBrain(), prompt('planning-nontechnical'), bashExec(dir));
    const plan = await readFile(docPath, 'utf8');
    expect(sectionBody(plan, 'Overview')).toContain('**Technical decisions**');
    expect(sectionBody(plan, 'Original Request')).toBe('> Please make the button bigger.');
  });

  it('confirms the testing strategy with AskUserQuestion when asked to, and records the answer', async () => {
    await writeFile(docPath, 'Add a flag.\n');
    const asked: unknown[] = [];
    const answer = (input: unknown) => {
      asked.push(input);
      return {
        output: 'Your questions have been answered: "Is this testing strategy enough…"="Yes". You can now continue.',
        isError: false,
      };
    };
    drive(createRoleBrain({ confirmTestingStrategy: true }), prompt(), bashExec(dir), { answer });
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(asked[0])).toContain('Is this testing strategy enough');
    expect(sectionBody(await readFile(docPath, 'utf8'), 'Testing Strategy')).toContain('Confirmed with the user: Yes');
  });

  it('says what is missing instead of guessing', () => {
    const run = drive(
      createRoleBrain(),
      prompt()
        .replace(/Plan template: `[^`]*`/, 'Plan template: (none)')
        .replace(/plan template\*\* at `[^`]*`/, ''),
      bashExec(dir),
    );
    expect(run.final).toMatch(/^\[role brain\] planning: (cannot read the task document|the prompt does not give the planTemplatePath)/);
  });
});
