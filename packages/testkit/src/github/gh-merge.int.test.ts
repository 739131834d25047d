// Merging for real: `gh pr merge` and the REST merge endpoint write merge/squash
// commits into the bare repository, and refuse conflicting or closed PRs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';

let world: GitHubWorld;
let clone: string;
let bare: string;
beforeEach(async () => {
  world = await createGitHubWorld();
  clone = await world.repoWithClone('acme', 'widgets');
  bare = world.fake.repoPath('acme', 'widgets');
});
afterEach(async () => {
  await world.close();
});

const REPO = ['--repo', 'acme/widgets'];

async function isAncestor(commit: string, of: string): Promise<boolean> {
  const r = await world.run('git', ['--git-dir', bare, 'merge-base', '--is-ancestor', commit, of]);
  return r.code === 0;
}

describe('merging pull requests', () => {
  it('gh pr merge --merge creates a real merge commit on main and marks the PR MERGED', async () => {
    const head = await world.pushBranch(clone, 'task/2-x', { 'x.txt': 'x\n' }, 'Add x');
    await world.fake.createPullRequest('acme', 'widgets', { head: 'task/2-x', title: 'Add x' });
    const oldMain = await world.git(bare, 'rev-parse', 'main');

    const r = await world.gh('pr', 'merge', '1', ...REPO, '--merge');
    expect(r.code, r.stderr).toBe(0);

    const main = await world.git(bare, 'rev-parse', 'main');
    expect(await isAncestor(head, main)).toBe(true);
    expect(await world.git(bare, 'log', '-1', '--format=%P%n%s%n%an', 'main')).toBe(
      `${oldMain} ${head}\nMerge pull request #1 from acme/task/2-x\nGitHub`,
    );
    expect(world.fake.pr('acme', 'widgets', 1)).toMatchObject({ state: 'MERGED', mergedBy: 'bottega-bot', mergeCommitOid: main });
    const viewed = await world.ghJson('pr', 'view', '1', ...REPO, '--json', 'state,mergedAt,mergeCommit,commits,headRefOid');
    expect(viewed).toMatchObject({ state: 'MERGED', mergeCommit: { oid: main }, headRefOid: head, commits: [{ oid: head }] });
    expect(world.fake.gaps).toEqual([]);
  });

  it('gh pr merge --squash --delete-branch squashes and deletes the head branch', async () => {
    await world.pushBranch(clone, 'task/5-y', { 'y.txt': 'y\n' }, 'Add y');
    await world.fake.createPullRequest('acme', 'widgets', { head: 'task/5-y', title: 'Add y' });
    const diff = await world.gh('pr', 'diff', '1', ...REPO);
    expect(diff.stdout).toContain('+++ b/y.txt');
    const r = await world.gh('pr', 'merge', '1', ...REPO, '--squash', '--delete-branch');
    expect(r.code, r.stderr).toBe(0);
    expect(await world.git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')).toBe('main');
    expect(await world.git(bare, 'log', '-1', '--format=%s', 'main')).toBe('Add y (#1)');
    const viewed = await world.ghJson('pr', 'view', '1', ...REPO, '--json', 'state,headRefName');
    expect(viewed).toEqual({ state: 'MERGED', headRefName: 'task/5-y' });
  });

  it('squash-merges through the REST endpoint (gh api -X PUT)', async () => {
    const head = await world.pushBranch(clone, 'topic', { 'y.txt': 'y\n' }, 'Add y');
    await world.fake.createPullRequest('acme', 'widgets', { head: 'topic', title: 'Add y' });
    const r = await world.gh('api', '-X', 'PUT', 'repos/acme/widgets/pulls/1/merge', '-f', 'merge_method=squash');
    expect(r.code, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout) as { sha: string; merged: boolean };
    expect(answer.merged).toBe(true);
    expect(await world.git(bare, 'rev-parse', 'main')).toBe(answer.sha);
    expect(await isAncestor(head, 'main')).toBe(false);
    expect(await world.git(bare, 'show', 'main:y.txt')).toBe('y');
    expect(await world.git(bare, 'log', '-1', '--format=%s', 'main')).toBe('Add y (#1)');
    const pull = JSON.parse((await world.gh('api', 'repos/acme/widgets/pulls/1')).stdout) as Record<string, unknown>;
    expect(pull).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: answer.sha, head: { ref: 'topic', sha: head } });
  });

  it('refuses to merge a conflicting PR (gh fails, REST answers 405) and leaves main alone', async () => {
    await world.pushBranch(clone, 'topic', { 'README.md': 'topic version\n' });
    await world.fake.createPullRequest('acme', 'widgets', { head: 'topic', title: 'Topic' });
    await world.git(clone, 'checkout', '-q', 'main');
    const main = await world.pushBranch(clone, 'main', { 'README.md': 'main version\n' });

    const viaGh = await world.gh('pr', 'merge', '1', ...REPO, '--merge');
    expect(viaGh.code).not.toBe(0);
    const viaRest = await world.gh('api', '-X', 'PUT', 'repos/acme/widgets/pulls/1/merge');
    expect(viaRest.code).not.toBe(0);
    expect(viaRest.stdout).toMatch(/not mergeable/);
    expect(viaRest.stderr).toMatch(/HTTP 405/);
    expect(await world.git(bare, 'rev-parse', 'main')).toBe(main);
    expect(world.fake.pr('acme', 'widgets', 1).state).toBe('OPEN');
  });

  it('refuses when setMergeable says CONFLICTING, even if git could merge', async () => {
    await world.pushBranch(clone, 'topic', { 'z.txt': 'z\n' });
    await world.fake.createPullRequest('acme', 'widgets', { head: 'topic', title: 'Topic' });
    world.fake.setMergeable('acme', 'widgets', 1, 'CONFLICTING');
    const viaRest = await world.gh('api', '-X', 'PUT', 'repos/acme/widgets/pulls/1/merge');
    expect(viaRest.stderr).toMatch(/HTTP 405/);
    world.fake.setMergeable('acme', 'widgets', 1, null);
    expect((await world.gh('api', '-X', 'PUT', 'repos/acme/widgets/pulls/1/merge')).code).toBe(0);
    const again = await world.gh('api', '-X', 'PUT', 'repos/acme/widgets/pulls/1/merge');
    expect(again.stderr).toMatch(/HTTP 405/);
  });
});
