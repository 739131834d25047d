// The parts of GitHub's webhook payloads Bottega reads, validated with zod.
// Loose on purpose: GitHub sends far more, and adds fields over time.
import { z } from 'zod';

const User = z.object({ login: z.string() }).loose();
const Repository = z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/) }).loose();

export const IssueCommentPayload = z
  .object({
    action: z.string(),
    issue: z.object({ number: z.number().int().positive(), pull_request: z.object({}).loose().nullish() }).loose(),
    comment: z.object({ id: z.number(), body: z.string().nullable(), html_url: z.string(), user: User }).loose(),
    repository: Repository,
  })
  .loose();
export type IssueCommentPayload = z.infer<typeof IssueCommentPayload>;

export const ReviewPayload = z
  .object({
    action: z.string(),
    review: z.object({ id: z.number(), body: z.string().nullable(), html_url: z.string(), state: z.string(), user: User }).loose(),
    pull_request: z.object({ number: z.number().int().positive(), head: z.object({ ref: z.string() }).loose() }).loose(),
    repository: Repository,
  })
  .loose();
export type ReviewPayload = z.infer<typeof ReviewPayload>;

export const PullRequestPayload = z
  .object({
    action: z.string(),
    pull_request: z
      .object({
        number: z.number().int().positive(),
        html_url: z.string(),
        merged: z.boolean().nullish(),
        updated_at: z.string().nullish(),
        head: z.object({ ref: z.string() }).loose(),
      })
      .loose(),
    repository: Repository,
  })
  .loose();
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

/** An inline review comment as `GET /repos/o/r/pulls/n/reviews/id/comments` returns it. */
export const ReviewComment = z
  .object({
    id: z.number().int().nullish(),
    body: z.string(),
    path: z.string(),
    line: z.number().nullish(),
    original_line: z.number().nullish(),
    start_line: z.number().nullish(),
    side: z.string().nullish(),
    diff_hunk: z.string().nullish(),
    html_url: z.string().nullish(),
    user: User.nullish(),
  })
  .loose();
export type ReviewComment = z.infer<typeof ReviewComment>;

/** A check suite of a commit changed (`check_suite`); only its branch matters here. */
export const CheckSuitePayload = z
  .object({
    action: z.string(),
    check_suite: z.object({ head_branch: z.string().nullish() }).loose(),
    repository: Repository,
  })
  .loose();

/**
 * A check run of a commit was created, completed… (`check_run`): its branch is
 * its check suite's head branch, or the head of one of its pull requests.
 */
export const CheckRunPayload = z
  .object({
    action: z.string(),
    check_run: z
      .object({
        id: z.number().int(),
        status: z.string().nullish(),
        completed_at: z.string().nullish(),
        check_suite: z.object({ head_branch: z.string().nullish() }).loose().nullish(),
        pull_requests: z.array(z.object({ head: z.object({ ref: z.string() }).loose() }).loose()).nullish(),
      })
      .loose(),
    repository: Repository,
  })
  .loose();
export type CheckRunPayload = z.infer<typeof CheckRunPayload>;

/** A commit status was set (`status`): on `sha`, with the branches whose head it is. */
export const StatusPayload = z
  .object({
    id: z.number().int(),
    sha: z.string(),
    state: z.string(),
    context: z.string().nullish(),
    updated_at: z.string().nullish(),
    branches: z.array(z.object({ name: z.string() }).loose()).nullish(),
    repository: Repository,
  })
  .loose();
export type StatusPayload = z.infer<typeof StatusPayload>;
