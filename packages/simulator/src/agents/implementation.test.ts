// The implementation role over real files: it writes the request's files
// byte for byte, applies fixes after NEEDS_WORK, ticks every item, never signals.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assistant, toolResult, toolUse, user } from '../anthropic/brain.fixture';
import { bashExec, drive, planTemplate, readLog, renderRole, scratchDir } from './agents.fixture';
import { replaceSectionBody, todoItems } from './markdown';
import { fileBlock, taskRequest } from './request';
import { createRoleBrain } from './role-brain';

let dir: string;
let signalCommand: string;
let signalLog: string;
let docPath: string;

const prompt = (name: string) =>
  renderRole(name, { documentPath: docPath, worktreePath: dir, signalCommand, planTemplatePath: join(dir, 'plan-template.md') });

async function planned(request: string): Promise<string> {
  await writeFile(join(dir, 'plan-template.md'), planTemplate());
  await writeFile(docPath, request);
  drive(createRoleBrain(), prompt('planning'), bashExec(dir));
  return readFile(docPath, 'utf8');
}

beforeEach(async () => {
  ({ dir, signalCommand, signalLog } = await scratchDir());
  docPath = join(dir, 'task.md');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tricky = "export const s = `${'$HOME'}`; // \"q\" 'x'\n```\n\tdone\n";

describe('implementation', () => {
  it('writes every file of the request exactly, ticks every item and sends no signal', async () => {
    await planned(taskRequest({ summary: 'Two files.', files: { 'src/deep/a.js': tricky, 'b.txt': 'plain\n' } }));
    const run = drive(createRoleBrain(), prompt('implementation'), bashExec(dir));
    expect(run.descriptions).toEqual(['Read the task document', 'Write src/deep/a.js', 'Write b.txt', 'Tick the finished To-Do items']);
    expect(await readFile(join(dir, 'src/deep/a.js'), 'utf8')).toBe(tricky);
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('plain\n');
    const doc = await readFile(docPath, 'utf8');
    expect(todoItems(doc).length).toBe(3);
    expect(todoItems(doc).every((i) => i.checked)).toBe(true);
    expect(run.commands.some((c) => c.includes(signalCommand))).toBe(false);
    expect(readLog(signalLog)).toEqual(['signal plan-complete']);
    expect(run.final).toBe('Wrote src/deep/a.js, b.txt. Ticked 3 To-Do items.');
  });

  it('after a NEEDS_WORK review applies the fix blocks, a findings block winning', async () => {
    const doc = await planned(
      taskRequest({
        summary: 'Fix me.',
        files: { 'a.js': 'broken\n', 'b.js': 'broken\n' },
        fixes: { 'a.js': 'fixed a\n', 'b.js': 'fixed b\n' },
      }),
    );
    const findings = `**Verdict: NEEDS_WORK**\n\n- critical: b.js is wrong; use this:\n\n${fileBlock('file', 'b.js', 'from findings\n')}`;
    await writeFile(docPath, replaceSectionBody(doc, 'Review Findings', findings));
    const run = drive(createRoleBrain(), prompt('implementation'), bashExec(dir));
    expect(await readFile(join(dir, 'a.js'), 'utf8')).toBe('fixed a\n');
    expect(await readFile(join(dir, 'b.js'), 'utf8')).toBe('from findings\n');
    expect(run.final).toMatch(/^Addressed the review findings first\./);
  });

  it('ignores fix blocks while no review asked for work, and refuses paths outside the worktree', async () => {
    await planned(taskRequest({ summary: 'x', files: { 'ok.txt': 'ok\n', '../escape.txt': 'no\n' }, fixes: { 'ok.txt': 'fixed\n' } }));
    const run = drive(createRoleBrain(), prompt('implementation'), bashExec(dir));
    expect(await readFile(join(dir, 'ok.txt'), 'utf8')).toBe('ok\n');
    expect(run.final).toContain('Refused paths outside the worktree: ../escape.txt.');
  });

  it('works on a document that was never planned (no To-Do List to tick)', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Raw.', files: { 'r.txt': 'r\n' } }));
    const run = drive(createRoleBrain(), prompt('implementation'), bashExec(dir));
    expect(await readFile(join(dir, 'r.txt'), 'utf8')).toBe('r\n');
    expect(run.final).toBe('Wrote r.txt. Nothing was left to tick.');
  });
});

describe('implementation, resumed', () => {
  it('picks up after the calls of an earlier turn when the new prompt is not a role prompt', async () => {
    await planned(taskRequest({ summary: 'Resume.', files: { 'one.txt': '1\n', 'two.txt': '2\n' } }));
    const exec = bashExec(dir);
    const doc = exec(`cat '${docPath}'`).output;
    const history = [
      user(prompt('implementation')),
      assistant(toolUse('a', 'Bash', { command: `cat '${docPath}'`, description: 'Read the task document' })),
      user(toolResult('a', doc)),
      assistant({ type: 'text', text: 'Interrupted.' }),
      user('continue'),
    ];
    const run = drive(createRoleBrain(), history, exec);
    expect(run.descriptions).toEqual(['Write one.txt', 'Write two.txt', 'Tick the finished To-Do items']);
  });
});
