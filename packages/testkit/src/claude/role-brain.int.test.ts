// The real Claude Code CLI, driven by the role brain through Bottega's real
// rendered prompts, in a temp git repo with an npm test script: planning,
// implementation, review NEEDS_WORK, the fix, review READY — and a resume.
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaudeWorld } from './claude-cli.fixture';
import type { ClaudeWorld, TurnOutcome } from './claude-cli.fixture';
import { planTemplate, readLog, renderRole, scratchDir } from '../../../simulator/src/agents/agents.fixture';
import { sectionBody, todoItems, unquote } from '../../../simulator/src/agents/markdown';
import { taskRequest } from '@bottega/simulator';
import { createRoleBrain } from '@bottega/simulator';

let world: ClaudeWorld;
let docPath: string;
let signalLog: string;
let scratchRoot: string;
let prompt: (name: string, vars?: { repoSlug?: string }) => string;

const request = taskRequest({
  summary: 'Add a `greet(name)` helper that says "Hello, <name>!".\n\nKeep it tiny; $HOME stays untouched.',
  files: { 'src/greet.mjs': 'export const greet = (name) => `Hi ${name}`;\n' },
  fixes: { 'src/greet.mjs': 'export const greet = (name) => `Hello, ${name}!`;\n' },
});

const check = [
  "import { greet } from './src/greet.mjs';",
  "const got = greet('Ada');",
  "if (got !== 'Hello, Ada!') { console.error(`greet('Ada') returned ${got}`); process.exit(1); }",
  "console.log('greet ok');",
  '',
].join('\n');

beforeAll(async () => {
  world = await createClaudeWorld({ brain: createRoleBrain() });
  const scratch = await scratchDir();
  signalLog = scratch.signalLog;
  scratchRoot = scratch.dir;
  const tasks = join(world.home, 'tasks');
  await mkdir(tasks);
  docPath = join(tasks, 'task.md');
  const templatePath = join(tasks, 'plan-template.md');
  await writeFile(templatePath, planTemplate());
  await writeFile(docPath, request);
  await writeFile(
    join(world.cwd, 'package.json'),
    JSON.stringify({ name: 'tiny', private: true, type: 'module', scripts: { test: 'node check.mjs' } }),
  );
  await writeFile(join(world.cwd, 'check.mjs'), check);
  const git = spawnSync(
    'bash',
    ['-c', 'git init -q -b main && git add -A && git -c user.name=T -c user.email=t@e.invalid commit -q -m init'],
    { cwd: world.cwd },
  );
  expect(git.status).toBe(0);
  prompt = (name, vars = {}) =>
    renderRole(name, {
      documentPath: docPath,
      worktreePath: world.cwd,
      signalCommand: scratch.signalCommand,
      planTemplatePath: templatePath,
      ...vars,
    });
});
afterAll(async () => {
  await world?.close();
  if (scratchRoot) await rm(scratchRoot, { recursive: true, force: true });
});

function ok(outcome: TurnOutcome): string {
  expect(outcome.error).toBeUndefined();
  expect(outcome.result).toMatchObject({ subtype: 'success', is_error: false });
  const text = outcome.result?.subtype === 'success' ? outcome.result.result : '';
  expect(text).not.toMatch(/^\[(role|fake) brain\]/);
  return text;
}

describe('the role brain drives the real Claude Code CLI', () => {
  it('planning writes the plan, quoting the request verbatim, and signals plan-complete', async () => {
    const final = ok(await world.turn(prompt('planning')));
    const plan = await readFile(docPath, 'utf8');
    expect(unquote(sectionBody(plan, 'Original Request') ?? '')).toBe(request.replace(/\n$/, ''));
    expect(todoItems(plan).map((i) => [i.text, i.checked])).toEqual([
      ['Write `src/greet.mjs`', false],
      ['Run `npm test` and see it pass', false],
    ]);
    expect(readLog(signalLog)).toEqual(['signal plan-complete']);
    expect(final).toMatch(/^Plan written to /);
  });

  it('a resumed planning session ends at once: it is done', async () => {
    const first = world.fake.modelRequests().length;
    const sessionId = (await world.turn(prompt('planning'))).result?.session_id;
    const before = world.fake.modelRequests().length;
    expect(before - first).toBe(6);
    const resumed = await world.turn('continue', { options: { resume: sessionId } });
    expect(ok(resumed)).toMatch(/^Plan written to /);
    expect(world.fake.modelRequests().length - before).toBe(1);
    expect(readLog(signalLog)).toEqual(['signal plan-complete', 'signal plan-complete']);
  });

  it('implementation writes the files and ticks every item, with no signal', async () => {
    ok(await world.turn(prompt('implementation')));
    expect(await readFile(join(world.cwd, 'src/greet.mjs'), 'utf8')).toBe('export const greet = (name) => `Hi ${name}`;\n');
    expect(todoItems(await readFile(docPath, 'utf8')).every((i) => i.checked)).toBe(true);
    expect(readLog(signalLog)).toHaveLength(2);
  });

  it('review runs npm test, which fails: NEEDS_WORK, items unchecked, no signal', async () => {
    const final = ok(await world.turn(prompt('review')));
    const doc = await readFile(docPath, 'utf8');
    const findings = sectionBody(doc, 'Review Findings') ?? '';
    expect(findings).toMatch(/^\*\*Verdict: NEEDS_WORK\*\*/);
    expect(findings).toContain("greet('Ada') returned Hi Ada");
    expect(todoItems(doc).some((i) => i.checked)).toBe(false);
    expect(readLog(signalLog)).toHaveLength(2);
    expect(final).toMatch(/^Verdict: NEEDS_WORK/);
  });

  it('implementation applies the fix; review passes: READY and workflow-complete', async () => {
    expect(ok(await world.turn(prompt('implementation')))).toMatch(/^Addressed the review findings first/);
    expect(await readFile(join(world.cwd, 'src/greet.mjs'), 'utf8')).toBe('export const greet = (name) => `Hello, ${name}!`;\n');
    const final = ok(await world.turn(prompt('review')));
    const doc = await readFile(docPath, 'utf8');
    expect(sectionBody(doc, 'Review Findings')).toMatch(/^\*\*Verdict: READY\*\*[\s\S]*greet ok/);
    expect(todoItems(doc).every((i) => i.checked)).toBe(true);
    expect(readLog(signalLog).at(-1)).toBe('signal workflow-complete');
    expect(final).toMatch(/^Verdict: READY/);
  });

  it('refinement looks at the change and leaves everything as it is', async () => {
    const before = await readFile(docPath, 'utf8');
    expect(ok(await world.turn(prompt('refinement')))).toMatch(/^Refinement pass over the branch/);
    expect(await readFile(docPath, 'utf8')).toBe(before);
  });

  it('the PR role without a GitHub remote commits the work and writes a report, with no signal', async () => {
    const final = ok(await world.turn(prompt('pr', { repoSlug: '' })));
    const log = spawnSync('git', ['log', '-1', '--format=%an|%s'], { cwd: world.cwd, encoding: 'utf8' });
    expect(log.stdout.trim()).toBe('Bottega Agent|Task 7: Add a greeting');
    expect(sectionBody(await readFile(docPath, 'utf8'), 'Pull Request Report')).toContain('no GitHub remote');
    expect(readLog(signalLog).at(-1)).toBe('signal workflow-complete');
    expect(final).toContain('Stopped and wrote a Pull Request Report');
  });
});
