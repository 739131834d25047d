// Real git fixtures for tests: a repository with one commit on `main`. The
// identity is passed per command because CI machines have no git config.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../forge/git';

export const TEST_GIT_IDENTITY = ['-c', 'user.name=Bottega Test', '-c', 'user.email=test@example.com'];

export async function initRepo(dir: string, opts: { branch?: string; files?: Record<string, string> } = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const files = opts.files ?? { 'README.md': '# test repo\n' };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await runGit(['init', '-q', '-b', opts.branch ?? 'main'], { cwd: dir });
  await runGit(['add', '-A'], { cwd: dir });
  await runGit([...TEST_GIT_IDENTITY, 'commit', '-q', '-m', 'initial'], { cwd: dir });
  return dir;
}
