// Test fixtures for real-git tests: temporary directories and repositories made
// with `git init -b` and committed with an inline identity (CI has no git config).
import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from './git';

/** A fresh directory under the OS temp dir, realpath'd (macOS /var → /private/var). */
export async function makeTempDir(prefix = 'bottega-git-'): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)));
}

/** Runs git with a throwaway identity and no signing, as a test would on a bare CI machine. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return runGit(['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd });
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

/**
 * Creates a repository at `path` on `branch` and commits `files` (nothing is
 * committed when `files` is null, leaving a repository without commits).
 */
export async function initRepo(
  path: string,
  branch = 'main',
  files: Record<string, string> | null = { 'README.md': '# test\n' },
): Promise<string> {
  await mkdir(path, { recursive: true });
  await git(path, 'init', '--quiet', '-b', branch);
  if (files) {
    await writeFiles(path, files);
    await git(path, 'add', '--all');
    await git(path, 'commit', '--quiet', '-m', 'initial');
  }
  return path;
}
