// The server's GitHub helpers against the local GitHub with the real gh and
// git: commit-all, push, create, find the PR by branch (URL, CI from
// statusCheckRollup, mergeability), merge.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { gitRemoteUrl, startFakeGitHub, type FakeGitHub } from '@bottega/testkit';
import { silentLogger } from '../logger';
import { useGitHub } from '../testing/github-env';
import { captureLogs } from '../testing/log-capture';
import { initRepo } from '../testing/git';
import { commitAll, pushBranch, runGit } from './git';
import { createPullRequest, findPullRequest, githubRepoOf, mergePullRequest, parseGitHubRemote } from './github';

let dir: string;
let gh: FakeGitHub;
let restoreEnv: () => void = () => undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bottega-forge-'));
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
});
afterEach(async () => {
  restoreEnv();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

it('parses GitHub remotes of every shape', () => {
  expect(parseGitHubRemote('https://github.com/acme/app.git')).toMatchObject({ host: 'github.com', slug: 'acme/app' });
  expect(parseGitHubRemote('git@github.example.com:acme/app.git')).toMatchObject({ host: 'github.example.com', slug: 'acme/app' });
  expect(parseGitHubRemote('ssh://git@github.com/acme/app')).toMatchObject({ slug: 'acme/app' });
  expect(parseGitHubRemote('/srv/git/app')).toBeNull();
});

it('finds no GitHub repository without an origin (silently), nor for a checkout that is gone (logged)', async () => {
  const { logger, lines } = captureLogs();
  const repo = await initRepo(join(dir, 'no-origin'));
  expect(await githubRepoOf({ logger }, repo)).toBeNull();
  expect(lines).toEqual([]);
  expect(await githubRepoOf({ logger }, join(dir, 'gone'))).toBeNull();
  expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'could not read the origin remote', repoPath: join(dir, 'gone') })]);
});

it('commits, pushes, opens, reads and merges a pull request', async () => {
  const repo = await initRepo(join(dir, 'app'));
  await gh.createRepo('acme', 'app', { fromDir: repo });
  await runGit(['remote', 'add', 'origin', gitRemoteUrl('acme', 'app')], { cwd: repo });
  const github = await githubRepoOf({ logger: silentLogger() }, repo);
  expect(github).toMatchObject({ host: 'github.localhost', slug: 'acme/app' });
  if (!github) return;
  await runGit(['checkout', '-q', '-b', 'task/1-x'], { cwd: repo });
  expect(await commitAll(repo, 'nothing', { name: 'A', email: 'a@example.com' })).toBe(false);
  await writeFile(join(repo, 'x.txt'), 'x\n');
  expect(await commitAll(repo, 'Add x', { name: 'A', email: 'a@example.com' })).toBe(true);
  await pushBranch(repo, 'task/1-x');
  expect(await findPullRequest(github, 'task/1-x')).toBeNull();
  const url = await createPullRequest(github, { head: 'task/1-x', base: 'main', title: 'Add x', body: 'Task 1' });
  expect(url).toBe('http://github.localhost/acme/app/pull/1');

  expect(await findPullRequest(github, 'task/1-x')).toMatchObject({ number: 1, url, state: 'OPEN', ci: 'none' });
  await gh.setChecks('acme', 'app', 1, [{ name: 'test', status: 'in_progress' }]);
  expect((await findPullRequest(github, 'task/1-x'))?.ci).toBe('pending');
  await gh.setChecks('acme', 'app', 1, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
  expect((await findPullRequest(github, 'task/1-x'))?.ci).toBe('failure');
  await gh.setChecks('acme', 'app', 1, [{ name: 'test', status: 'completed', conclusion: 'success' }]);
  expect(await findPullRequest(github, 'task/1-x')).toMatchObject({ ci: 'success', mergeable: 'MERGEABLE' });

  await mergePullRequest(github, 1);
  expect((await findPullRequest(github, 'task/1-x'))?.state).toBe('MERGED');
  expect(await runGit(['show', 'main:x.txt'], { cwd: gh.repoPath('acme', 'app') })).toBe('x\n');
});
