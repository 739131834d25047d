// Git plumbing on the fake's bare repositories: branch heads, commit info, and real
// merges (git merge-tree + commit-tree + update-ref, no worktree needed).
import { spawn } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The identity GitHub uses for merge commits it creates. */
const MERGE_IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub',
  GIT_AUTHOR_EMAIL: 'noreply@github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

/** Runs git with an argument array; never throws for a non-zero exit (see `gitOk`). */
export function runGit(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Runs git and returns trimmed stdout, throwing with stderr on failure. */
export async function gitOk(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  const result = await runGit(args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export interface CommitInfo {
  oid: string;
  authorName: string;
  authorEmail: string;
  authoredDate: string;
  committedDate: string;
  committerName: string;
  committerEmail: string;
  treeOid: string;
  headline: string;
  body: string;
}

const COMMIT_FORMAT = '%H%x00%an%x00%ae%x00%aI%x00%cI%x00%cn%x00%ce%x00%T%x00%s%x00%b%x1e';

function parseCommits(stdout: string): CommitInfo[] {
  return stdout
    .split('\x1e')
    .map((s) => s.replace(/^\n/, ''))
    .filter((s) => s.length > 0)
    .map((s) => {
      const fields = s.split('\x00');
      const [oid = '', authorName = '', authorEmail = '', authoredDate = '', committedDate = ''] = fields;
      const [committerName = '', committerEmail = '', treeOid = '', headline = '', body = ''] = fields.slice(5);
      return {
        oid,
        authorName,
        authorEmail,
        authoredDate,
        committedDate,
        committerName,
        committerEmail,
        treeOid,
        headline,
        body: body.trim(),
      };
    });
}

export type MergeMethod = 'merge' | 'squash';

export interface FileChange {
  path: string;
  additions: number;
  deletions: number;
  changeType: 'ADDED' | 'DELETED' | 'MODIFIED';
}

/** One bare repository of the fake. */
export class BareRepo {
  constructor(readonly path: string) {}

  private git(args: string[]): Promise<GitResult> {
    return runGit(['--git-dir', this.path, ...args]);
  }

  async init(defaultBranch: string): Promise<void> {
    await gitOk(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, this.path]);
    await gitOk(['--git-dir', this.path, 'config', 'http.receivepack', 'true']);
  }

  /** Pushes `fromDir`'s HEAD as the branch `branch`. */
  async seed(fromDir: string, branch: string): Promise<void> {
    await gitOk(['push', '--quiet', this.path, `HEAD:refs/heads/${branch}`], { cwd: fromDir });
  }

  /** Branch name → commit sha. */
  async branches(): Promise<Map<string, string>> {
    const result = await this.git(['for-each-ref', '--format=%(refname:short)%00%(objectname)', 'refs/heads']);
    const map = new Map<string, string>();
    for (const line of result.stdout.split('\n')) {
      const [name, sha] = line.split('\x00');
      if (name && sha) map.set(name, sha);
    }
    return map;
  }

  /** The commit a branch, tag or sha names, or null. */
  async resolve(ref: string): Promise<string | null> {
    const result = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return result.code === 0 ? result.stdout.trim() : null;
  }

  async commit(oid: string): Promise<CommitInfo | null> {
    const result = await this.git(['log', '-1', `--format=${COMMIT_FORMAT}`, oid]);
    return result.code === 0 ? (parseCommits(result.stdout)[0] ?? null) : null;
  }

  /** Commits reachable from `head` but not `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<CommitInfo[]> {
    const result = await this.git(['log', '--reverse', `--format=${COMMIT_FORMAT}`, `${base}..${head}`]);
    return result.code === 0 ? parseCommits(result.stdout) : [];
  }

  /** `git merge-tree --write-tree`: the merged tree, or null when the merge conflicts. */
  async mergeTree(base: string, head: string): Promise<{ clean: boolean; tree: string | null }> {
    const result = await this.git(['merge-tree', '--write-tree', '--no-messages', base, head]);
    if (result.code === 0) return { clean: true, tree: result.stdout.split('\n')[0]?.trim() ?? null };
    if (result.code === 1) return { clean: false, tree: null };
    throw new Error(`git merge-tree failed (${result.code}): ${result.stderr.trim()}`);
  }

  /** `git diff base...head` (what GitHub shows as the PR diff). */
  async diff(base: string, head: string): Promise<string> {
    return (await this.git(['diff', '--no-color', `${base}...${head}`])).stdout;
  }

  /** `git diff -U0 from to -- path`: the changed hunks of one file between two commits. */
  async diffOfPath(from: string, to: string, path: string): Promise<string> {
    return (await this.git(['diff', '-U0', '--no-color', '--no-ext-diff', from, to, '--', path])).stdout;
  }

  /** The PR's commits as one mbox (`git format-patch --stdout`). */
  async patch(base: string, head: string): Promise<string> {
    return (await this.git(['format-patch', '--stdout', `${base}..${head}`])).stdout;
  }

  /** Deletes a branch; false when it did not exist. */
  async deleteBranch(name: string): Promise<boolean> {
    if ((await this.resolve(`refs/heads/${name}`)) === null) return false;
    await gitOk(['--git-dir', this.path, 'update-ref', '-d', `refs/heads/${name}`]);
    return true;
  }

  /** Files changed between the merge base and head, with line counts (binary files count 0). */
  async diffFiles(base: string, head: string): Promise<FileChange[]> {
    const [numstat, status] = await Promise.all([
      this.git(['diff', '--numstat', '--no-renames', `${base}...${head}`]),
      this.git(['diff', '--name-status', '--no-renames', `${base}...${head}`]),
    ]);
    const kinds = new Map<string, string>();
    for (const line of status.stdout.split('\n')) {
      const [kind, path] = line.split('\t');
      if (kind && path) kinds.set(path, kind);
    }
    const files: FileChange[] = [];
    for (const line of numstat.stdout.split('\n')) {
      const [a, d, path] = line.split('\t');
      if (a === undefined || d === undefined || path === undefined) continue;
      const kind = kinds.get(path);
      const changeType = kind === 'A' ? 'ADDED' : kind === 'D' ? 'DELETED' : 'MODIFIED';
      files.push({ path, additions: Number(a) || 0, deletions: Number(d) || 0, changeType });
    }
    return files;
  }

  /**
   * Merges `headOid` into branch `base` for real; returns the new base commit.
   * Throws `MergeConflict` when the trees conflict and a plain Error when `base` moved.
   */
  async merge(base: string, headOid: string, method: MergeMethod, message: string): Promise<string> {
    const baseOid = await this.resolve(`refs/heads/${base}`);
    if (baseOid === null) throw new Error(`base branch ${base} does not exist`);
    const { clean, tree } = await this.mergeTree(baseOid, headOid);
    if (!clean || tree === null) throw new MergeConflict(base, headOid);
    const parents = method === 'merge' ? ['-p', baseOid, '-p', headOid] : ['-p', baseOid];
    const commit = await gitOk(['--git-dir', this.path, 'commit-tree', tree, ...parents, '-m', message], { env: MERGE_IDENTITY });
    await gitOk(['--git-dir', this.path, 'update-ref', `refs/heads/${base}`, commit, baseOid]);
    return commit;
  }
}

export class MergeConflict extends Error {
  constructor(base: string, head: string) {
    super(`merging ${head} into ${base} conflicts`);
    this.name = 'MergeConflict';
  }
}
