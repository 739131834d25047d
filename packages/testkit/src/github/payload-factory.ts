// Builds webhook payloads from the fake's live state (recording the comment or review
// first, so `gh api …/reviews/ID/comments` then finds it; CI events describe the
// checks `setChecks` put on a pull request's head).
import { PullReader } from './pulls';
import { restCheckRun, restIssueComment, restPull, restRepo, restReview, restStatus, restUser } from './rest-shapes';
import type { ReviewState } from './model';
import type { GitHubState } from './state';
import { checkRunEvent, issueCommentEvent, pullRequestEvent, pullRequestReviewEvent, statusEvent } from './webhook-payloads';

export interface ReviewCommentInput {
  path: string;
  /** The line in the file (null: a file-level comment). */
  line?: number | null;
  startLine?: number | null;
  side?: 'LEFT' | 'RIGHT';
  body: string;
  /** Default: a one-line hunk header for `line`. */
  diffHunk?: string;
}

export interface ReviewInput {
  user: string;
  body?: string;
  /** Default `commented`. */
  state?: 'commented' | 'approved' | 'changes_requested';
  comments?: ReviewCommentInput[];
}

export interface RecordedReview {
  id: number;
  nodeId: string;
  commentIds: number[];
}

type Json = Record<string, unknown>;

export class PayloadFactory {
  constructor(private readonly state: GitHubState) {}

  private pull(owner: string, repoName: string, number: number) {
    const repo = this.state.repo(owner, repoName);
    return { repo, pull: this.state.pull(repo, number), reader: new PullReader(this.state) };
  }

  /** Records a review (with inline comments) on PR `number`, against its current head. */
  async addReview(owner: string, repoName: string, number: number, input: ReviewInput): Promise<RecordedReview> {
    const { repo, pull, reader } = this.pull(owner, repoName, number);
    const commitId = (await reader.headOid(repo, pull)) ?? '0'.repeat(40);
    const review = this.state.addReview(
      repo,
      pull,
      { user: input.user, body: input.body ?? '', state: (input.state ?? 'commented').toUpperCase() as ReviewState, commitId },
      (input.comments ?? []).map((c) => ({
        path: c.path,
        line: c.line ?? null,
        startLine: c.startLine ?? null,
        side: c.side ?? 'RIGHT',
        body: c.body,
        diffHunk: c.diffHunk ?? `@@ -${c.line ?? 1},1 +${c.line ?? 1},1 @@`,
        inReplyTo: null,
      })),
    );
    return { id: review.id, nodeId: review.nodeId, commentIds: review.comments.map((c) => c.id) };
  }

  /** `issue_comment` / `created` on PR `number` by `user` (the comment is recorded). */
  async issueComment(owner: string, repoName: string, number: number, input: { user: string; body: string }): Promise<Json> {
    const { repo, pull, reader } = this.pull(owner, repoName, number);
    const comment = this.state.addIssueComment(pull, input.user, input.body);
    return issueCommentEvent({
      repository: restRepo(this.state, repo),
      pullRequest: await restPull(reader, repo, pull),
      comment: restIssueComment(this.state, repo, pull, comment),
    });
  }

  /** `pull_request_review` / `submitted` (the review and its comments are recorded). */
  async reviewSubmitted(owner: string, repoName: string, number: number, input: ReviewInput): Promise<Json> {
    const recorded = await this.addReview(owner, repoName, number, input);
    const { repo, pull, reader } = this.pull(owner, repoName, number);
    const review = pull.reviews.find((r) => r.id === recorded.id);
    if (!review) throw new Error('review vanished');
    return pullRequestReviewEvent({
      repository: restRepo(this.state, repo),
      pullRequest: await restPull(reader, repo, pull),
      review: restReview(this.state, repo, pull, review),
    });
  }

  /** The check named `name` on PR `number`'s head, as `setChecks` recorded it. */
  private async headCheck(owner: string, repoName: string, number: number, name: string, kind: 'check_run' | 'status') {
    const { repo, pull, reader } = this.pull(owner, repoName, number);
    const sha = await reader.headOid(repo, pull);
    const check = reader.checks(repo, sha).find((c) => c.name === name && (c.kind ?? 'check_run') === kind);
    if (!sha || !check) throw new Error(`no ${kind} named ${name} on the head of ${owner}/${repoName}#${number}: set it with setChecks`);
    return { repo, pull, reader, sha, check };
  }

  /** `check_run` (default `completed`) for the check run `name` on PR `number`'s head. */
  async checkRun(
    owner: string,
    repoName: string,
    number: number,
    name: string,
    action: 'created' | 'completed' | 'rerequested' = 'completed',
  ): Promise<Json> {
    const { repo, pull, reader, check } = await this.headCheck(owner, repoName, number, name, 'check_run');
    return checkRunEvent({
      action,
      repository: restRepo(this.state, repo),
      pullRequest: await restPull(reader, repo, pull),
      checkRun: restCheckRun(repo, check),
      sender: restUser(this.state, 'github-actions[bot]'),
    });
  }

  /**
   * `status` for the commit status `name` on PR `number`'s head; `branches`
   * defaults to the PR's head branch (GitHub sends none once the branch moved on).
   */
  async status(owner: string, repoName: string, number: number, name: string, branches?: readonly string[]): Promise<Json> {
    const { repo, pull, sha, check } = await this.headCheck(owner, repoName, number, name, 'status');
    return statusEvent({
      repository: restRepo(this.state, repo),
      status: restStatus(repo, check),
      sha,
      branches: branches ?? [pull.headRefName],
      sender: restUser(this.state, 'ci-bot[bot]'),
    });
  }

  /** `pull_request` / `closed` for PR `number` as it is now (`merged: true` once merged). */
  async pullRequestClosed(owner: string, repoName: string, number: number, sender?: string): Promise<Json> {
    const { repo, pull, reader } = this.pull(owner, repoName, number);
    if (pull.state === 'OPEN') throw new Error(`PR #${number} is still open: merge or close it first`);
    return pullRequestEvent({
      action: 'closed',
      repository: restRepo(this.state, repo),
      pullRequest: await restPull(reader, repo, pull),
      sender: restUser(this.state, sender ?? pull.mergedBy ?? pull.author),
    });
  }
}
