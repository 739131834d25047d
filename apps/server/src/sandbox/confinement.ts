// What one task's agent may touch (docs/behaviour/sandbox.md#files): its worktree, the git metadata
// that worktree needs, the repository files linked into it (`.env*`,
// read-only), its own archive folder (document and input files), and the
// project's extra hosts. The provider adds the acting user's own folder and
// model endpoint.
//
// The repository's `.git` is shared by every worktree of the project and the
// server runs git in it too, so the agent gets it writable only where commits,
// pushes and fetches write (objects, refs, logs, packed refs, its own
// worktree's state), never where git takes instructions from: `config`,
// `hooks/`, `info/`, the other worktrees' folders, and its own worktree's
// `commondir`, `gitdir` and `config.worktree`. A hostile agent therefore cannot
// plant a hook, a filter or an fsmonitor command that a git of the server (or
// of another task's agent) would run.
import { lstat, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ifMissing, isMissing } from '../fs-errors';
import { isInside } from './bwrap-args';

/** One bind of the sandbox: later mounts cover earlier ones. */
export interface Mount {
  path: string;
  access: 'rw' | 'ro';
}

export interface Confinement {
  /** Folders and files the agent sees, in order. */
  mounts: readonly Mount[];
  /** Extra host names reachable through the sandbox proxy (`host`, `host:port`, `*.domain`). */
  hosts: readonly string[];
}

export const rw = (path: string): Mount => ({ path, access: 'rw' });
export const ro = (path: string): Mount => ({ path, access: 'ro' });

export interface GitMetadata {
  /** The repository's `.git` (shared by its worktrees). */
  commonDir: string;
  /** This worktree's own folder under `<commonDir>/worktrees/`. */
  adminDir: string;
}

/** The repository metadata of a linked worktree, as its `.git` file names it (null for anything else). */
export async function gitMetadataOf(worktree: string): Promise<GitMetadata | null> {
  const dotGit = join(worktree, '.git');
  const info = await lstat(dotGit).catch(ifMissing(null));
  if (!info?.isFile()) return null;
  const m = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, 'utf8'));
  if (!m?.[1]) return null;
  const adminDir = await realpath(resolve(worktree, m[1].trim())).catch(ifMissing(null));
  if (!adminDir) return null;
  const common = await readFile(join(adminDir, 'commondir'), 'utf8').catch(ifMissing(null));
  const commonDir = await realpath(common ? resolve(adminDir, common.trim()) : adminDir).catch(ifMissing(null));
  return commonDir && commonDir !== adminDir ? { commonDir, adminDir } : null;
}

/** The binds that give an agent its worktree's git metadata, writable only where git writes. */
export async function gitMounts(git: GitMetadata): Promise<Mount[]> {
  // Exists, so it can be bound read-only: git reads it when extensions.worktreeConfig is on.
  const worktreeConfig = join(git.adminDir, 'config.worktree');
  if (!(await lstat(worktreeConfig).catch(ifMissing(null)))) await writeFile(worktreeConfig, '', { mode: 0o644 });
  const mounts = [rw(git.commonDir)];
  for (const name of ['config', 'hooks', 'info', 'worktrees']) {
    if (await lstat(join(git.commonDir, name)).catch(ifMissing(null))) mounts.push(ro(join(git.commonDir, name)));
  }
  mounts.push(rw(git.adminDir));
  for (const name of ['commondir', 'gitdir', 'config.worktree']) mounts.push(ro(join(git.adminDir, name)));
  return mounts;
}

/** Targets of the symlinks in `dir` that lead outside `root` (the repository's `.env*` files). */
async function linkedFiles(dir: string, root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir).catch(ifMissing([] as string[]))) {
    const path = join(dir, name);
    if (!(await lstat(path).catch(ifMissing(null)))?.isSymbolicLink()) continue;
    // A dangling or looping link (an agent can plant either) leads nowhere to bind.
    const target = await realpath(path).catch((err: NodeJS.ErrnoException) =>
      isMissing(err) || err.code === 'ELOOP' ? null : Promise.reject(err),
    );
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
  const mounts = [rw(scope.worktreePath), rw(scope.archiveDir)];
  const git = await gitMetadataOf(scope.worktreePath);
  if (git && !isInside(scope.worktreePath, git.commonDir)) mounts.push(...(await gitMounts(git)));
  const dirs = scope.cwd === scope.worktreePath ? [scope.worktreePath] : [scope.worktreePath, scope.cwd];
  const linked = new Set((await Promise.all(dirs.map((d) => linkedFiles(d, scope.worktreePath)))).flat());
  mounts.push(...[...linked].map(ro));
  return { mounts, hosts: [...scope.hosts] };
}
