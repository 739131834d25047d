// What one task's agent may touch (SPEC §12): its worktree, the git metadata
// that worktree needs (the repository's `.git`, written by commits), the
// repository files linked into it (`.env*`, read-only), its own archive
// folder (document and input files), and the project's extra hosts. The
// provider adds the acting user's own folder and model endpoint.
import { lstat, mkdir, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { isInside } from './bwrap-args';

export interface Confinement {
  /** Folders the agent reads and writes. */
  writable: readonly string[];
  /** Paths the agent only reads. */
  readable: readonly string[];
  /** Extra host names reachable through the sandbox proxy (`host`, `host:port`, `*.domain`). */
  hosts: readonly string[];
}

/** The repository metadata a linked worktree writes to (its `.git` file names it). */
export async function gitMetadataOf(worktree: string): Promise<string | null> {
  const dotGit = join(worktree, '.git');
  const info = await lstat(dotGit).catch(() => null);
  if (!info?.isFile()) return null;
  const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, 'utf8'));
  if (!m?.[1]) return null;
  const gitDir = resolve(worktree, m[1].trim());
  const common = await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => null);
  const commonDir = common ? resolve(gitDir, common.trim()) : gitDir;
  return realpath(commonDir).catch(() => null);
}

/** Targets of the symlinks in `dir` that lead outside `root` (the repository's `.env*` files). */
async function linkedFiles(dir: string, root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    if (!(await lstat(path).catch(() => null))?.isSymbolicLink()) continue;
    const target = await realpath(path).catch(() => null);
    if (target && isAbsolute(target) && !isInside(root, target)) out.push(target);
  }
  return out;
}

export interface TaskScope {
  worktreePath: string;
  /** The agent's working directory (the worktree, or a subproject inside it). */
  cwd: string;
  /** The task's archive folder (document, input files). */
  archiveDir: string;
  /** Admin-allowed extra hosts of the project. */
  hosts: readonly string[];
}

export async function taskConfinement(scope: TaskScope): Promise<Confinement> {
  await mkdir(scope.archiveDir, { recursive: true, mode: 0o700 });
  const writable = [scope.worktreePath, scope.archiveDir];
  const git = await gitMetadataOf(scope.worktreePath);
  if (git && !isInside(scope.worktreePath, git)) writable.push(git);
  const dirs = scope.cwd === scope.worktreePath ? [scope.worktreePath] : [scope.worktreePath, scope.cwd];
  const readable = [...new Set((await Promise.all(dirs.map((d) => linkedFiles(d, scope.worktreePath)))).flat())];
  return { writable, readable, hosts: [...scope.hosts] };
}
