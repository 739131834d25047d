// Pull-request behaviour shared by the REST and GraphQL faces: reading live git data
// (memoized per request), mergeability, and the create/merge/close commands.
import { rollupState } from './checks';
import type { CheckRecord } from './checks';
import { BareRepo, MergeConflict } from './git';
import type { CommitInfo, FileChange, MergeMethod } from './git';
import { githubTime } from './state';
import type { Mergeable, MergeStateStatus, PullRequest, Repo } from './model';
import type { GitHubState } from './state';

/** An error with GitHub's REST status and GraphQL error type. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: 'NOT_FOUND' | 'UNPROCESSABLE' | 'FORBIDDEN' | 'UNAUTHENTICATED' = status === 404 ? 'NOT_FOUND' : 'UNPROCESSABLE',
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/** Reads git-backed facts once per request (gh asks for the same commit many times). */
export class PullReader {
  private cache = new Map<string, Promise<unknown>>();

  constructor(readonly state: GitHubState) {}

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
    }
    return hit;
  }

  git(repo: Repo): BareRepo {
    return new BareRepo(repo.path);
  }

  branches(repo: Repo): Promise<Map<string, string>> {
    return this.memo(`branches:${repo.path}`, () => this.git(repo).branches());
  }

  async branchOid(repo: Repo, branch: string): Promise<string | null> {
    return (await this.branches(repo)).get(branch) ?? null;
  }

  commit(repo: Repo, oid: string): Promise<CommitInfo | null> {
    return this.memo(`commit:${repo.path}:${oid}`, () => this.git(repo).commit(oid));
  }

  async headOid(repo: Repo, pull: PullRequest): Promise<string | null> {
    return pull.frozenHeadOid ?? (await this.branchOid(repo, pull.headRefName));
  }

  async baseOid(repo: Repo, pull: PullRequest): Promise<string | null> {
    return pull.frozenBaseOid ?? (await this.branchOid(repo, pull.baseRefName));
  }

  /** The PR's commits, oldest first (frozen at merge, when the base contains them). */
  commits(repo: Repo, pull: PullRequest): Promise<CommitInfo[]> {
    return this.memo(`commits:${pull.nodeId}`, async () => {
      if (pull.frozenCommits) {
        const infos = await Promise.all(pull.frozenCommits.map((oid) => this.commit(repo, oid)));
        return infos.filter((c): c is CommitInfo => c !== null);
      }
      const [base, head] = [await this.baseOid(repo, pull), await this.headOid(repo, pull)];
      return base && head ? this.git(repo).commitsBetween(base, head) : [];
    });
  }

  files(repo: Repo, pull: PullRequest): Promise<FileChange[]> {
    return this.memo(`files:${pull.nodeId}`, async () => {
      const [base, head] = [await this.baseOid(repo, pull), await this.headOid(repo, pull)];
      return base && head ? this.git(repo).diffFiles(base, head) : [];
    });
  }

  async diffStat(repo: Repo, pull: PullRequest): Promise<{ additions: number; deletions: number; files: number }> {
    const files = await this.files(repo, pull);
    return {
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      files: files.length,
    };
  }

  checks(repo: Repo, sha: string | null): CheckRecord[] {
    return sha === null ? [] : (repo.checks.get(sha) ?? []);
  }

  /** Set by `setMergeable`, else computed with a real `git merge-tree`. */
  mergeable(repo: Repo, pull: PullRequest): Promise<Mergeable> {
    return this.memo(`mergeable:${pull.nodeId}`, async () => {
      if (pull.state !== 'OPEN') return 'UNKNOWN';
      if (pull.mergeableOverride) return pull.mergeableOverride;
      const [base, head] = [await this.baseOid(repo, pull), await this.headOid(repo, pull)];
      if (!base || !head) return 'UNKNOWN';
      return (await this.git(repo).mergeTree(base, head)).clean ? 'MERGEABLE' : 'CONFLICTING';
    });
  }

  async mergeStateStatus(repo: Repo, pull: PullRequest): Promise<MergeStateStatus> {
    if (pull.mergeStateOverride) return pull.mergeStateOverride;
    if (pull.state !== 'OPEN') return 'UNKNOWN';
    if (pull.isDraft) return 'DRAFT';
    const mergeable = await this.mergeable(repo, pull);
    if (mergeable === 'CONFLICTING') return 'DIRTY';
    if (mergeable === 'UNKNOWN') return 'UNKNOWN';
    const rollup = rollupState(this.checks(repo, await this.headOid(repo, pull)));
    return rollup === null || rollup === 'SUCCESS' ? 'CLEAN' : 'UNSTABLE';
  }
}

export interface CreatePullInput {
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  author: string;
}

export async function createPull(reader: PullReader, repo: Repo, input: CreatePullInput): Promise<PullRequest> {
  const head = input.head.includes(':') ? input.head.slice(input.head.indexOf(':') + 1) : input.head;
  const [headOid, baseOid] = [await reader.branchOid(repo, head), await reader.branchOid(repo, input.base)];
  if (headOid === null || baseOid === null) {
    throw new GitHubError(
      422,
      `Head sha can't be blank, Base sha can't be blank, No commits between ${input.base} and ${head}, Head ref must be a branch`,
    );
  }
  if ((await reader.git(repo).commitsBetween(baseOid, headOid)).length === 0) {
    throw new GitHubError(422, `No commits between ${input.base} and ${head}`);
  }
  const existing = repo.pulls.find((p) => p.state === 'OPEN' && p.headRefName === head && p.baseRefName === input.base);
  if (existing) throw new GitHubError(422, `A pull request already exists for ${repo.owner}:${head}.`);
  if (input.title.trim() === '') throw new GitHubError(422, "Title can't be blank");
  return reader.state.addPull(repo, {
    title: input.title,
    body: input.body,
    headRefName: head,
    baseRefName: input.base,
    isDraft: input.draft,
    author: input.author,
  });
}

export interface MergeInput {
  method: MergeMethod | 'rebase';
  login: string;
  commitHeadline?: string;
  commitBody?: string;
  expectedHeadOid?: string;
}

/** Merges for real in the bare repository; GitHub's 405/409/422 answers otherwise. */
export async function mergePull(reader: PullReader, repo: Repo, pull: PullRequest, input: MergeInput): Promise<string> {
  if (pull.state !== 'OPEN') throw new GitHubError(405, 'Pull Request is not mergeable');
  if (input.method === 'rebase') throw new GitHubError(405, 'Rebase merges are not allowed on this repository.');
  if (pull.isDraft) throw new GitHubError(405, 'Pull Request is still a draft');
  if ((await reader.mergeable(repo, pull)) === 'CONFLICTING') throw new GitHubError(405, 'Pull Request is not mergeable');
  const headOid = await reader.headOid(repo, pull);
  const baseOid = await reader.baseOid(repo, pull);
  if (headOid === null || baseOid === null) throw new GitHubError(422, 'Head or base branch is missing');
  if (input.expectedHeadOid && input.expectedHeadOid !== headOid) {
    throw new GitHubError(409, 'Head branch was modified. Review and try the merge again.');
  }
  const commits = await reader.commits(repo, pull);
  const headline =
    input.commitHeadline ??
    (input.method === 'merge'
      ? `Merge pull request #${pull.number} from ${repo.owner}/${pull.headRefName}`
      : `${pull.title} (#${pull.number})`);
  const body = input.commitBody ?? (input.method === 'merge' ? pull.title : commits.map((c) => `* ${c.headline}`).join('\n\n'));
  let mergeOid: string;
  try {
    mergeOid = await reader.git(repo).merge(pull.baseRefName, headOid, input.method, body === '' ? headline : `${headline}\n\n${body}`);
  } catch (err) {
    if (err instanceof MergeConflict) throw new GitHubError(405, 'Pull Request is not mergeable');
    throw err;
  }
  const now = githubTime();
  Object.assign(pull, {
    state: 'MERGED',
    mergedAt: now,
    closedAt: now,
    updatedAt: now,
    mergedBy: input.login,
    mergeCommitOid: mergeOid,
    frozenHeadOid: headOid,
    frozenBaseOid: baseOid,
    frozenCommits: commits.map((c) => c.oid),
  } satisfies Partial<PullRequest>);
  return mergeOid;
}

export async function closePull(reader: PullReader, repo: Repo, pull: PullRequest): Promise<void> {
  if (pull.state === 'MERGED') throw new GitHubError(422, 'Pull request is already merged');
  if (pull.state === 'CLOSED') return;
  const [head, base] = [await reader.headOid(repo, pull), await reader.baseOid(repo, pull)];
  const now = githubTime();
  Object.assign(pull, {
    state: 'CLOSED',
    closedAt: now,
    updatedAt: now,
    frozenHeadOid: head,
    frozenBaseOid: base,
  } satisfies Partial<PullRequest>);
}

export function reopenPull(pull: PullRequest): void {
  if (pull.state === 'MERGED') throw new GitHubError(422, 'Pull request is already merged');
  Object.assign(pull, {
    state: 'OPEN',
    closedAt: null,
    updatedAt: githubTime(),
    frozenHeadOid: null,
    frozenBaseOid: null,
  } satisfies Partial<PullRequest>);
}
