// CI that runs a real command on every push: a failing `node --test` shows its
// assertion through `gh run view --log-failed`, the fix passes, and the rounds are
// counted per branch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ciPasses } from './ci';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';

let world: GitHubWorld;
let clone: string;
beforeEach(async () => {
  world = await createGitHubWorld();
  clone = await world.repoWithClone('acme', 'calc');
});
afterEach(async () => {
  await world.close();
});

const REPO = ['--repo', 'acme/calc'];
const BRANCH = 'task/4-add';
const NODE_TEST = { name: 'test', step: 'Run node --test', command: ['node', '--test'] };

const add = (body: string): Record<string, string> => ({
  'add.js': `exports.add = (a, b) => ${body};\n`,
  'add.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert/strict');",
    "const { add } = require('./add.js');",
    "test('adds two numbers', () => assert.equal(add(2, 3), 5));",
    '',
  ].join('\n'),
});

describe('ci.runOnEveryPush', () => {
  it('runs node --test on each pushed commit: the failure’s log reaches gh, the fix passes', async () => {
    const stop = world.fake.ci.runOnEveryPush('acme', 'calc', BRANCH, NODE_TEST);
    const red = await world.pushBranch(clone, BRANCH, add('a - b'), 'Add add()');
    // The run is recorded before git push returned.
    expect(world.fake.ci.runs('acme', 'calc', BRANCH)).toMatchObject([{ sha: red, status: 'completed', conclusion: 'failure' }]);

    const [run] = await world.ghJson<{ databaseId: number; conclusion: string; headSha: string }[]>(
      'run',
      'list',
      ...REPO,
      '--branch',
      BRANCH,
      '--json',
      'databaseId,conclusion,headSha',
    );
    expect(run).toMatchObject({ conclusion: 'failure', headSha: red });
    const failed = await world.gh('run', 'view', String(run?.databaseId), ...REPO, '--log-failed');
    expect(failed.code, failed.stderr).toBe(0);
    const lines = failed.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.split('\t').slice(0, 2)).toEqual(['test', 'Run node --test']);
    const log = lines.map((l) => l.split('\t')[2]?.replace(/^\S+Z /, '')).join('\n');
    expect(log).toContain('not ok 1 - adds two numbers');
    expect(log).toContain('Expected values to be strictly equal:');
    expect(log).toContain('-1 !== 5');
    expect(log).toMatch(/Error: Process completed with exit code 1\.$/);

    const green = await world.pushBranch(clone, BRANCH, add('a + b'), 'Fix add()');
    const rounds = world.fake.ci.runs('acme', 'calc', BRANCH);
    expect(rounds.map((r) => [r.sha, r.conclusion, r.workflow, r.runNumber])).toEqual([
      [red, 'failure', 'CI', 1],
      [green, 'success', 'CI', 2],
    ]);
    const listed = await world.ghJson<{ databaseId: number; conclusion: string; headSha: string }[]>(
      'run',
      'list',
      ...REPO,
      '--branch',
      BRANCH,
      '--json',
      'databaseId,conclusion,headSha',
    );
    expect(listed.map((r) => [r.databaseId, r.conclusion])).toEqual([
      [rounds[1]?.runId, 'success'],
      [rounds[0]?.runId, 'failure'],
    ]);
    const passed = await world.gh('run', 'view', String(rounds[1]?.runId), ...REPO, '--log');
    expect(passed.stdout).toMatch(/test\tRun node --test\t\S+Z ok 1 - adds two numbers/);

    // Stopped: the next push runs nothing.
    stop();
    await world.pushBranch(clone, BRANCH, { 'notes.txt': 'x\n' }, 'Notes');
    expect(world.fake.ci.runs('acme', 'calc', BRANCH)).toHaveLength(2);
    expect(world.fake.gaps).toEqual([]);
  });

  it('puts the run on the pull request: the rollup and gh pr checks follow each push', async () => {
    world.fake.ci.runOnEveryPush('acme', 'calc', /^task\//, NODE_TEST);
    await world.pushBranch(clone, BRANCH, add('a * b'), 'Add add()');
    await world.fake.createPullRequest('acme', 'calc', { head: BRANCH, title: 'Add' });
    const rollup = async (): Promise<string[]> =>
      (
        await world.ghJson<{ statusCheckRollup: { name: string; conclusion: string }[] }>(
          'pr',
          'view',
          '1',
          ...REPO,
          '--json',
          'statusCheckRollup',
        )
      ).statusCheckRollup.map((c) => `${c.name} ${c.conclusion}`);
    expect(await rollup()).toEqual(['test FAILURE']);
    await world.pushBranch(clone, BRANCH, add('a + b'), 'Fix');
    expect(await rollup()).toEqual(['test SUCCESS']);
    // Other branches are not matched.
    await world.pushBranch(clone, 'docs/readme', { 'README.md': '# calc\n' });
    expect(world.fake.ci.runs('acme', 'calc', 'docs/readme')).toEqual([]);
  });

  it('runs several jobs as one run per workflow, in a clean environment with the job’s env', async () => {
    world.fake.ci.runOnEveryPush('acme', 'calc', BRANCH, [
      NODE_TEST,
      {
        name: 'env',
        step: 'Show env',
        command: [
          'node',
          '-e',
          'console.log([process.env.CI, process.env.GITHUB_SHA, process.env.GREETING, process.env.VITEST].join(" "))',
        ],
        env: { GREETING: 'hello' },
      },
      { name: 'lint', step: 'Run lint', command: ['node', '-e', 'process.exit(0)'], workflow: 'Lint' },
    ]);
    const sha = await world.pushBranch(clone, BRANCH, add('a + b'), 'Add');
    const runs = world.fake.ci.runs('acme', 'calc', BRANCH);
    expect(runs.map((r) => [r.workflow, r.conclusion])).toEqual([
      ['CI', 'success'],
      ['Lint', 'success'],
    ]);
    const log = await world.gh('run', 'view', String(runs[0]?.runId), ...REPO, '--log');
    expect(log.stdout).toMatch(new RegExp(`env\\tShow env\\t\\S+Z true ${sha} hello \\n`));
  });

  it('lets a push scripted with onNextPush take precedence, then runs the command again', async () => {
    world.fake.ci.runOnEveryPush('acme', 'calc', BRANCH, NODE_TEST);
    world.fake.ci.onNextPush('acme', 'calc', BRANCH, ciPasses());
    await world.pushBranch(clone, BRANCH, add('a - b'), 'Scripted');
    await world.pushBranch(clone, BRANCH, { 'x.txt': '1\n' }, 'Real');
    expect(world.fake.ci.runs('acme', 'calc', BRANCH).map((r) => r.conclusion)).toEqual(['success', 'failure']);
  });
});
