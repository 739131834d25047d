// Drives the real `gh` and `git` against a fake GitHub in temp dirs: a seeded
// repository, a clone over http, and helpers to commit, push and run gh.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ghEnv, gitRemoteUrl } from './env';
import { startFakeGitHub } from './server';
import type { FakeGitHub } from './server';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitHubWorld {
  fake: FakeGitHub;
  home: string;
  /** ghEnv plus a git identity (CI has no global git config). */
  env: Record<string, string>;
  /** Runs a command with `env` (plus `extraEnv`), in home unless `cwd` is given. */
  run(cmd: string, args: string[], cwd?: string, extraEnv?: Record<string, string>): Promise<RunResult>;
  gh(...args: string[]): Promise<RunResult>;
  /** `gh … --json` parsed; throws with stderr when gh fails. */
  ghJson<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  git(cwd: string, ...args: string[]): Promise<string>;
  /** Creates OWNER/NAME seeded with one commit (`README.md`) on main; returns a clone. */
  repoWithClone(owner: string, name: string): Promise<string>;
  /** Commits `files` on a new branch in `clone` and pushes it; returns the commit sha. */
  pushBranch(clone: string, branch: string, files: Record<string, string>, message?: string): Promise<string>;
  close(): Promise<void>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
};

export async function createGitHubWorld(): Promise<GitHubWorld> {
  const fake = await startFakeGitHub();
  const home = await mkdtemp(join(tmpdir(), 'testkit-gh-'));
  // gh caches run-log archives in $TMPDIR/gh-cli-cache by run id and creation second:
  // a temp dir per world keeps one test's archive from answering another's.
  const env = { ...ghEnv(fake, { HOME: home, TMPDIR: home }), ...IDENTITY };

  const run = (cmd: string, args: string[], cwd = home, extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      );
    });

  const git = async (cwd: string, ...args: string[]): Promise<string> => {
    const r = await run('git', args, cwd);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  };

  const gh = (...args: string[]): Promise<RunResult> => run('gh', args);

  return {
    fake,
    home,
    env,
    run,
    gh,
    async ghJson<T>(...args: string[]): Promise<T> {
      const r = await gh(...args);
      if (r.code !== 0) throw new Error(`gh ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    git,
    async repoWithClone(owner, name) {
      const seed = await mkdtemp(join(home, 'seed-'));
      await git(seed, 'init', '-q', '-b', 'main');
      await writeFile(join(seed, 'README.md'), '# demo\n\nline two\n');
      await git(seed, 'add', '.');
      await git(seed, 'commit', '-qm', 'Initial commit');
      await fake.createRepo(owner, name, { fromDir: seed });
      const clone = join(home, `${owner}-${name}`);
      await git(home, 'clone', '-q', gitRemoteUrl(owner, name), clone);
      return clone;
    },
    async pushBranch(clone, branch, files, message = `Change on ${branch}`) {
      await git(clone, 'checkout', '-q', '-B', branch);
      for (const [path, content] of Object.entries(files)) await writeFile(join(clone, path), content);
      await git(clone, 'add', '.');
      await git(clone, 'commit', '-qm', message);
      await git(clone, 'push', '-q', 'origin', branch);
      return git(clone, 'rev-parse', 'HEAD');
    },
    async close() {
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
