// The pull-request stage as Bottega records it (docs/behaviour/loop.md#pr-stage). A sync reads the
// task's pull request from GitHub (forge/pr-stage.ts) and records its CI rounds (one per pushed head
// commit, numbered in push order, with the failing checks and — read once — the failing log's
// excerpt), its review threads, and its mergeability with the conflicting files; the task's own
// columns go through the task transitions. It runs when a PR or YOLO run ends, on every webhook
// about the pull request or its CI, and when a feedback run starts. Best effort: GitHub unreadable
// is logged and said in the answer, never thrown. This file also holds the project's settings for
// the stage (rebase or merge; the cap on CI rounds) and the block reasons it gives.
import type { PrSettingsDto, PrUpdateStrategy, PutPrSettingsBody } from '@bottega/protocol';
import type { Deps } from '../deps';
import type { PrCiRoundsTable, ProjectRow, TaskRow } from '../db/schema';
import { conflictingFiles } from '../forge/git';
import { githubRepoOf, type GitHubRepo } from '../forge/github';
import {
  ciRoundsFrom,
  listWorkflowRuns,
  readFailedLog,
  readPullRequestStage,
  readReviewThreads,
  type CiRoundRead,
  type PullRequestStageInfo,
  type ReviewThreadRead,
} from '../forge/pr-stage';
import { iso } from '../time';
import { failRunTransition, liveRunOf } from './transitions/runs';
import { blockTaskTransition, pullRequestStageTransition } from './transitions/tasks';
import type { Selectable } from 'kysely';
import { inTransaction } from '../db/transaction';

type SyncDeps = Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'config'>;

export type PrRoundRow = Selectable<PrCiRoundsTable>;

/** What a sync found: the pull request and what was recorded of it, or why there is none. */
export type PullRequestStageLookup =
  | {
      kind: 'found';
      repo: GitHubRepo;
      pr: PullRequestStageInfo;
      rounds: PrRoundRow[];
      conflictFiles: string[];
      threads: ReviewThreadRead[] | null;
    }
  | { kind: 'no-branch' }
  | { kind: 'no-remote' }
  | { kind: 'no-pull-request'; slug: string }
  | { kind: 'unreadable'; message: string };

// ── Settings ────────────────────────────────────────────────────────────────

/** The project's settings for the stage and the cap in force. */
export function prSettingsOf(
  deps: Pick<Deps, 'config'>,
  project: Pick<ProjectRow, 'pr_update_strategy' | 'pr_max_ci_rounds'>,
): PrSettingsDto {
  return {
    updateStrategy: project.pr_update_strategy,
    maxCiRounds: project.pr_max_ci_rounds,
    effectiveMaxCiRounds: project.pr_max_ci_rounds ?? deps.config.maxCiRounds,
    instanceMaxCiRounds: deps.config.maxCiRounds,
  };
}

/** Replaces the project's settings for the stage (its owners and administrators decide; checked by the route). */
export async function updatePrSettings(
  deps: Pick<Deps, 'db' | 'config' | 'now'>,
  projectId: number,
  body: PutPrSettingsBody,
): Promise<PrSettingsDto> {
  const row = await deps.db
    .updateTable('projects')
    .set({ pr_update_strategy: body.updateStrategy, pr_max_ci_rounds: body.maxCiRounds, updated_at: iso(deps.now()) })
    .where('id', '=', projectId)
    .returning(['pr_update_strategy', 'pr_max_ci_rounds'])
    .executeTakeFirstOrThrow();
  return prSettingsOf(deps, row);
}

// ── Block reasons ───────────────────────────────────────────────────────────

const backticked = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** Why a PR run that ended with CI failing is blocked (its detail is the last failing log excerpt). */
export function ciBlockReason(rounds: number, cap: number, failingChecks: readonly string[]): string {
  const what =
    failingChecks.length === 0
      ? 'a check failed'
      : failingChecks.length === 1
        ? `job ${backticked(failingChecks)} failed`
        : `jobs ${backticked(failingChecks)} failed`;
  return `CI is still failing after ${rounds} ${rounds === 1 ? 'round' : 'rounds'} (the limit is ${cap}): ${what}.`;
}

/** Why a PR run stopped at the CI-round cap while it was still running. */
export function ciCapReason(failedRounds: number, cap: number, failingChecks: readonly string[]): string {
  return `${ciBlockReason(failedRounds, cap, failingChecks).replace(/\.$/, '')}; the PR agent was stopped at the limit.`;
}

/** Why a PR run that ended with its pull request conflicting is blocked (its detail is the file list). */
export function conflictBlockReason(prNumber: number, base: string, files: readonly string[]): string {
  const where = files.length === 0 ? '' : ` in ${files.join(', ')}`;
  return `Pull request #${prNumber} conflicts with ${base}${where}.`;
}

// ── Sync ────────────────────────────────────────────────────────────────────

/** Per database (one per server), the task syncs under way and the one queued behind each. */
const inFlight = new WeakMap<object, Map<number, { current: Promise<PullRequestStageLookup>; queued?: Promise<PullRequestStageLookup> }>>();

/**
 * Reads the task's pull request from GitHub and records its stage. Never throws: what could not be
 * read is logged, and the answer says why nothing was found. New rounds are credited to the live PR
 * run, or to `endedRunId` — the PR run whose end this sync records (it is no longer live by then).
 *
 * A burst of deliveries about one pull request (a check run created and completed per job) costs at
 * most two reads: while one runs, every further request shares a single read queued after it, which
 * starts once the running one ends and so sees what they announced. A run's end always reads on its own.
 */
export function syncPullRequestStage(
  deps: SyncDeps,
  project: ProjectRow,
  task: TaskRow,
  endedRunId: number | null = null,
): Promise<PullRequestStageLookup> {
  if (endedRunId !== null) return readAndRecordStage(deps, project, task, endedRunId);
  const tasks =
    inFlight.get(deps.db) ?? new Map<number, { current: Promise<PullRequestStageLookup>; queued?: Promise<PullRequestStageLookup> }>();
  inFlight.set(deps.db, tasks);
  const entry = tasks.get(task.id);
  const start = (): Promise<PullRequestStageLookup> => {
    const current = readAndRecordStage(deps, project, task, null).finally(() => {
      const now = tasks.get(task.id);
      if (now?.current === current && now.queued === undefined) tasks.delete(task.id);
    });
    const slot = tasks.get(task.id);
    if (slot) {
      slot.current = current;
      slot.queued = undefined;
    } else tasks.set(task.id, { current });
    return current;
  };
  if (!entry) return start();
  entry.queued ??= entry.current.then(start, start);
  return entry.queued;
}

async function readAndRecordStage(
  deps: SyncDeps,
  project: ProjectRow,
  task: TaskRow,
  endedRunId: number | null,
): Promise<PullRequestStageLookup> {
  if (!task.branch_name) return { kind: 'no-branch' };
  const branch = task.branch_name;
  try {
    const repo = await githubRepoOf(deps, project.repo_path);
    if (!repo) return { kind: 'no-remote' };
    const read = await readPullRequestStage(repo, branch);
    if (!read) return { kind: 'no-pull-request', slug: repo.slug };
    const { pr, rollup } = read;
    const live = await liveRunOf(deps.db, task.id);
    const liveRunId = live && (live.agent_type === 'pr' || live.agent_type === 'yolo') ? live.id : endedRunId;

    const runs = await listWorkflowRuns(repo, branch).catch((err: unknown) => {
      deps.logger.warn({ err, taskId: task.id }, 'could not list the workflow runs of the pull request');
      return null;
    });
    const rounds =
      runs === null
        ? await roundsOf(deps, task.id)
        : await recordRounds(deps, repo, task.id, ciRoundsFrom(runs, { sha: pr.headSha, rollup }), liveRunId);

    const threads = await readReviewThreads(repo, pr.number).catch((err: unknown) => {
      deps.logger.warn({ err, taskId: task.id }, 'could not read the review threads of the pull request');
      return null;
    });
    if (threads) await recordThreads(deps, task.id, threads);
    const threadRows = await deps.db.selectFrom('pr_review_threads').select('resolved').where('task_id', '=', task.id).execute();

    let conflictFiles: string[] = [];
    if (pr.state === 'OPEN' && pr.mergeable === 'CONFLICTING') {
      conflictFiles = await conflictingFiles(project.repo_path, `origin/${pr.baseBranch}`, branch).catch((err: unknown) => {
        deps.logger.warn({ err, taskId: task.id }, 'could not compute the conflicting files');
        return [];
      });
    }
    await pullRequestStageTransition(deps, task.id, {
      prUrl: pr.url,
      ci: pr.ci,
      mergeable: pr.mergeable,
      conflictFiles,
      ciRounds: rounds.length,
      threadsTotal: threadRows.length,
      threadsOpen: threadRows.filter((t) => t.resolved === 0).length,
    });
    return { kind: 'found', repo, pr, rounds, conflictFiles, threads };
  } catch (err) {
    deps.logger.warn({ err, taskId: task.id }, 'could not read the pull-request stage');
    return { kind: 'unreadable', message: err instanceof Error ? err.message.slice(0, 300) : String(err) };
  }
}

function roundsOf(deps: Pick<Deps, 'db'>, taskId: number): Promise<PrRoundRow[]> {
  return deps.db.selectFrom('pr_ci_rounds').selectAll().where('task_id', '=', taskId).orderBy('round').execute();
}

/**
 * Upserts one row per round. A round keeps its number once given (new commits are numbered after
 * the last); its log excerpt is read once, when the round is first seen failing.
 */
async function recordRounds(
  deps: SyncDeps,
  repo: GitHubRepo,
  taskId: number,
  read: readonly CiRoundRead[],
  liveRunId: number | null,
): Promise<PrRoundRow[]> {
  const stored = new Map((await roundsOf(deps, taskId)).map((r) => [r.head_sha, r]));
  let next = Math.max(0, ...[...stored.values()].map((r) => r.round)) + 1;
  const now = iso(deps.now());
  for (const round of read) {
    const before = stored.get(round.headSha);
    let failingChecks = round.failingChecks;
    let excerpt = before?.log_excerpt ?? null;
    if (round.state === 'failure' && before?.state === 'failure') {
      // Already seen failing: its log was read then; the rollup's names of the head's checks are the best.
      if (!round.checksFromRollup) failingChecks = JSON.parse(before.failing_checks) as string[];
    } else if (round.state === 'failure' && round.failedRunId !== null && excerpt === null) {
      const runId = round.failedRunId;
      const log = await readFailedLog(repo, runId).catch((err: unknown) => {
        deps.logger.warn({ err, taskId, runId }, 'could not read the failing CI log');
        return null;
      });
      if (log) {
        excerpt = log.excerpt;
        // The log names the failing jobs; a workflow run's own name says less.
        if (log.jobs.length > 0 && !round.checksFromRollup) failingChecks = log.jobs;
      }
    }
    if (round.state !== 'failure') failingChecks = [];
    if (before) {
      if (
        before.state === round.state &&
        before.failing_checks === JSON.stringify(failingChecks) &&
        before.log_excerpt === excerpt &&
        before.details_url === round.detailsUrl
      )
        continue;
      await deps.db
        .updateTable('pr_ci_rounds')
        .set({
          state: round.state,
          failing_checks: JSON.stringify(failingChecks),
          log_excerpt: excerpt,
          details_url: round.detailsUrl,
          agent_run_id: before.agent_run_id ?? liveRunId,
          updated_at: now,
        })
        .where('id', '=', before.id)
        .execute();
    } else {
      await deps.db
        .insertInto('pr_ci_rounds')
        .values({
          task_id: taskId,
          round: next++,
          head_sha: round.headSha,
          state: round.state,
          failing_checks: JSON.stringify(failingChecks),
          log_excerpt: excerpt,
          details_url: round.detailsUrl,
          agent_run_id: liveRunId,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['task_id', 'head_sha']).doNothing())
        .execute();
    }
  }
  return roundsOf(deps, taskId);
}

const clip = (text: string, max = 500) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Replaces the task's review threads with what GitHub shows now, in its order. */
async function recordThreads(deps: Pick<Deps, 'db' | 'now'>, taskId: number, threads: readonly ReviewThreadRead[]): Promise<void> {
  const now = iso(deps.now());
  await inTransaction(deps.db, async (trx) => {
    await trx.deleteFrom('pr_review_threads').where('task_id', '=', taskId).execute();
    const rows = threads
      .filter((t) => t.comments.length > 0)
      .map((t, position) => {
        const [first, ...replies] = t.comments;
        const last = replies[replies.length - 1];
        return {
          task_id: taskId,
          thread_id: t.id,
          path: t.path,
          line: t.line,
          author: first?.author ?? 'ghost',
          body: clip(first?.body ?? ''),
          url: first?.url ?? '',
          resolved: t.resolved ? 1 : 0,
          reply_count: replies.length,
          last_reply_author: last?.author ?? null,
          last_reply_body: last ? clip(last.body) : null,
          position,
          updated_at: now,
        };
      });
    if (rows.length > 0) await trx.insertInto('pr_review_threads').values(rows).execute();
  });
}

// ── What a sync means for the loop ──────────────────────────────────────────

/** The last round that failed, if the latest round failed. */
function failingHead(rounds: readonly PrRoundRow[]): PrRoundRow | null {
  const last = rounds[rounds.length - 1];
  return last && last.state === 'failure' ? last : null;
}

/**
 * A PR or YOLO run ended without `pr-complete`: CI still failing, or conflicts left unresolved,
 * block the task with the reason and its detail. Returns whether it blocked.
 */
export async function blockOnPullRequestStage(
  deps: SyncDeps,
  project: ProjectRow,
  task: TaskRow,
  lookup: PullRequestStageLookup,
): Promise<boolean> {
  if (lookup.kind !== 'found' || lookup.pr.state !== 'OPEN') return false;
  const cap = prSettingsOf(deps, project).effectiveMaxCiRounds;
  const failing = failingHead(lookup.rounds);
  if (failing || lookup.pr.ci === 'failure') {
    const checks = failing
      ? (JSON.parse(failing.failing_checks) as string[])
      : lookup.pr.checks.filter((c) => c.state === 'failure').map((c) => c.name);
    await blockTaskTransition(deps, task.id, ciBlockReason(Math.max(1, lookup.rounds.length), cap, checks), failing?.log_excerpt ?? null);
    return true;
  }
  if (lookup.pr.mergeable === 'CONFLICTING') {
    await blockTaskTransition(
      deps,
      task.id,
      conflictBlockReason(lookup.pr.number, lookup.pr.baseBranch, lookup.conflictFiles),
      lookup.conflictFiles.length > 0 ? lookup.conflictFiles.join('\n') : null,
    );
    return true;
  }
  return false;
}

/**
 * The server's own hold on the CI-round cap: when the live PR (or YOLO) run has seen more failed
 * rounds than the cap, the task is blocked and the run stopped. Returns whether it did.
 */
export async function enforceCiRoundCap(deps: Deps, project: ProjectRow, task: TaskRow, lookup: PullRequestStageLookup): Promise<boolean> {
  if (lookup.kind !== 'found' || task.workflow_blocked === 1) return false;
  const live = await liveRunOf(deps.db, task.id);
  if (!live || (live.agent_type !== 'pr' && live.agent_type !== 'yolo')) return false;
  const cap = prSettingsOf(deps, project).effectiveMaxCiRounds;
  const failed = lookup.rounds.filter((r) => r.agent_run_id === live.id && r.state === 'failure');
  if (failed.length <= cap) return false;
  const last = failed[failed.length - 1] as PrRoundRow;
  await blockTaskTransition(deps, task.id, ciCapReason(failed.length, cap, JSON.parse(last.failing_checks) as string[]), last.log_excerpt);
  // The run is failed with its reason first, so the harness's stop that follows is not read as a person's.
  await failRunTransition(deps, live.id, `stopped at the CI-round limit (${failed.length} failed rounds, the limit is ${cap})`);
  const run = await deps.db.selectFrom('agent_runs').select('conversation_id').where('id', '=', live.id).executeTakeFirst();
  if (run && run.conversation_id !== null) {
    const conversationId = run.conversation_id;
    deps.background.track(`stop run ${live.id} at the CI-round cap`, deps.turns.stop(conversationId));
  }
  return true;
}

/** The task's recorded stage, for the task page (reads the database only). */
export async function readRecordedStage(deps: Pick<Deps, 'db'>, taskId: number) {
  const [rounds, threads] = await Promise.all([
    roundsOf(deps, taskId),
    deps.db.selectFrom('pr_review_threads').selectAll().where('task_id', '=', taskId).orderBy('position').execute(),
  ]);
  return { rounds, threads };
}

export type { PrUpdateStrategy };
