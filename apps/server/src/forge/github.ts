// The one place that talks to GitHub, through the `gh` CLI (which also works
// with GitHub Enterprise hosts): which repository a checkout belongs to, the
// pull request of a branch and its CI state (from statusCheckRollup — older
// gh lacks `pr checks --json`), and merging. gh's credentials are the
// server's own (GH_TOKEN / GH_HOST or its gh login).
import type { Deps } from '../deps';
import { ExecError, execFileCapture, execFileChecked } from '../process/exec';
import { runGit } from './git';

export interface GitHubRepo {
  host: string;
  owner: string;
  repo: string;
  /** `owner/repo` */
  slug: string;
}

/** Parses a GitHub remote URL (https, http, ssh, scp-like) into host/owner/repo. */
export function parseGitHubRemote(url: string): GitHubRepo | null {
  const m =
    url.match(/^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/) ??
    url.match(/^(?:[^@/]+@)?([^:/]+):([^/]+)\/([^/]+?)(?:\.git)?$/);
  if (!m) return null;
  const [, host, owner, repo] = m as unknown as [string, string, string, string];
  return { host, owner, repo, slug: `${owner}/${repo}` };
}

/** The GitHub repository behind the checkout's `origin`, or null when there is none. */
export async function githubRepoOf(deps: Pick<Deps, 'logger'>, repoPath: string): Promise<GitHubRepo | null> {
  const url = await runGit(['remote', 'get-url', 'origin'], { cwd: repoPath }).catch((err: unknown) => {
    // No remote named origin: no GitHub repository. Anything else (the checkout gone, git failing) is said too.
    if (!(err instanceof ExecError && /No such remote/i.test(err.result.stderr)))
      deps.logger.warn({ err, repoPath }, 'could not read the origin remote');
    return '';
  });
  return url.trim() ? parseGitHubRemote(url.trim()) : null;
}

/** The environment `gh` runs with: the server's, pointed at the repository's host. */
export function ghEnv(repo: Pick<GitHubRepo, 'host'>): NodeJS.ProcessEnv {
  return { ...process.env, GH_HOST: repo.host, GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1' };
}

export function runGh(repo: GitHubRepo, args: readonly string[], cwd?: string): Promise<string> {
  return execFileChecked('gh', args, { env: ghEnv(repo), timeoutMs: 60_000, ...(cwd ? { cwd } : {}) });
}

export interface CheckState {
  name: string;
  state: 'pending' | 'success' | 'failure';
}

export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'OPEN' | 'MERGED' | 'CLOSED';
  mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  checks: CheckState[];
  /** Overall CI: no checks, some pending, any failed, or all green. */
  ci: 'none' | 'pending' | 'failure' | 'success';
}

export interface RollupItem {
  name?: string;
  context?: string;
  status?: string;
  conclusion?: string | null;
  state?: string;
}

function checkState(item: RollupItem): CheckState {
  const name = item.name ?? item.context ?? 'check';
  // Check runs carry status/conclusion; commit statuses carry state.
  const raw = (item.conclusion ?? item.state ?? '').toUpperCase();
  if (item.status && item.status.toUpperCase() !== 'COMPLETED') return { name, state: 'pending' };
  if (raw === 'SUCCESS' || raw === 'NEUTRAL' || raw === 'SKIPPED') return { name, state: 'success' };
  if (raw === 'PENDING' || raw === 'EXPECTED' || raw === '') return { name, state: 'pending' };
  return { name, state: 'failure' };
}

export function summarizeChecks(items: RollupItem[]): Pick<PullRequestInfo, 'checks' | 'ci'> {
  const checks = items.map(checkState);
  const ci =
    checks.length === 0
      ? 'none'
      : checks.some((c) => c.state === 'failure')
        ? 'failure'
        : checks.some((c) => c.state === 'pending')
          ? 'pending'
          : 'success';
  return { checks, ci };
}

/** The open (or latest) pull request whose head is `branch`, or null. */
export async function findPullRequest(repo: GitHubRepo, branch: string): Promise<PullRequestInfo | null> {
  const r = await execFileCapture(
    'gh',
    ['pr', 'view', branch, '--repo', repo.slug, '--json', 'number,url,state,mergeable,statusCheckRollup'],
    { env: ghEnv(repo), timeoutMs: 60_000 },
  );
  if (r.code !== 0) {
    if (/no pull requests? found/i.test(r.stderr)) return null;
    throw new Error(`gh pr view failed: ${r.stderr.trim().slice(0, 500)}`);
  }
  const j = JSON.parse(r.stdout) as {
    number: number;
    url: string;
    state: PullRequestInfo['state'];
    mergeable: PullRequestInfo['mergeable'];
    statusCheckRollup: RollupItem[] | null;
  };
  return { number: j.number, url: j.url, state: j.state, mergeable: j.mergeable, ...summarizeChecks(j.statusCheckRollup ?? []) };
}

/** The PR status as the PR agent's prompt states it. */
export async function describePullRequest(repo: GitHubRepo, branch: string): Promise<string> {
  let pr: PullRequestInfo | null;
  try {
    pr = await findPullRequest(repo, branch);
  } catch (err) {
    return `The pull request status could not be read (${(err as Error).message}). Check it yourself with gh before acting.`;
  }
  if (!pr) return `There is no pull request for branch ${branch} in ${repo.slug} yet.`;
  const checks = pr.checks.map((c) => `${c.name}: ${c.state}`).join(', ') || 'no checks';
  return `Pull request #${pr.number} (${pr.url}) is ${pr.state}; CI is ${pr.ci} (${checks}); mergeability is ${pr.mergeable}.`;
}

/** Merges the branch's pull request (a human action: "Merge & clean up"). */
export async function mergePullRequest(repo: GitHubRepo, number: number): Promise<void> {
  await runGh(repo, ['pr', 'merge', String(number), '--repo', repo.slug, '--merge']);
}

/** Opens a pull request for `head` against `base`; returns its URL. */
export async function createPullRequest(
  repo: GitHubRepo,
  pr: { head: string; base: string; title: string; body: string },
): Promise<string> {
  const out = await runGh(repo, [
    'pr',
    'create',
    '--repo',
    repo.slug,
    '--head',
    pr.head,
    '--base',
    pr.base,
    '--title',
    pr.title,
    '--body',
    pr.body,
  ]);
  const url = out
    .trim()
    .split('\n')
    .find((l) => /^https?:\/\//.test(l));
  if (!url) throw new Error(`gh pr create printed no URL: ${out.slice(0, 300)}`);
  return url;
}
