// What a verified GitHub delivery does (docs/behaviour/webhook.md#events). A comment or review that
// @mentions the trigger handle — or a review requesting changes, mention or not —
// written by someone with write access, on the pull request of a task that is
// ready for it, starts an ordinary `pr` run as the task's owner with the feedback
// as its prompt (the pull request's stage is read first, threads included). A merged pull request
// completes its task; one closed without merging is flagged on it. CI news of
// a task's branch (a check suite, a check run, a commit status) has its pull
// request's CI read again. Everything else is answered "ignored" with the
// reason — only genuine faults throw.
import { existsSync } from 'node:fs';
import type { WebhookDeliveryResponse } from '@bottega/protocol';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { ProjectRow, TaskRow } from '../../db/schema';
import { AppError } from '../../errors';
import { branchesAt } from '../../forge/git';
import { githubRepoOf, runGh, type GitHubRepo } from '../../forge/github';
import { ExecError } from '../../process/exec';
import { startRun } from '../../engine/run-starter';
import { completeMergedTask } from '../../engine/merge';
import { enforceCiRoundCap, syncPullRequestStage } from '../../engine/pr-stage';
import { liveRunOf } from '../../engine/transitions/runs';
import { pullRequestClosedTransition } from '../../engine/transitions/tasks';
import { readInstanceSettings } from '../admin/instance-settings';
import { commentFeedback, mentions, reviewFeedback } from './feedback';
import {
  CheckRunPayload,
  CheckSuitePayload,
  IssueCommentPayload,
  PullRequestPayload,
  ReviewComment,
  ReviewPayload,
  StatusPayload,
} from './payloads';

/** What a delivery led to: the webhook route's answer (packages/protocol). */
export type DeliveryOutcome = WebhookDeliveryResponse;

/** The events Bottega acts on; the admin subscribes the webhook to exactly these. */
export const WEBHOOK_EVENTS = ['issue_comment', 'pull_request_review', 'pull_request', 'check_suite', 'check_run', 'status'] as const;

const ignored = (reason: string): DeliveryOutcome => ({ status: 'ignored', reason });

/** Branches Bottega creates for tasks: `task/{id}-{slug}`. */
export function taskIdOfBranch(branch: string): number | null {
  const m = /^task\/([1-9][0-9]{0,15})(?:-|$)/.exec(branch);
  return m ? Number(m[1]) : null;
}

interface TaskScope {
  project: ProjectRow;
  task: TaskRow;
  repo: GitHubRepo;
}

/**
 * The task whose branch this is, in a project whose `origin` is the very
 * repository the delivery came from (a webhook of one repository can never
 * reach another repository's tasks).
 */
async function taskForBranch(deps: Deps, fullName: string, branch: string): Promise<TaskScope | string> {
  const taskId = taskIdOfBranch(branch);
  if (taskId === null) return `branch ${branch} is not a Bottega task branch`;
  const task = await deps.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task || task.branch_name !== branch) return `no task works on branch ${branch}`;
  const project = await deps.db.selectFrom('projects').selectAll().where('id', '=', task.project_id).executeTakeFirstOrThrow();
  const repo = await githubRepoOf(deps, project.repo_path);
  if (!repo || repo.slug.toLowerCase() !== fullName.toLowerCase()) return `task ${task.id} does not belong to ${fullName}`;
  return { project, task, repo };
}

/** The repository of the delivery as one of our projects knows it (host included), or null. */
async function knownRepository(deps: Deps, fullName: string): Promise<GitHubRepo | null> {
  const projects = await deps.db.selectFrom('projects').select('repo_path').execute();
  for (const p of projects) {
    const repo = await githubRepoOf(deps, p.repo_path);
    if (repo && repo.slug.toLowerCase() === fullName.toLowerCase()) return repo;
  }
  return null;
}

const Permission = z.object({ permission: z.string().optional(), role_name: z.string().optional() }).loose();

/** Whether `login` may push to the repository (admin, maintain or write). */
async function hasWriteAccess(deps: Pick<Deps, 'logger'>, repo: GitHubRepo, login: string): Promise<boolean> {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?$/.test(login)) return false;
  let out: string;
  try {
    out = await runGh(repo, ['api', `repos/${repo.slug}/collaborators/${encodeURIComponent(login)}/permission`]);
  } catch (err) {
    // 404 for a non-collaborator: no access. Anything else also refuses, but says why.
    if (!(err instanceof ExecError && /HTTP 404/.test(err.result.stderr)))
      deps.logger.warn({ err, repo: repo.slug, login }, 'could not check write access; treating it as none');
    return false;
  }
  const parsed = Permission.safeParse(JSON.parse(out));
  if (!parsed.success) return false;
  const { permission, role_name: role } = parsed.data;
  return permission === 'admin' || permission === 'write' || role === 'maintain' || role === 'write' || role === 'admin';
}

/** "Not ready" guards: a task the PR agent can work on right now. */
function notReady(task: TaskRow): string | null {
  if (task.status === 'completed') return `task ${task.id} is completed`;
  if (task.owner_id === null) return `task ${task.id} has no owner to act as`;
  if (!task.worktree_path || !existsSync(task.worktree_path)) return `task ${task.id} has no worktree`;
  return null;
}

async function startFeedbackRun(deps: Deps, scope: TaskScope, feedback: string, triggerUrl: string): Promise<DeliveryOutcome> {
  const { task } = scope;
  const blocked = notReady(task);
  if (blocked) return ignored(blocked);
  if (await liveRunOf(deps.db, task.id)) return ignored(`an agent is already running on task ${task.id}`);
  try {
    const run = await startRun(deps, {
      taskId: task.id,
      agentType: 'pr',
      trigger: 'webhook',
      actingUserId: task.owner_id as number,
      feedback,
      triggerUrl,
    });
    return { status: 'triggered', taskId: task.id, conversationId: run.conversation_id, runId: run.id };
  } catch (err) {
    // Races and states the guards above could not see are "not ready", not faults.
    if (err instanceof AppError && (err.code === 'RUN_IN_PROGRESS' || err.code === 'CONFLICT' || err.code === 'VALIDATION_FAILED'))
      return ignored(err.message);
    if (err instanceof AppError && err.code === 'PROVIDER_CREDENTIALS_MISSING')
      return ignored(`the task owner has no connected provider: ${err.message}`);
    throw err;
  }
}

async function onIssueComment(deps: Deps, raw: unknown, handle: string): Promise<DeliveryOutcome> {
  const parsed = IssueCommentPayload.safeParse(raw);
  if (!parsed.success) return ignored('not an issue comment payload');
  const p = parsed.data;
  if (p.action !== 'created') return ignored(`comment ${p.action}`);
  if (!p.issue.pull_request) return ignored('a comment on an issue, not on a pull request');
  if (!mentions(p.comment.body, handle)) return ignored(`no mention of @${handle}`);
  const repo = await knownRepository(deps, p.repository.full_name);
  if (!repo) return ignored(`no project uses ${p.repository.full_name}`);
  if (!(await hasWriteAccess(deps, repo, p.comment.user.login)))
    return ignored(`@${p.comment.user.login} has no write access to ${repo.slug}`);
  const view = await runGh(repo, ['pr', 'view', String(p.issue.number), '--repo', repo.slug, '--json', 'headRefName']);
  const branch = z.object({ headRefName: z.string() }).parse(JSON.parse(view)).headRefName;
  const scope = await taskForBranch(deps, p.repository.full_name, branch);
  if (typeof scope === 'string') return ignored(scope);
  const feedback = commentFeedback({ author: p.comment.user.login, body: p.comment.body ?? '', url: p.comment.html_url });
  if (!notReady(scope.task) && !(await liveRunOf(deps.db, scope.task.id))) await syncPullRequestStage(deps, scope.project, scope.task);
  return startFeedbackRun(deps, scope, feedback, p.comment.html_url);
}

async function onReview(deps: Deps, raw: unknown, handle: string): Promise<DeliveryOutcome> {
  const parsed = ReviewPayload.safeParse(raw);
  if (!parsed.success) return ignored('not a pull request review payload');
  const p = parsed.data;
  if (p.action !== 'submitted') return ignored(`review ${p.action}`);
  const scope = await taskForBranch(deps, p.repository.full_name, p.pull_request.head.ref);
  if (typeof scope === 'string') return ignored(scope);
  const { repo } = scope;
  const listed = await runGh(repo, [
    'api',
    '--paginate',
    `repos/${repo.slug}/pulls/${p.pull_request.number}/reviews/${p.review.id}/comments`,
  ]);
  const comments = z.array(ReviewComment).parse(JSON.parse(listed));
  // Changes requested by a writer need no mention: the review itself asks for work.
  const changesRequested = p.review.state.toLowerCase() === 'changes_requested';
  if (!changesRequested && !mentions(p.review.body, handle) && !comments.some((c) => mentions(c.body, handle)))
    return ignored(`no mention of @${handle}`);
  if (!(await hasWriteAccess(deps, repo, p.review.user.login)))
    return ignored(`@${p.review.user.login} has no write access to ${repo.slug}`);
  const blocked = notReady(scope.task);
  if (blocked) return ignored(blocked);
  if (await liveRunOf(deps.db, scope.task.id)) return ignored(`an agent is already running on task ${scope.task.id}`);
  // The threads are read (and recorded) as the run starts: each inline comment names its thread.
  const stage = await syncPullRequestStage(deps, scope.project, scope.task);
  const threadOf = new Map<number, string>();
  if (stage.kind === 'found')
    for (const t of stage.threads ?? []) for (const c of t.comments) if (c.databaseId !== null) threadOf.set(c.databaseId, t.id);
  const feedback = reviewFeedback({
    author: p.review.user.login,
    state: p.review.state,
    body: p.review.body,
    url: p.review.html_url,
    comments,
    threadOf,
  });
  return startFeedbackRun(deps, scope, feedback, p.review.html_url);
}

async function onPullRequest(deps: Deps, raw: unknown): Promise<DeliveryOutcome> {
  const parsed = PullRequestPayload.safeParse(raw);
  if (!parsed.success) return ignored('not a pull request payload');
  const p = parsed.data;
  const scope = await taskForBranch(deps, p.repository.full_name, p.pull_request.head.ref);
  if (typeof scope === 'string') return ignored(scope);
  const { project, task } = scope;
  if (task.status === 'completed') return ignored(`task ${task.id} is completed`);
  // Opened, pushed to, edited…: its CI is read again for the task page.
  if (p.action !== 'closed' && p.action !== 'reopened') return refreshCi(deps, scope);
  if (p.action === 'closed' && p.pull_request.merged) {
    if (await liveRunOf(deps.db, task.id))
      return ignored(`an agent is still running on task ${task.id}; use Merge & clean up once it ends`);
    await completeMergedTask(deps, project, task, p.pull_request.html_url);
    return { status: 'completed', taskId: task.id };
  }
  const closed = p.action === 'closed';
  await pullRequestClosedTransition(deps, task.id, closed, p.pull_request.html_url);
  return closed ? { status: 'closed', taskId: task.id } : { status: 'reopened', taskId: task.id };
}

/**
 * CI ran on a commit of `branches`: the first that is a task's branch (of the
 * delivering repository) has its pull request's CI read again for the task page.
 */
async function ciOnBranches(
  deps: Deps,
  fullName: string,
  branches: readonly (string | null | undefined)[],
  what: string,
): Promise<DeliveryOutcome> {
  const candidates = [...new Set(branches.filter((b): b is string => !!b))];
  if (candidates.length === 0) return ignored(`${what} without a task branch`);
  const reasons: string[] = [];
  for (const branch of candidates) {
    const scope = await taskForBranch(deps, fullName, branch);
    if (typeof scope === 'string') {
      reasons.push(scope);
      continue;
    }
    if (scope.task.status === 'completed') return ignored(`task ${scope.task.id} is completed`);
    return refreshCi(deps, scope);
  }
  return ignored(reasons.join('; '));
}

/** A check suite ran on a task's branch. */
async function onCheckSuite(deps: Deps, raw: unknown): Promise<DeliveryOutcome> {
  const parsed = CheckSuitePayload.safeParse(raw);
  if (!parsed.success) return ignored('not a check suite payload');
  const p = parsed.data;
  return ciOnBranches(deps, p.repository.full_name, [p.check_suite.head_branch], 'a check suite');
}

/** A check run was created or completed: its suite's head branch, else its pull requests' heads. */
async function onCheckRun(deps: Deps, raw: unknown): Promise<DeliveryOutcome> {
  const parsed = CheckRunPayload.safeParse(raw);
  if (!parsed.success) return ignored('not a check run payload');
  const p = parsed.data;
  if (p.action !== 'created' && p.action !== 'completed') return ignored(`check run ${p.action}`);
  const run = p.check_run;
  const branches = [run.check_suite?.head_branch, ...(run.pull_requests ?? []).map((pr) => pr.head.ref)];
  return ciOnBranches(deps, p.repository.full_name, branches, 'a check run');
}

/** Task branches whose head is `sha`, in the projects whose origin is `fullName`. */
async function taskBranchesAt(deps: Deps, fullName: string, sha: string): Promise<string[]> {
  const projects = await deps.db.selectFrom('projects').select('repo_path').execute();
  const found: string[] = [];
  for (const p of projects) {
    const repo = await githubRepoOf(deps, p.repo_path);
    if (repo && repo.slug.toLowerCase() === fullName.toLowerCase()) found.push(...(await branchesAt(p.repo_path, sha, 'task/')));
  }
  return found;
}

/**
 * A commit status was set: the task branches GitHub names with it, or — when it
 * names none (the branch moved on, or more than ten point there) — the task
 * branches whose head is its commit here.
 */
async function onStatus(deps: Deps, raw: unknown): Promise<DeliveryOutcome> {
  const parsed = StatusPayload.safeParse(raw);
  if (!parsed.success) return ignored('not a commit status payload');
  const p = parsed.data;
  const named = (p.branches ?? []).map((b) => b.name).filter((name) => taskIdOfBranch(name) !== null);
  const branches = named.length > 0 ? named : await taskBranchesAt(deps, p.repository.full_name, p.sha);
  return ciOnBranches(deps, p.repository.full_name, branches, `a commit status on ${p.sha.slice(0, 12)}`);
}

/**
 * The pull request or its CI changed: its stage is read again and recorded; a live PR run that
 * has spent more failed CI rounds than the cap is stopped and the task blocked (loop.md#pr-stage).
 */
async function refreshCi(deps: Deps, { project, task }: TaskScope): Promise<DeliveryOutcome> {
  const lookup = await syncPullRequestStage(deps, project, task);
  if (lookup.kind !== 'found') return ignored(`no pull request to read for task ${task.id}`);
  await enforceCiRoundCap(deps, project, task, lookup);
  return { status: 'ci', taskId: task.id, ci: lookup.pr.ci };
}

/** Decides and acts on one verified delivery. */
export async function handleDelivery(deps: Deps, event: string, payload: unknown): Promise<DeliveryOutcome> {
  const { triggerHandle } = await readInstanceSettings(deps);
  switch (event) {
    case 'issue_comment':
      return onIssueComment(deps, payload, triggerHandle);
    case 'pull_request_review':
      return onReview(deps, payload, triggerHandle);
    case 'pull_request':
      return onPullRequest(deps, payload);
    case 'check_suite':
      return onCheckSuite(deps, payload);
    case 'check_run':
      return onCheckRun(deps, payload);
    case 'status':
      return onStatus(deps, payload);
    default:
      return ignored(`event ${event || '(none)'} is not handled`);
  }
}
