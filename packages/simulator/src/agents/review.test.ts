// The review role over real files and a real test command: IN_PROGRESS,
// NEEDS_WORK (unchecks), READY (signals), BLOCKED (signals with a reason),
// and the whole plan → build → review → fix → review loop.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashExec, drive, planTemplate, readLog, renderRole, scratchDir } from './agents.fixture';
import type { Exec } from './agents.fixture';
import { sectionBody, todoItems } from './markdown';
import { taskRequest } from './request';
import { createRoleBrain } from './role-brain';

let dir: string;
let signalCommand: string;
let signalLog: string;
let docPath: string;

const prompt = (name: string) =>
  renderRole(name, { documentPath: docPath, worktreePath: dir, signalCommand, planTemplatePath: join(dir, 'plan-template.md') });

const run = (name: string, exec: Exec = bashExec(dir)) => drive(createRoleBrain(), prompt(name), exec);

beforeEach(async () => {
  ({ dir, signalCommand, signalLog } = await scratchDir());
  docPath = join(dir, 'task.md');
  await writeFile(join(dir, 'plan-template.md'), planTemplate());
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A check that passes when ok.txt says "ok". */
const check = 'grep -qx ok ok.txt || { echo "ok.txt is wrong: $(cat ok.txt)"; exit 3; }';

async function plannedAndBuilt(spec: Parameters<typeof taskRequest>[0]): Promise<void> {
  await writeFile(docPath, taskRequest(spec));
  run('planning');
  run('implementation');
}

describe('review', () => {
  it('writes IN_PROGRESS with the remaining items while any is unchecked, and stops', async () => {
    await writeFile(docPath, taskRequest({ summary: 'x', files: { 'ok.txt': 'ok\n' }, tests: check }));
    run('planning');
    const r = run('review');
    expect(r.descriptions).toEqual(['Read the task document', 'Write the review findings']);
    const doc = await readFile(docPath, 'utf8');
    expect(sectionBody(doc, 'Review Findings')).toBe(
      'IN_PROGRESS\n\nRemaining items:\n- Write `ok.txt`\n- Run `grep -qx ok ok.txt || { echo "ok.txt is wrong: $(cat ok.txt)"; exit 3; }` and see it pass',
    );
    expect(readLog(signalLog)).toEqual(['signal plan-complete']);
    expect(r.final).toMatch(/^IN_PROGRESS: 2 To-Do items/);
  });

  it('gives NEEDS_WORK with the failure output and unchecks every item when the tests fail', async () => {
    await plannedAndBuilt({ summary: 'x', files: { 'ok.txt': 'nope\n' }, tests: check });
    const r = run('review');
    expect(r.descriptions).toEqual(['Read the task document', 'Run the tests', 'Write the review findings']);
    const doc = await readFile(docPath, 'utf8');
    const findings = sectionBody(doc, 'Review Findings') ?? '';
    expect(findings).toMatch(/^\*\*Verdict: NEEDS_WORK\*\*/);
    expect(findings).toContain('exit code 3');
    expect(findings).toContain('ok.txt is wrong: nope');
    expect(todoItems(doc).some((i) => i.checked)).toBe(false);
    expect(readLog(signalLog)).toEqual(['signal plan-complete']);
    expect(r.final).toMatch(/^Verdict: NEEDS_WORK/);
  });

  it('gives READY and signals workflow-complete when the tests pass', async () => {
    await plannedAndBuilt({ summary: 'x', files: { 'ok.txt': 'ok\n' }, tests: check });
    const r = run('review');
    expect(r.descriptions).toEqual([
      'Read the task document',
      'Run the tests',
      'Write the review findings',
      'Signal that the workflow is complete',
    ]);
    const doc = await readFile(docPath, 'utf8');
    expect(sectionBody(doc, 'Review Findings')).toMatch(/^\*\*Verdict: READY\*\*/);
    expect(todoItems(doc).every((i) => i.checked)).toBe(true);
    expect(readLog(signalLog)).toEqual(['signal plan-complete', 'signal workflow-complete']);
  });

  it('uses npm test when the request names no command', async () => {
    await writeFile(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node -e "process.exit(0)"' } }));
    await plannedAndBuilt({ summary: 'x', files: { 'a.txt': 'a\n' } });
    const r = run('review');
    expect(r.commands[1]).toBe(`cd '${dir}' && npm test 2>&1`);
    expect(readLog(signalLog).at(-1)).toBe('signal workflow-complete');
  });

  it('gives BLOCKED with a plain reason when the request asks for it', async () => {
    await plannedAndBuilt({ summary: 'x', files: { 'ok.txt': 'ok\n' }, tests: check, blocked: 'needs the "prod" key for $SERVICE' });
    const r = run('review');
    expect(r.descriptions).toEqual(['Read the task document', 'Write the review findings', 'Signal that the workflow is blocked']);
    expect(readLog(signalLog).at(-1)).toBe('signal workflow-blocked --reason needs the prod key for SERVICE');
    expect(sectionBody(await readFile(docPath, 'utf8'), 'Review Findings')).toMatch(/^\*\*Verdict: BLOCKED\*\*/);
  });

  it('retries a failing signal once, then reports it', async () => {
    await plannedAndBuilt({ summary: 'x', files: { 'ok.txt': 'ok\n' }, tests: check });
    const real = bashExec(dir);
    const exec: Exec = (c) =>
      c.includes('workflow-complete') ? { output: 'Exit code 1\nerror: run is not live', isError: true } : real(c);
    const r = run('review', exec);
    expect(r.descriptions.filter((d) => d.startsWith('Signal'))).toHaveLength(2);
    expect(r.final).toContain('the workflow-complete signal failed: error: run is not live');
  });
});

describe('the implementation ↔ review loop', () => {
  it('goes NEEDS_WORK, then the fix blocks make it READY', async () => {
    await plannedAndBuilt({ summary: 'Loop.', files: { 'ok.txt': 'first try\n' }, fixes: { 'ok.txt': 'ok\n' }, tests: check });
    expect(run('review').final).toMatch(/^Verdict: NEEDS_WORK/);
    expect(run('implementation').final).toMatch(/^Addressed the review findings first\. Wrote ok\.txt\. Ticked 2/);
    expect(await readFile(join(dir, 'ok.txt'), 'utf8')).toBe('ok\n');
    expect(run('review').final).toMatch(/^Verdict: READY/);
    expect(readLog(signalLog)).toEqual(['signal plan-complete', 'signal workflow-complete']);
  });

  it('refinement only looks and summarises', async () => {
    await plannedAndBuilt({ summary: 'x', files: { 'ok.txt': 'ok\n' } });
    const before = await readFile(docPath, 'utf8');
    const r = run('refinement');
    expect(r.descriptions).toEqual(['List the files this branch changed']);
    expect(r.final).toMatch(/^Refinement pass/);
    expect(await readFile(docPath, 'utf8')).toBe(before);
  });
});
