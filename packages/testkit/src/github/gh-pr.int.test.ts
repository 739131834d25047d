// The real gh against the fake GitHub: create a PR from a pushed branch, find it by
// branch and number, list it, and read CI state and mergeability as the PR agent does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

async function openPr(branch = 'task/1-add-feature'): Promise<string> {
  const sha = await world.pushBranch(clone, branch, { 'feature.txt': 'feature\n' }, 'Add feature');
  const r = await world.gh('pr', 'create', ...REPO, '--head', branch, '--base', 'main', '--title', 'Add feature', '--body', 'Task 1');
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return sha;
}

interface Rollup {
  statusCheckRollup: Record<string, unknown>[];
  mergeable: string;
  mergeStateStatus: string;
}

const rollup = (): Promise<Rollup> =>
  world.ghJson<Rollup>('pr', 'view', '1', ...REPO, '--json', 'statusCheckRollup,mergeable,mergeStateStatus');

describe('gh pr against the fake', () => {
  it('creates PR #1, prints its URL and records it', async () => {
    await world.pushBranch(clone, 'task/1-add-feature', { 'feature.txt': 'feature\n' });
    const r = await world.gh(
      'pr',
      'create',
      ...REPO,
      '--head',
      'task/1-add-feature',
      '--base',
      'main',
      '--title',
      'Add feature',
      '--body',
      'Task 1',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('http://github.localhost/acme/widgets/pull/1');
    expect(world.fake.prs('acme', 'widgets')).toMatchObject([
      { number: 1, title: 'Add feature', body: 'Task 1', head: 'task/1-add-feature', base: 'main', state: 'OPEN', author: 'bottega-bot' },
    ]);
    const ops = world.fake.requests.filter((q) => q.kind === 'graphql').map((q) => q.operationName);
    expect(ops).toEqual(['RepositoryInfo', 'PullRequestForBranch', 'PullRequestCreate']);
  });

  it('refuses a second PR for the same branch, as GitHub does', async () => {
    await openPr();
    const again = await world.gh(
      'pr',
      'create',
      ...REPO,
      '--head',
      'task/1-add-feature',
      '--base',
      'main',
      '--title',
      'Again',
      '--body',
      '',
    );
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    expect(world.fake.prs('acme', 'widgets')).toHaveLength(1);
  });

  it('finds the PR by branch and lists it by head', async () => {
    const sha = await openPr();
    const byBranch = await world.ghJson(
      'pr',
      'view',
      'task/1-add-feature',
      ...REPO,
      '--json',
      'number,url,headRefName,state,headRefOid,commits',
    );
    expect(byBranch).toMatchObject({
      number: 1,
      url: 'http://github.localhost/acme/widgets/pull/1',
      headRefName: 'task/1-add-feature',
      state: 'OPEN',
      headRefOid: sha,
    });
    expect(byBranch.commits).toMatchObject([
      { oid: sha, messageHeadline: 'Add feature', authors: [{ name: 'Test Author', email: 'author@example.test' }] },
    ]);
    const listed = await world.ghJson<unknown[]>('pr', 'list', ...REPO, '--head', 'task/1-add-feature', '--json', 'number,url');
    expect(listed).toEqual([{ number: 1, url: 'http://github.localhost/acme/widgets/pull/1' }]);
    expect(await world.ghJson<unknown[]>('pr', 'list', ...REPO, '--head', 'other', '--json', 'number')).toEqual([]);
  });

  it('reflects setChecks in statusCheckRollup: pending, then failure, then success', async () => {
    await openPr();
    expect(await rollup()).toEqual({ statusCheckRollup: [], mergeable: 'MERGEABLE', mergeStateStatus: 'CLEAN' });

    await world.fake.setChecks('acme', 'widgets', 1, [
      { name: 'build', status: 'in_progress' },
      { name: 'lint', status: 'queued' },
    ]);
    const pending = await rollup();
    expect(pending.statusCheckRollup).toMatchObject([
      { __typename: 'CheckRun', name: 'build', status: 'IN_PROGRESS', conclusion: '', workflowName: 'CI' },
      { __typename: 'CheckRun', name: 'lint', status: 'QUEUED' },
    ]);
    expect(pending.mergeStateStatus).toBe('UNSTABLE');

    const [failed] = await world.fake.setChecks('acme', 'widgets', 'task/1-add-feature', [
      { name: 'build', status: 'completed', conclusion: 'failure', logs: 'Error: 2 tests failed' },
    ]);
    const failing = await rollup();
    expect(failing.statusCheckRollup).toMatchObject([
      {
        name: 'build',
        status: 'COMPLETED',
        conclusion: 'FAILURE',
        detailsUrl: `http://github.localhost/acme/widgets/actions/runs/${failed?.runId}/job/${failed?.id}`,
      },
    ]);
    const logs = await world.gh('api', `repos/acme/widgets/actions/jobs/${failed?.id}/logs`);
    expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z Error: 2 tests failed\n$/);

    await world.fake.setChecks('acme', 'widgets', 1, [
      { name: 'build', status: 'completed', conclusion: 'success' },
      { name: 'ci/legacy', status: 'completed', conclusion: 'success', kind: 'status', detailsUrl: 'http://ci.example/1' },
    ]);
    const green = await rollup();
    expect(green.statusCheckRollup).toMatchObject([
      { __typename: 'CheckRun', name: 'build', conclusion: 'SUCCESS' },
      { __typename: 'StatusContext', context: 'ci/legacy', state: 'SUCCESS', targetUrl: 'http://ci.example/1' },
    ]);
    expect(green.mergeStateStatus).toBe('CLEAN');
  });

  it('reports setMergeable overrides and a real conflict from git merge-tree', async () => {
    await openPr();
    world.fake.setMergeable('acme', 'widgets', 1, 'UNKNOWN');
    expect(await rollup()).toMatchObject({ mergeable: 'UNKNOWN', mergeStateStatus: 'UNKNOWN' });
    world.fake.setMergeable('acme', 'widgets', 1, 'CONFLICTING');
    expect(await rollup()).toMatchObject({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' });
    world.fake.setMergeable('acme', 'widgets', 1, null);
    expect(await rollup()).toMatchObject({ mergeable: 'MERGEABLE' });

    await world.git(clone, 'checkout', '-q', 'main');
    await world.pushBranch(clone, 'main', { 'feature.txt': 'something else entirely\n' }, 'Conflicting change on main');
    expect(await rollup()).toMatchObject({ mergeable: 'CONFLICTING', mergeStateStatus: 'DIRTY' });
  });

  it('lets a push listener act as CI: checks are in place when git push returns', async () => {
    world.fake.onPush(async (e) => {
      if (e.after === null || e.ref === 'refs/heads/main') return;
      await world.fake.setChecks(e.owner, e.repo, e.after, [{ name: 'build', status: 'completed', conclusion: 'success' }]);
    });
    const sha = await openPr();
    expect(world.fake.pushes.at(-1)).toMatchObject({ ref: 'refs/heads/task/1-add-feature', after: sha });
    expect((await rollup()).statusCheckRollup).toMatchObject([{ name: 'build', conclusion: 'SUCCESS' }]);
    const next = await world.pushBranch(clone, 'task/1-add-feature', { 'feature.txt': 'v2\n' }, 'Second');
    const runs = JSON.parse((await world.gh('api', `repos/acme/widgets/commits/${next}/check-runs`)).stdout) as { total_count: number };
    expect(runs.total_count).toBe(1);
  });

  it('leaves no gaps for the PR agent commands', async () => {
    await openPr();
    await world.fake.setChecks('acme', 'widgets', 1, [{ name: 'build', status: 'completed', conclusion: 'failure' }]);
    await world.ghJson('pr', 'view', 'task/1-add-feature', ...REPO, '--json', 'number,url,headRefName,state');
    await rollup();
    await world.ghJson('pr', 'list', ...REPO, '--head', 'task/1-add-feature', '--json', 'number,url');
    const plain = await world.gh('pr', 'view', '1', ...REPO);
    expect(plain.stdout).toMatch(/title:\s+Add feature/);
    const checks = await world.gh('pr', 'checks', '1', ...REPO);
    expect(checks.code).not.toBe(0); // gh 2.23 exits 1 for failing checks
    expect(checks.stdout).toMatch(/build\s+fail/);
    expect(world.fake.gaps).toEqual([]);
  });
});
