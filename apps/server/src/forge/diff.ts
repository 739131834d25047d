// A task branch's diff against its base, for the task screen: from the
// merge-base of the branch and the base branch to the worktree as it is on
// disk — commits, uncommitted edits and new (not ignored) files alike. The
// worktree's own index is never touched: the working tree is staged into a
// scratch copy of it, so an agent's git commands are not disturbed.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DiffFileDto, DiffFileStatus, TaskDiffDto } from '@bottega/protocol';
import { detectDefaultBranch, runGit, worktreeGitArgs } from './git';

export interface BranchDiffOptions {
  /** The patch is cut (at a file, else a line boundary) beyond this many bytes. */
  maxPatchBytes: number;
  /** At most this many files are listed. */
  maxFiles: number;
}

export const DEFAULT_DIFF_LIMITS: BranchDiffOptions = { maxPatchBytes: 1024 * 1024, maxFiles: 2000 };

const TIMEOUT_MS = 60_000;
/** Fixed output format whatever the user's git config says (prefixes, colours, external tools). */
const FORMAT = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/'];

const STATUS: Record<string, DiffFileStatus> = { A: 'added', M: 'modified', D: 'deleted', T: 'type_changed' };

export async function diffWorktreeAgainstBase(
  repoPath: string,
  worktreePath: string,
  limits: BranchDiffOptions = DEFAULT_DIFF_LIMITS,
): Promise<TaskDiffDto> {
  const base = await detectDefaultBranch(repoPath);
  // The repository says where the worktree's metadata is, never the worktree's own `.git` file.
  const where = await worktreeGitArgs(repoPath, worktreePath);
  const git = (args: string[], extra: { indexFile?: string; maxOutputBytes?: number } = {}) =>
    runGit([...where, '-c', 'core.quotepath=off', ...args], { cwd: worktreePath, timeoutMs: TIMEOUT_MS, ...extra });
  const head = (await git(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  // No common history with the base (git answers 1): the diff runs from the base itself.
  const mergeBase = (await git(['merge-base', base, head]).catch(() => git(['rev-parse', '--verify', `${base}^{commit}`]))).trim();

  const scratch = await mkdtemp(join(tmpdir(), 'bottega-diff-'));
  try {
    const indexFile = join(scratch, 'index');
    // Starting from the real index keeps its stat cache: only changed files are re-hashed.
    const realIndex = resolve(worktreePath, (await git(['rev-parse', '--git-path', 'index'])).trim());
    const copied = await copyFile(realIndex, indexFile).then(
      () => true,
      () => false,
    );
    if (!copied) await git(['read-tree', 'HEAD'], { indexFile });
    await git(['add', '--all', '--', '.'], { indexFile });

    const [numstat, nameStatus] = await Promise.all([
      git(['diff', '--cached', ...FORMAT, '--numstat', '-z', mergeBase, '--'], { indexFile }),
      git(['diff', '--cached', ...FORMAT, '--name-status', '-z', mergeBase, '--'], { indexFile }),
    ]);
    const statuses = parseNameStatus(nameStatus);
    const all = parseNumstat(numstat).map((f) => ({ ...f, status: statuses.get(f.path) ?? 'modified' }));
    const files = all.slice(0, limits.maxFiles);

    const raw = await git(['diff', '--cached', ...FORMAT, mergeBase, '--'], { indexFile, maxOutputBytes: limits.maxPatchBytes + 1 });
    const over = Buffer.byteLength(raw, 'utf8') > limits.maxPatchBytes;
    const patch = over ? cutPatch(raw, limits.maxPatchBytes) : raw;
    return { base, head, files, patch, truncated: over || files.length < all.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `added\tdeleted\tpath\0` records; binary files report `-` for both counts. */
function parseNumstat(out: string): Omit<DiffFileDto, 'status'>[] {
  const files: Omit<DiffFileDto, 'status'>[] = [];
  for (const record of out.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record);
    if (!m) continue;
    const binary = m[1] === '-';
    files.push({ path: m[3] ?? '', additions: binary ? 0 : Number(m[1]), deletions: binary ? 0 : Number(m[2]), binary });
  }
  return files;
}

/** `X\0path\0` pairs. */
function parseNameStatus(out: string): Map<string, DiffFileStatus> {
  const parts = out.split('\0');
  const map = new Map<string, DiffFileStatus>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = (parts[i] ?? '').trim().charAt(0);
    map.set(parts[i + 1] ?? '', STATUS[code] ?? 'modified');
  }
  return map;
}

/** The patch within `max` bytes, cut before a file header if one fits, else after a whole line. */
function cutPatch(patch: string, max: number): string {
  const head = Buffer.from(patch, 'utf8').subarray(0, max).toString('utf8');
  const fileCut = head.lastIndexOf('\ndiff --git ');
  if (fileCut > 0) return head.slice(0, fileCut + 1);
  const lineCut = head.lastIndexOf('\n');
  return lineCut > 0 ? head.slice(0, lineCut + 1) : '';
}
