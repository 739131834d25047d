// The real gh 2.23 reads scripted Actions runs from the fake: `gh run list/view`
// (with `--log-failed` and `--log`), `gh run rerun`, and `gh pr checks` /
// statusCheckRollup agree on one state per commit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ciFails, ciPasses } from './ci';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';

let world: GitHubWorld;
let clone: string;
beforeEach(async () => {
  world = await createGitHubWorld();
  clone = await world.repoWithClone('acme', 'widgets');
});
afterEach(async () => {
  await world.close();
});

const REPO = ['--repo', 'acme/widgets'];
const BRANCH = 'task/7-fix-parser';

interface ListedRun {
  databaseId: number;
  status: string;
  conclusion: string;
  headBranch: string;
  headSha: string;
  workflowName: string;
  displayTitle: string;
  event: string;
}

const listRuns = (...extra: string[]): Promise<ListedRun[]> =>
  world.ghJson<ListedRun[]>(
    'run',
    'list',
    ...REPO,
    ...extra,
    '--json',
    'databaseId,status,conclusion,headBranch,headSha,workflowName,displayTitle,event',
  );

describe('gh run against the fake', () => {
  it('lists a failing run of a branch and prints the failing step’s log with --log-failed', async () => {
    world.fake.ci.onNextPush('acme', 'widgets', BRANCH, ciFails('test', 'Run npm test', 'not ok 3 - parses empty input\n# fail 1'));
    const sha = await world.pushBranch(clone, BRANCH, { 'parser.ts': 'export {};\n' }, 'Fix the parser');

    const runs = await listRuns('--branch', BRANCH);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      headBranch: BRANCH,
      headSha: sha,
      workflowName: 'CI',
      displayTitle: 'Fix the parser',
      event: 'push',
    });
    expect(await listRuns('--branch', 'main')).toEqual([]);

    const id = String(runs[0]?.databaseId);
    const failed = await world.gh('run', 'view', id, ...REPO, '--log-failed');
    expect(failed.stderr).toBe('');
    expect(failed.code).toBe(0);
    const lines = failed.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split('\t').slice(0, 2).join('\t'))).toEqual(Array(3).fill('test\tRun npm test'));
    expect(lines.map((l) => l.split('\t')[2]?.replace(/^\S+Z /, ''))).toEqual([
      'not ok 3 - parses empty input',
      '# fail 1',
      'Error: Process completed with exit code 1.',
    ]);
    expect(lines[0]).toMatch(/\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z not ok 3/);

    const all = await world.gh('run', 'view', id, ...REPO, '--log');
    expect(all.code).toBe(0);
    const steps = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t')[1]);
    expect([...new Set(steps)]).toEqual(['Set up job', 'Run npm test', 'Complete job']);

    const view = await world.gh('run', 'view', id, ...REPO);
    expect(view.code).toBe(0);
    expect(view.stdout).toMatch(/X test in/);
    expect(view.stdout).toMatch(/ANNOTATIONS\s+X Process completed with exit code 1\.\s+test: \.github#1/);
    expect(view.stdout).toContain(`gh run view ${id} --log-failed`);
    expect(world.fake.gaps).toEqual([]);
  });

  it('narrows to one job with --job and exports jobs and steps with --json', async () => {
    await world.pushBranch(clone, BRANCH, { 'a.ts': 'x\n' });
    await world.fake.ci.run('acme', 'widgets', BRANCH, {
      jobs: [
        { name: 'unit', log: 'all good' },
        { name: 'e2e', steps: [{ name: 'Boot' }, { name: 'Run playwright', conclusion: 'failure', log: 'timed out' }] },
      ],
    });
    const [run] = await listRuns('--branch', BRANCH);
    const exported = await world.ghJson<{
      jobs: { databaseId: number; name: string; conclusion: string; steps: { name: string; number: number; conclusion: string }[] }[];
    }>('run', 'view', String(run?.databaseId), ...REPO, '--json', 'jobs');
    expect(exported.jobs.map((j) => [j.name, j.conclusion, j.steps.map((st) => `${st.number} ${st.name} ${st.conclusion}`)])).toEqual([
      ['unit', 'success', ['1 Set up job success', '2 Run unit success', '3 Complete job success']],
      ['e2e', 'failure', ['1 Boot success', '2 Run playwright failure']],
    ]);
    const e2e = exported.jobs[1]?.databaseId;
    const jobLog = await world.gh('run', 'view', ...REPO, '--job', String(e2e), '--log');
    expect(jobLog.code).toBe(0);
    expect(
      jobLog.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2).join(' ')),
    ).toEqual(['e2e Run playwright']);
    const unitLog = await world.gh('run', 'view', ...REPO, '--job', String(exported.jobs[0]?.databaseId), '--log');
    expect(unitLog.stdout).toMatch(/^unit\tRun unit\t\S+Z all good\n$/);
  });

  it('acts as CI on every push through onPush + ci.run: one run per push, newest first', async () => {
    let round = 0;
    world.fake.onPush(async (e) => {
      round += 1;
      if (e.after !== null)
        await world.fake.ci.run(e.owner, e.repo, e.after, round === 1 ? ciFails('test', 'Run npm test', 'red') : ciPasses());
    });
    const first = await world.pushBranch(clone, BRANCH, { 'a.ts': '1\n' }, 'First try');
    const second = await world.pushBranch(clone, BRANCH, { 'a.ts': '2\n' }, 'Second try');
    const runs = await world.ghJson<{ headSha: string; conclusion: string; number: number; displayTitle: string; headBranch: string }[]>(
      'run',
      'list',
      ...REPO,
      '--branch',
      BRANCH,
      '--json',
      'headSha,conclusion,number,displayTitle,headBranch',
    );
    expect(runs).toEqual([
      { headSha: second, conclusion: 'success', number: 2, displayTitle: 'Second try', headBranch: BRANCH },
      { headSha: first, conclusion: 'failure', number: 1, displayTitle: 'First try', headBranch: BRANCH },
    ]);
  });

  it('shows a passing run as success, and its PR in the run view', async () => {
    world.fake.ci.onNextPush('acme', 'widgets', BRANCH, ciPasses());
    await world.pushBranch(clone, BRANCH, { 'parser.ts': 'export {};\n' }, 'Fix the parser');
    const pr = await world.gh('pr', 'create', ...REPO, '--head', BRANCH, '--base', 'main', '--title', 'Fix', '--body', '');
    expect(pr.code).toBe(0);
    const [run] = await listRuns();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'success', headBranch: BRANCH });
    const view = await world.gh('run', 'view', String(run?.databaseId), ...REPO, '--exit-status');
    expect(view.code).toBe(0);
    expect(view.stdout).toContain(`✓ ${BRANCH} CI #1 · ${run?.databaseId}\n`);
    expect(view.stdout).toMatch(/✓ build in/);
    const failed = await world.gh('run', 'view', String(run?.databaseId), ...REPO, '--log-failed');
    expect(failed).toMatchObject({ code: 0, stdout: '' });
    expect(world.fake.gaps).toEqual([]);
  });

  it('keeps a pending run pending until the test completes it, and gh agrees at each stage', async () => {
    world.fake.ci.onNextPush('acme', 'widgets', BRANCH, { ...ciFails('lint', 'Run eslint', 'src/a.ts: 1 error'), state: 'queued' });
    const sha = await world.pushBranch(clone, BRANCH, { 'a.ts': 'x\n' }, 'Lint me');
    expect(await listRuns()).toMatchObject([{ headSha: sha, status: 'queued', conclusion: '' }]);
    const queued = await world.ghJson<{ total_count: number }>('api', 'repos/acme/widgets/actions/runs?status=queued');
    expect(queued.total_count).toBe(1);
    await world.fake.ci.start('acme', 'widgets', sha);
    const [running] = await listRuns('--branch', BRANCH);
    expect(running).toMatchObject({ status: 'in_progress', conclusion: '' });
    const early = await world.gh('run', 'view', String(running?.databaseId), ...REPO, '--log-failed');
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(/still in progress/);

    await world.fake.ci.complete('acme', 'widgets', BRANCH);
    expect(await listRuns()).toMatchObject([{ status: 'completed', conclusion: 'failure' }]);
    const byConclusion = await world.ghJson<{ total_count: number }>('api', 'repos/acme/widgets/actions/runs?status=failure');
    expect(byConclusion.total_count).toBe(1);
    const failed = await world.gh('run', 'view', String(running?.databaseId), ...REPO, '--log-failed');
    expect(failed.stdout).toContain('lint\tRun eslint\t');
    expect(failed.stdout).toContain('src/a.ts: 1 error');
  });

  it('re-runs a failed run as its next attempt', async () => {
    world.fake.ci.onNextPush('acme', 'widgets', BRANCH, ciFails('test', 'Run npm test', 'flaky'));
    await world.pushBranch(clone, BRANCH, { 'a.ts': 'x\n' });
    const [run] = await listRuns();
    const rerun = await world.gh('run', 'rerun', String(run?.databaseId), ...REPO, '--failed');
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(world.fake.requests.filter((q) => q.kind === 'rest' && q.method === 'POST').map((q) => q.path)).toEqual([
      `/repos/acme/widgets/actions/runs/${run?.databaseId}/rerun-failed-jobs`,
    ]);
    const again = await world.ghJson<{ id: number; run_attempt: number; status: string; conclusion: string; previous_attempt_url: string }>(
      'api',
      `repos/acme/widgets/actions/runs/${run?.databaseId}`,
    );
    expect(again).toMatchObject({ id: run?.databaseId, run_attempt: 2, status: 'completed', conclusion: 'failure' });
    expect(again.previous_attempt_url).toMatch(/\/attempts\/1$/);
  });
});

interface RollupEntry {
  __typename: string;
  name: string;
  status: string;
  conclusion: string;
  detailsUrl: string;
  workflowName: string;
}

describe('gh pr checks and statusCheckRollup agree with gh run', () => {
  async function openPr(): Promise<string> {
    const sha = await world.pushBranch(clone, BRANCH, { 'a.ts': 'x\n' }, 'Change');
    const r = await world.gh('pr', 'create', ...REPO, '--head', BRANCH, '--base', 'main', '--title', 'T', '--body', 'B');
    expect(r.code).toBe(0);
    return sha;
  }
  const rollup = async (): Promise<RollupEntry[]> =>
    (await world.ghJson<{ statusCheckRollup: RollupEntry[] }>('pr', 'view', '1', ...REPO, '--json', 'statusCheckRollup')).statusCheckRollup;

  it('a failing run: the rollup links the job of the run gh lists, and gh pr checks fails', async () => {
    await openPr();
    await world.fake.ci.run('acme', 'widgets', 1, {
      workflow: 'Tests',
      jobs: [
        { name: 'unit', log: 'ok' },
        { name: 'e2e', steps: [{ name: 'Run playwright', conclusion: 'failure', log: 'timeout' }] },
      ],
    });
    const [run] = await listRuns('--branch', BRANCH);
    expect(run).toMatchObject({ workflowName: 'Tests', conclusion: 'failure' });
    const entries = await rollup();
    expect(entries.map((e) => [e.name, e.status, e.conclusion, e.workflowName])).toEqual([
      ['unit', 'COMPLETED', 'SUCCESS', 'Tests'],
      ['e2e', 'COMPLETED', 'FAILURE', 'Tests'],
    ]);
    for (const e of entries) expect(e.detailsUrl).toMatch(new RegExp(`/acme/widgets/actions/runs/${run?.databaseId}/job/\\d+$`));
    const checks = await world.gh('pr', 'checks', '1', ...REPO);
    expect(checks.code).not.toBe(0);
    expect(checks.stdout).toMatch(/e2e\tfail\t/);
    expect(checks.stdout).toMatch(/unit\tpass\t/);
  });

  it('pending then passing: rollup, gh pr checks and gh run list move together', async () => {
    await openPr();
    await world.fake.ci.run('acme', 'widgets', BRANCH, { ...ciPasses(), state: 'in_progress' });
    expect((await rollup()).map((e) => e.status)).toEqual(['IN_PROGRESS']);
    const pending = await world.gh('pr', 'checks', '1', ...REPO);
    expect(pending.stdout).toMatch(/build\tpending\t/);
    expect(await listRuns()).toMatchObject([{ status: 'in_progress' }]);

    await world.fake.ci.complete('acme', 'widgets', 1);
    expect((await rollup()).map((e) => [e.status, e.conclusion])).toEqual([['COMPLETED', 'SUCCESS']]);
    const passing = await world.gh('pr', 'checks', '1', ...REPO);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/build\tpass\t/);
    expect(await listRuns()).toMatchObject([{ status: 'completed', conclusion: 'success' }]);
  });
});
