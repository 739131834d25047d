// The YOLO role in one conversation: plan, build, verify (fixing once), signal
// workflow-complete, then the PR procedure and pr-complete — or BLOCKED.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashExec, drive, gitWorktree, planTemplate, readLog, renderRole, scratchDir, withFakeGh } from './agents.fixture';
import type { ExecResult } from './agents.fixture';
import { sectionBody, todoItems } from './markdown';
import { PR_STEPS } from './pr-common';
import { taskRequest } from './request';
import { createRoleBrain } from './role-brain';
import { YOLO_STEPS } from './yolo';

let dir: string;
let wt: string;
let signalCommand: string;
let signalLog: string;
let docPath: string;

beforeEach(async () => {
  ({ dir, signalCommand, signalLog } = await scratchDir());
  docPath = join(dir, 'task.md');
  wt = gitWorktree(dir);
  await writeFile(join(dir, 'plan-template.md'), planTemplate());
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const check = 'grep -qx ok ok.txt';
const green = JSON.stringify({
  state: 'OPEN',
  mergeable: 'MERGEABLE',
  statusCheckRollup: [{ name: 'build', status: 'COMPLETED', conclusion: 'SUCCESS' }],
});

function fakeGh(c: string): ExecResult {
  if (c.includes('gh pr create')) return { output: 'https://github.com/acme/widgets/pull/9', isError: false };
  if (c.includes('--json number,state,url')) return { output: 'Exit code 1\nno pull requests found', isError: true };
  return { output: green, isError: false };
}

function yolo() {
  const prompt = renderRole('yolo', {
    documentPath: docPath,
    worktreePath: wt,
    signalCommand,
    planTemplatePath: join(dir, 'plan-template.md'),
  });
  return drive(createRoleBrain({ pollIntervalSeconds: 0 }), prompt, withFakeGh(bashExec(wt), fakeGh));
}

describe('yolo', () => {
  it('plans, builds, verifies, signals workflow-complete, opens the PR and signals pr-complete', async () => {
    const request = taskRequest({ summary: 'All of it.', files: { 'ok.txt': 'ok\n' }, tests: check });
    await writeFile(docPath, request);
    const r = yolo();
    expect(r.descriptions).toEqual([
      'Read the task document',
      'Read the plan template',
      'Write the plan into the task document',
      'Read the plan back',
      'Write ok.txt',
      'Tick the finished To-Do items',
      YOLO_STEPS.runTests,
      YOLO_STEPS.readForVerdict,
      YOLO_STEPS.writeVerdict,
      YOLO_STEPS.signalComplete,
      PR_STEPS.status,
      PR_STEPS.commit,
      PR_STEPS.ahead,
      PR_STEPS.push,
      PR_STEPS.lookup,
      PR_STEPS.create,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    const doc = await readFile(docPath, 'utf8');
    expect(sectionBody(doc, 'Original Request')).toBe(
      request
        .trimEnd()
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n'),
    );
    expect(sectionBody(doc, 'Review Findings')).toMatch(/^\*\*Verdict: READY\*\*/);
    expect(todoItems(doc).every((i) => i.checked)).toBe(true);
    expect(readLog(signalLog)).toEqual(['signal workflow-complete', 'signal pr-complete']);
    expect(r.final).toMatch(
      /^Planned, built and verified the task\. Tests passed\. Signalled workflow-complete\. Pull request: https:\/\/github.com\/acme\/widgets\/pull\/9/,
    );
  });

  it('applies the fix blocks once when the tests fail, and goes on when they pass', async () => {
    await writeFile(
      docPath,
      taskRequest({ summary: 'Fix once.', files: { 'ok.txt': 'bad\n' }, fixes: { 'ok.txt': 'ok\n' }, tests: check }),
    );
    const r = yolo();
    expect(r.descriptions.slice(6, 9)).toEqual([YOLO_STEPS.runTests, YOLO_STEPS.applyFix('ok.txt'), YOLO_STEPS.rerunTests]);
    expect(readLog(signalLog)).toEqual(['signal workflow-complete', 'signal pr-complete']);
  });

  it('stops without a signal when the tests keep failing', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Broken.', files: { 'ok.txt': 'bad\n' }, tests: check }));
    const r = yolo();
    expect(r.descriptions.at(-1)).toBe(YOLO_STEPS.writeVerdict);
    expect(sectionBody(await readFile(docPath, 'utf8'), 'Review Findings')).toMatch(/^\*\*Verdict: NEEDS_WORK\*\*/);
    expect(readLog(signalLog)).toEqual([]);
    expect(r.final).toContain('still fails');
  });

  it('signals workflow-blocked and stops when the request needs a human', async () => {
    await writeFile(
      docPath,
      taskRequest({ summary: 'Needs a key.', files: { 'ok.txt': 'ok\n' }, blocked: 'a human must add the API key' }),
    );
    const r = yolo();
    expect(r.descriptions.slice(-3)).toEqual([YOLO_STEPS.readForVerdict, YOLO_STEPS.writeVerdict, YOLO_STEPS.signalBlocked]);
    expect(readLog(signalLog)).toEqual(['signal workflow-blocked --reason a human must add the API key']);
    expect(r.final).toMatch(/BLOCKED/);
  });
});
