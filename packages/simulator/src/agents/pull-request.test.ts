// The PR role's steps over a real git repo with a bare origin, `gh` answered
// by a script: commit, push, open, poll (pending, failed, green), fix CI,
// rebase, signal — or stop with a report.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bashExec, drive, gitWorktree, readLog, renderRole, scratchDir, withFakeGh } from './agents.fixture';
import type { ExecResult } from './agents.fixture';
import { sectionBody } from './markdown';
import { PR_STEPS } from './pr-common';
import { taskRequest } from './request';
import { createRoleBrain } from './role-brain';
import type { RoleBrainOptions } from './context';

let dir: string;
let wt: string;
let signalCommand: string;
let signalLog: string;
let docPath: string;

beforeEach(async () => {
  ({ dir, signalCommand, signalLog } = await scratchDir());
  docPath = join(dir, 'task.md');
  wt = gitWorktree(dir);
  await writeFile(docPath, taskRequest({ summary: 'Add ok.txt.', files: { 'ok.txt': 'ok\n' }, ciFixes: { 'ci.txt': 'fixed\n' } }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Checks = Record<string, unknown>[];
const run = (status: string, conclusion = '', id = 42) => ({
  __typename: 'CheckRun',
  name: 'build',
  status,
  conclusion,
  detailsUrl: `https://github.com/acme/widgets/actions/runs/${id}/job/1`,
});
const view = (statusCheckRollup: Checks, mergeable = 'MERGEABLE', state = 'OPEN') =>
  JSON.stringify({ state, mergeable, statusCheckRollup });
const ok = (output: string): ExecResult => ({ output, isError: false });

/** gh answers: polls in order (the last repeats), an optional existing PR, and every command seen. */
function gh(polls: string[], existing?: string) {
  const seen: string[] = [];
  let n = 0;
  const answer = (c: string): ExecResult => {
    seen.push(c);
    if (c.includes('gh pr create')) return ok('https://github.com/acme/widgets/pull/5');
    if (c.includes('--json number,state,url'))
      return existing ? ok(existing) : { output: 'Exit code 1\nno pull requests found for branch "bottega/task-7"', isError: true };
    if (c.includes('statusCheckRollup')) return ok(polls[Math.min(n++, polls.length - 1)] ?? '{}');
    if (c.includes('gh run view')) return ok('build\tRun tests\tnot ok 1 - ci.txt missing');
    if (c.includes('gh pr comment')) return ok('https://github.com/acme/widgets/pull/5#issuecomment-1');
    if (/--json number$/.test(c)) return ok('{"number":5}');
    if (c.includes('gh api ')) return ok('{}');
    return { output: `Exit code 1\nunexpected gh call: ${c}`, isError: true };
  };
  return { seen, answer };
}

const prompt = (name = 'pr', vars: { repoSlug?: string; feedback?: string; maxCiRounds?: string; strategy?: 'rebase' | 'merge' } = {}) =>
  renderRole(name, { documentPath: docPath, worktreePath: wt, signalCommand, ...vars });

function drivePr(g: ReturnType<typeof gh>, options: RoleBrainOptions = {}, name = 'pr', vars = {}, edit = (p: string) => p) {
  return drive(createRoleBrain({ pollIntervalSeconds: 0, ...options }), edit(prompt(name, vars)), withFakeGh(bashExec(wt), g.answer));
}

const git = (cmd: string) => bashExec(wt)(cmd).output;

describe('pull request', () => {
  it('commits, pushes, opens the PR, polls until green and mergeable, then signals', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const g = gh([view([run('IN_PROGRESS')]), view([run('COMPLETED', 'SUCCESS')])]);
    const r = drivePr(g);
    expect(r.descriptions).toEqual([
      'Read the task document',
      PR_STEPS.status,
      PR_STEPS.commit,
      PR_STEPS.ahead,
      PR_STEPS.push,
      PR_STEPS.lookup,
      PR_STEPS.create,
      PR_STEPS.poll,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    expect(git(`git --git-dir='${join(dir, 'origin.git')}' log -1 --format='%an <%ae> %s' bottega/task-7`)).toBe(
      'Bottega Agent <agent@bottega.invalid> Task 7: Add a greeting',
    );
    const create = g.seen.find((c) => c.includes('gh pr create')) ?? '';
    expect(create).toContain(
      "gh pr create --repo 'acme/widgets' --head 'bottega/task-7' --base 'main' --title 'Add a greeting' --body-file \"$f\"",
    );
    expect(create).toContain('Task 7: Add a greeting');
    expect(
      r.commands
        .filter((c) => c.includes('statusCheckRollup'))
        .every((c) => /sleep 0; gh pr view 'bottega\/task-7' --repo 'acme\/widgets' --json state,mergeable,statusCheckRollup$/.test(c)),
    ).toBe(true);
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
    expect(r.final).toMatch(/^Pull request: https:\/\/github.com\/acme\/widgets\/pull\/5\. .*Signalled pr-complete\.$/);
  });

  it('signals at once when nothing is ahead of the base branch', () => {
    const g = gh([]);
    const r = drivePr(g);
    expect(r.descriptions).toEqual(['Read the task document', PR_STEPS.status, PR_STEPS.ahead, PR_STEPS.signal]);
    expect(g.seen).toEqual([]);
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('fixes a failed check from the ci-fix blocks, pushes and polls again', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const g = gh([view([run('COMPLETED', 'FAILURE')]), view([run('COMPLETED', 'SUCCESS')])]);
    const r = drivePr(g);
    expect(r.descriptions.slice(7)).toEqual([
      PR_STEPS.poll,
      PR_STEPS.logs,
      PR_STEPS.fix('ci.txt'),
      PR_STEPS.pushFix,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    expect(g.seen).toContain(`cd '${wt}' && gh run view '42' --repo 'acme/widgets' --log-failed`);
    expect(git(`git --git-dir='${join(dir, 'origin.git')}' show bottega/task-7:ci.txt`)).toBe('fixed');
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('stops with a report when a check fails and no fix is known', async () => {
    await writeFile(docPath, taskRequest({ summary: 'No CI fix is known.' }));
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const r = drivePr(gh([view([{ __typename: 'StatusContext', context: 'ci/lint', state: 'FAILURE' }])]));
    expect(r.descriptions.slice(-2)).toEqual([PR_STEPS.poll, PR_STEPS.report]);
    const report = sectionBody(await readFile(docPath, 'utf8'), 'Pull Request Report') ?? '';
    expect(report).toContain('CI failed (ci/lint) and no further fix is known');
    expect(report).toContain('Last pull request state: state OPEN; CI failed (ci/lint: failed)');
    expect(readLog(signalLog)).toEqual([]);
    expect(r.final).toContain('Stopped and wrote a Pull Request Report');
  });

  it('reports when CI still fails after the known fix', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const r = drivePr(gh([view([run('COMPLETED', 'FAILURE')])]));
    expect(r.descriptions.slice(7)).toEqual([
      PR_STEPS.poll,
      PR_STEPS.logs,
      PR_STEPS.fix('ci.txt'),
      PR_STEPS.pushFix,
      PR_STEPS.poll,
      PR_STEPS.report,
    ]);
    expect(await readFile(docPath, 'utf8')).toContain('1 CI fix round(s)');
  });

  it('fixes round after round from the n-th ci-fix block of each path, up to the prompt cap, then reports', async () => {
    await writeFile(
      docPath,
      taskRequest({
        summary: 'Red on every round.',
        files: { 'ok.txt': 'ok\n' },
        ciFixes: [{ 'ci.txt': 'one\n', 'more.txt': 'more\n' }, { 'ci.txt': 'two\n', 'more.txt': 'more 2\n' }, { 'ci.txt': 'three\n' }],
      }),
    );
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const g = gh([
      view([run('COMPLETED', 'FAILURE', 41)]),
      view([run('COMPLETED', 'FAILURE', 42)]),
      view([run('COMPLETED', 'FAILURE', 43)]),
    ]);
    const r = drivePr(g, {}, 'pr', { maxCiRounds: '2' });
    expect(r.descriptions.slice(7)).toEqual([
      PR_STEPS.poll,
      PR_STEPS.logs,
      PR_STEPS.fix('ci.txt'),
      PR_STEPS.fix('more.txt'),
      PR_STEPS.pushFix,
      PR_STEPS.poll,
      PR_STEPS.logs,
      PR_STEPS.fix('ci.txt', 2),
      PR_STEPS.fix('more.txt', 2),
      PR_STEPS.pushFix,
      PR_STEPS.poll,
      PR_STEPS.report,
    ]);
    expect(g.seen.filter((c) => c.includes('--log-failed'))).toEqual([
      `cd '${wt}' && gh run view '41' --repo 'acme/widgets' --log-failed`,
      `cd '${wt}' && gh run view '42' --repo 'acme/widgets' --log-failed`,
    ]);
    expect(git(`git --git-dir='${join(dir, 'origin.git')}' show bottega/task-7:ci.txt`)).toBe('two');
    const report = sectionBody(await readFile(docPath, 'utf8'), 'Pull Request Report') ?? '';
    expect(report).toContain('- What failed: CI still fails (build) after 2 fix round(s), the limit of 2');
    expect(report).toContain('CI failed (build: failed)');
    expect(readLog(signalLog)).toEqual([]);
  });

  it('keeps to the default cap of 3 rounds when the prompt names none', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Red.', ciFixes: [1, 2, 3, 4].map((n) => ({ 'ci.txt': `${n}\n` })) }));
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const noCap = (p: string) => p.replace(/ At most \*\*\d+\*\* fix rounds in all\./, '');
    const r = drivePr(gh([view([run('COMPLETED', 'FAILURE')])]), {}, 'pr', {}, noCap);
    expect(r.descriptions.filter((d) => d === PR_STEPS.pushFix)).toHaveLength(3);
    expect(await readFile(docPath, 'utf8')).toContain('after 3 fix round(s), the limit of 3');
  });

  it('treats a PR without checks as green after three polls', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const r = drivePr(gh([view([])]));
    expect(r.descriptions.filter((d) => d === PR_STEPS.poll)).toHaveLength(3);
    expect(r.descriptions.at(-1)).toBe(PR_STEPS.signal);
  });

  it('gives up after the poll cap with a report and no signal', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const r = drivePr(gh([view([run('QUEUED')])]), { maxPolls: 4 });
    expect(r.descriptions.filter((d) => d === PR_STEPS.poll)).toHaveLength(4);
    expect(r.descriptions.at(-1)).toBe(PR_STEPS.report);
    expect(readLog(signalLog)).toEqual([]);
    expect(await readFile(docPath, 'utf8')).toContain('- What failed: CI did not finish after 4 polls');
  });

  it('rebases a conflicting branch, force-pushes and re-checks', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const green = [run('COMPLETED', 'SUCCESS')];
    const r = drivePr(gh([view(green, 'CONFLICTING'), view(green, 'UNKNOWN'), view(green)]));
    expect(r.descriptions.slice(7)).toEqual([
      PR_STEPS.poll,
      PR_STEPS.rebase,
      PR_STEPS.forcePush,
      PR_STEPS.poll,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
  });

  it('uses an open pull request instead of creating another', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const g = gh(
      [view([run('COMPLETED', 'SUCCESS')])],
      JSON.stringify({ number: 5, state: 'OPEN', url: 'https://github.com/acme/widgets/pull/5' }),
    );
    const r = drivePr(g);
    expect(r.descriptions).not.toContain(PR_STEPS.create);
    expect(r.final).toContain('https://github.com/acme/widgets/pull/5');
  });

  it('commits and reports without a GitHub repository', async () => {
    await writeFile(join(wt, 'ok.txt'), 'ok\n');
    const r = drivePr(gh([]), {}, 'pr', { repoSlug: '' });
    expect(r.descriptions).toEqual(['Read the task document', PR_STEPS.status, PR_STEPS.commit, PR_STEPS.report]);
    expect(git('git log -1 --format=%s')).toBe('Task 7: Add a greeting');
    expect(await readFile(docPath, 'utf8')).toContain('no GitHub remote');
  });
});

describe('a base branch that moved with a conflicting change', () => {
  const who = '-c user.name=T -c user.email=t@example.invalid';
  beforeEach(async () => {
    git(
      `git checkout -q main && echo main > base.txt && git ${who} commit -qam 'main moves' && git push -q origin main && git checkout -q bottega/task-7`,
    );
    await writeFile(join(wt, 'base.txt'), 'branch\n');
  });
  const conflicting = () => gh([view([run('COMPLETED', 'SUCCESS')], 'CONFLICTING'), view([run('COMPLETED', 'SUCCESS')])]);

  it('rebases, writes the resolution, continues, runs the tests, force-pushes and polls again', async () => {
    await writeFile(
      docPath,
      taskRequest({ summary: 'Touch base.', resolutions: { 'base.txt': 'main and branch\n' }, tests: 'grep -q branch base.txt' }),
    );
    const r = drivePr(conflicting());
    expect(r.descriptions.slice(7)).toEqual([
      PR_STEPS.poll,
      PR_STEPS.rebase,
      PR_STEPS.conflicts,
      PR_STEPS.resolve('base.txt'),
      PR_STEPS.continue,
      PR_STEPS.updateTests,
      PR_STEPS.forcePush,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    const origin = `--git-dir='${join(dir, 'origin.git')}'`;
    expect(git(`git ${origin} show bottega/task-7:base.txt`)).toBe('main and branch');
    expect(git(`git ${origin} log --format=%s bottega/task-7`).split('\n')).toEqual(['Task 7: Add a greeting', 'main moves', 'init']);
    expect(r.commands.find((c) => c.includes('git push --force-with-lease'))).toContain(
      "git push --force-with-lease origin 'bottega/task-7'",
    );
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('resolves again when the rebase stops on the next commit, then finishes', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Touch base twice.', resolutions: { 'base.txt': 'settled\n' }, tests: 'true' }));
    git(`git add -A && git ${who} commit -qm first && echo again > base.txt && git ${who} commit -qam second`);
    const r = drivePr(conflicting());
    expect(r.descriptions.slice(r.descriptions.indexOf(PR_STEPS.create))).toEqual([
      PR_STEPS.create,
      PR_STEPS.poll,
      PR_STEPS.rebase,
      PR_STEPS.conflicts,
      PR_STEPS.resolve('base.txt'),
      PR_STEPS.continue,
      PR_STEPS.conflicts,
      PR_STEPS.resolve('base.txt'),
      PR_STEPS.continue,
      PR_STEPS.updateTests,
      PR_STEPS.forcePush,
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    const origin = `--git-dir='${join(dir, 'origin.git')}'`;
    expect(git(`git ${origin} show bottega/task-7:base.txt`)).toBe('settled');
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('merges instead when the prompt says the project merges, and pushes without force', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Touch base.', resolutions: { 'base.txt': 'merged\n' }, tests: 'true' }));
    const r = drivePr(conflicting(), {}, 'pr', { strategy: 'merge' });
    expect(r.descriptions.slice(8, 14)).toEqual([
      PR_STEPS.merge,
      PR_STEPS.conflicts,
      PR_STEPS.resolve('base.txt'),
      PR_STEPS.continue,
      PR_STEPS.updateTests,
      PR_STEPS.pushMerge,
    ]);
    expect(r.commands.find((c) => c.includes('merge --no-edit'))).toContain("merge --no-edit 'origin/main'");
    expect(r.commands.some((c) => c.includes('--force'))).toBe(false);
    const origin = `--git-dir='${join(dir, 'origin.git')}'`;
    expect(git(`git ${origin} show bottega/task-7:base.txt`)).toBe('merged');
    expect(git(`git ${origin} log -1 --format=%P bottega/task-7`).split(' ')).toHaveLength(2);
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('aborts and reports the conflicted files when the request resolves none of them', async () => {
    await writeFile(docPath, taskRequest({ summary: 'Touch base.' }));
    const r = drivePr(conflicting());
    expect(r.descriptions.slice(7)).toEqual([PR_STEPS.poll, PR_STEPS.rebase, PR_STEPS.conflicts, PR_STEPS.abort, PR_STEPS.report]);
    expect(git('git status --porcelain=v2 --branch | head -1')).toBe('# branch.oid ' + git('git rev-parse HEAD'));
    expect(git('git rev-parse --abbrev-ref HEAD')).toBe('bottega/task-7');
    const report = sectionBody(await readFile(docPath, 'utf8'), 'Pull Request Report') ?? '';
    expect(report).toContain(
      '- What failed: rebasing onto origin/main stopped on conflicts in `base.txt`; no resolution is known for `base.txt`',
    );
    expect(report).toContain('resolve the conflicts in `base.txt` by hand');
    expect(readLog(signalLog)).toEqual([]);
  });
});

describe('pull request feedback', () => {
  it('applies the feedback, tests, pushes, comments, waits for CI and signals', async () => {
    git('git push -q -u origin bottega/task-7');
    const feedback = '1. `ok.txt` (alice): should say OK\n\n```file ok.txt\nOK\n```';
    const g = gh([view([run('COMPLETED', 'SUCCESS')])]);
    const r = drivePr(g, { testCommand: 'true' }, 'pr-feedback', { feedback });
    expect(r.descriptions).toEqual([
      'Read the task document',
      'Address feedback in ok.txt',
      'Run the tests',
      'Commit and push the feedback changes',
      'Comment on the pull request',
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    expect(git(`git --git-dir='${join(dir, 'origin.git')}' show bottega/task-7:ok.txt`)).toBe('OK');
    expect(git('git log -1 --format=%s')).toBe('Task 7: address review feedback');
    expect(g.seen.find((c) => c.includes('gh pr comment'))).toContain('`ok.txt` — changed as the feedback asks.');
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
  });

  it('replies on each review thread with what changed for it and resolves it, then waits for CI', async () => {
    git('git push -q -u origin bottega/task-7');
    const feedback = [
      '1. `ok.txt`, line 1 (new side) — @alice · thread `PRRT_kwDOA1` · comment 1001',
      '',
      '> should say OK',
      '',
      '```file ok.txt',
      'OK',
      '```',
      '',
      '2. `base.txt`, line 1 (new side) — @bob · thread `PRRT_kwDOA2` · comment 1002',
      '',
      '> why base?',
    ].join('\n');
    const g = gh([view([run('COMPLETED', 'SUCCESS')])]);
    const r = drivePr(g, { testCommand: 'true' }, 'pr-feedback', { feedback });
    expect(r.descriptions.slice(4)).toEqual([
      'Comment on the pull request',
      'Look up the pull request number',
      'Reply on review thread PRRT_kwDOA1',
      'Resolve review thread PRRT_kwDOA1',
      'Reply on review thread PRRT_kwDOA2',
      'Resolve review thread PRRT_kwDOA2',
      PR_STEPS.poll,
      PR_STEPS.signal,
    ]);
    const api = g.seen.filter((c) => c.includes('gh api'));
    expect(api[0]).toContain(
      `gh api 'repos/acme/widgets/pulls/5/comments/1001/replies' -f 'body=Item 1: changed \`ok.txt\` as asked, in the commit "Task 7: address review feedback".'`,
    );
    expect(api[1]).toContain(
      "gh api graphql -f 'query=mutation ResolveReviewThread($id:ID!){resolveReviewThread(input:{threadId:$id}){thread{isResolved}}}' -f 'id=PRRT_kwDOA1'",
    );
    expect(api[2]).toContain("comments/1002/replies' -f 'body=Item 2: no code change was needed for this");
    expect(api[3]).toContain("-f 'id=PRRT_kwDOA2'");
    expect(readLog(signalLog)).toEqual(['signal pr-complete']);
    expect(r.final).toContain('Replied on and resolved 2 review thread(s).');
  });
});
