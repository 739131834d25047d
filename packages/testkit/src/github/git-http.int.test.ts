// Real git over smart HTTP through the fake (as http_proxy for github.localhost):
// clone, push, and the pushes land as real commits in the bare repository.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubWorld } from './gh-cli.fixture';
import type { GitHubWorld } from './gh-cli.fixture';
import type { PushEvent } from './request-log';

let world: GitHubWorld;
beforeEach(async () => {
  world = await createGitHubWorld();
});
afterEach(async () => {
  await world.close();
});

describe('git smart HTTP', () => {
  it('clones the seeded repository and receives a pushed branch as real commits', async () => {
    const clone = await world.repoWithClone('acme', 'widgets');
    expect(await world.git(clone, 'log', '--format=%s')).toBe('Initial commit');
    const seen: PushEvent[] = [];
    world.fake.onPush((e) => {
      seen.push(e);
    });

    const sha = await world.pushBranch(clone, 'task/7-thing', { 'feature.txt': 'new\n' }, 'Add feature');

    const bare = world.fake.repoPath('acme', 'widgets');
    expect(await world.git(bare, 'rev-parse', 'refs/heads/task/7-thing')).toBe(sha);
    expect(await world.git(bare, 'show', `${sha}:feature.txt`)).toBe('new');
    expect(seen).toEqual([{ owner: 'acme', repo: 'widgets', ref: 'refs/heads/task/7-thing', before: null, after: sha }]);
    const kinds = world.fake.requests.map((r) => `${r.kind} ${r.method} ${r.path}`);
    expect(kinds).toContain('git POST /acme/widgets.git/git-receive-pack');
    expect(world.fake.requests.every((r) => r.host === 'github.localhost')).toBe(true);
  });

  it('records force-pushes and deletions with before/after', async () => {
    const clone = await world.repoWithClone('acme', 'widgets');
    const first = await world.pushBranch(clone, 'topic', { 'a.txt': '1\n' });
    await world.git(clone, 'commit', '-q', '--amend', '-m', 'Amended');
    const amended = await world.git(clone, 'rev-parse', 'HEAD');
    await world.git(clone, 'push', '-q', '--force-with-lease', 'origin', 'topic');
    await world.git(clone, 'push', '-q', 'origin', '--delete', 'topic');
    expect(world.fake.pushes.slice(1)).toEqual([
      { owner: 'acme', repo: 'widgets', ref: 'refs/heads/topic', before: first, after: amended },
      { owner: 'acme', repo: 'widgets', ref: 'refs/heads/topic', before: amended, after: null },
    ]);
  });

  it('streams a large push (chunked request body) into the bare repository', async () => {
    const clone = await world.repoWithClone('acme', 'widgets');
    const big = randomBytes(3 * 1024 * 1024).toString('base64');
    const sha = await world.pushBranch(clone, 'big', { 'big.txt': big });
    const bare = world.fake.repoPath('acme', 'widgets');
    expect(await world.git(bare, 'rev-parse', 'refs/heads/big')).toBe(sha);
    expect(await world.git(bare, 'cat-file', '-s', `${sha}:big.txt`)).toBe(String(big.length));
    const fresh = await world.run('git', ['clone', '-q', '--branch', 'big', 'http://github.localhost/acme/widgets.git', 'again']);
    expect(fresh.code, fresh.stderr).toBe(0);
  });

  it('answers 404 for a repository that does not exist', async () => {
    const r = await world.run('git', ['ls-remote', 'http://github.localhost/acme/nope.git']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not found/i);
  });
});
