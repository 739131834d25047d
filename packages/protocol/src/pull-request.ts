// The pull-request stage as Bottega records it (docs/behaviour/loop.md#pr-stage): each CI round
// (the checks of one pushed head commit), the pull request's mergeability and conflicting files,
// and the review threads the PR agent is asked to address — plus the project's settings for it.
import { z } from 'zod';

/** How the PR agent brings a pull request up to date with a moved default branch. */
export const prUpdateStrategies = ['rebase', 'merge'] as const;
export const PrUpdateStrategy = z.enum(prUpdateStrategies);
export type PrUpdateStrategy = z.infer<typeof PrUpdateStrategy>;

/** GitHub's answer to "can this pull request be merged?" (`mergeable` of `gh pr view`). */
export const prMergeables = ['MERGEABLE', 'CONFLICTING', 'UNKNOWN'] as const;
export const PrMergeable = z.enum(prMergeables);
export type PrMergeable = z.infer<typeof PrMergeable>;

/** A CI round's state: its checks are still running, one failed, or all passed. */
export const ciRoundStates = ['pending', 'failure', 'success'] as const;
export const CiRoundState = z.enum(ciRoundStates);
export type CiRoundState = z.infer<typeof CiRoundState>;

/** Upper bound of the CI-round setting (the instance default is BOTTEGA_MAX_CI_ROUNDS). */
export const MAX_CI_ROUNDS_LIMIT = 20;

/** PUT /api/projects/:projectId/pr-settings. `maxCiRounds: null` follows the instance default. */
export const PutPrSettingsBody = z
  .object({
    updateStrategy: PrUpdateStrategy,
    maxCiRounds: z.number().int().min(1).max(MAX_CI_ROUNDS_LIMIT).nullable(),
  })
  .strict();
export type PutPrSettingsBody = z.infer<typeof PutPrSettingsBody>;

export interface PrSettingsDto {
  updateStrategy: PrUpdateStrategy;
  /** The project's own cap; null when it follows the instance default. */
  maxCiRounds: number | null;
  /** The cap in force: the project's own, else the instance default. */
  effectiveMaxCiRounds: number;
  instanceMaxCiRounds: number;
}

/** One CI round: the checks of one head commit of the task's branch, in push order. */
export interface PrCiRoundDto {
  /** 1-based, per task, in the order the commits were pushed. */
  round: number;
  headSha: string;
  state: CiRoundState;
  /** Names of the checks (or status contexts) that failed; empty unless `failure`. */
  failingChecks: string[];
  /** The last lines of the first failing job's log (as `gh run view --log-failed` prints it); null when none could be read. */
  logExcerpt: string | null;
  /** Where the failing (else the first) check is shown on GitHub. */
  detailsUrl: string | null;
  /** The PR agent run during which this round was seen; null when no run was live. */
  agentRunId: number | null;
  recordedAt: string;
  updatedAt: string;
}

/** One review thread of the task's pull request (inline comments on a line of a file). */
export interface PrReviewThreadDto {
  /** GitHub's node id of the thread. */
  id: string;
  path: string;
  /** The line it is anchored to; null for a file-level or outdated thread. */
  line: number | null;
  /** Who opened it and what they asked (the first comment, at most 500 characters). */
  author: string;
  body: string;
  url: string;
  resolved: boolean;
  /** Replies after the first comment. */
  replyCount: number;
  /** The last reply's author and text (at most 500 characters); null without replies. */
  lastReplyAuthor: string | null;
  lastReplyBody: string | null;
  updatedAt: string;
}

/** GET /api/tasks/:taskId/pull-request: what Bottega last read of the task's pull request. */
export interface PullRequestStageDto {
  url: string | null;
  mergeable: PrMergeable | null;
  /** Files that conflict with the default branch when `mergeable` is CONFLICTING (as far as they could be computed). */
  conflictFiles: string[];
  ciRounds: PrCiRoundDto[];
  threads: PrReviewThreadDto[];
  settings: PrSettingsDto;
}
