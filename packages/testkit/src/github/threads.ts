// Review threads as GitHub keeps them: where a thread sits on the pull request's
// current head (its line moves with edits above it; it is outdated once its own lines
// change), replies (each one a new COMMENTED review, as GitHub records them), and who
// may resolve a thread.
import type { PullReader } from './pulls';
import { GitHubError } from './pulls';
import type { PullRequest, Repo, ReviewComment, ReviewThread } from './model';
import type { GitHubState } from './state';

/** One hunk of `git diff -U0`: old lines `oldStart…+oldCount` became new lines `newStart…+newCount`. */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

/** The hunk headers of a unified diff. */
export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  for (const m of diff.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    hunks.push({
      oldStart: Number(m[1]),
      oldCount: m[2] === undefined ? 1 : Number(m[2]),
      newStart: Number(m[3]),
      newCount: m[4] === undefined ? 1 : Number(m[4]),
    });
  }
  return hunks;
}

/**
 * Where old lines `from…to` are after the hunks: shifted by the lines added or removed
 * above them, or null when a hunk touches them (the comment is then outdated).
 */
export function mapLines(hunks: readonly Hunk[], from: number, to: number): { from: number; to: number } | null {
  let shift = 0;
  for (const h of hunks) {
    if (h.oldCount === 0) {
      // Pure insertion after old line `oldStart`.
      if (h.oldStart >= from && h.oldStart < to) return null;
      if (h.oldStart < from) shift += h.newCount;
      continue;
    }
    const last = h.oldStart + h.oldCount - 1;
    if (h.oldStart <= to && last >= from) return null;
    if (last < from) shift += h.newCount - h.oldCount;
  }
  return { from: from + shift, to: to + shift };
}

export interface ThreadPosition {
  isOutdated: boolean;
  /** The line on the current head (null once outdated, as on GitHub). */
  line: number | null;
  startLine: number | null;
}

/** Where a thread's first comment sits on the PR's current head. */
export async function threadPosition(reader: PullReader, repo: Repo, pull: PullRequest, root: ReviewComment): Promise<ThreadPosition> {
  const head = await reader.headOid(repo, pull);
  if (root.line === null || root.side === 'LEFT' || head === null || head === root.commitId) {
    return { isOutdated: false, line: root.line, startLine: root.startLine };
  }
  const diff = await reader.git(repo).diffOfPath(root.commitId, head, root.path);
  const mapped = mapLines(parseHunks(diff), root.startLine ?? root.line, root.line);
  if (!mapped) return { isOutdated: true, line: null, startLine: null };
  return { isOutdated: false, line: mapped.to, startLine: root.startLine === null ? null : mapped.from };
}

/** The first comment of a thread. */
export function rootComment(state: GitHubState, pull: PullRequest, thread: ReviewThread): ReviewComment {
  const root = state.threadComments(pull, thread)[0];
  if (!root) throw new Error(`thread ${thread.nodeId} has no comments`);
  return root;
}

/**
 * Replies to a review comment as `login`: GitHub records the reply as a new COMMENTED
 * review holding one comment, in reply to the thread's first comment.
 */
export async function addReply(
  reader: PullReader,
  repo: Repo,
  pull: PullRequest,
  commentId: number,
  login: string,
  body: string,
): Promise<ReviewComment> {
  const state = reader.state;
  const thread = state.threadOfComment(pull, commentId);
  if (!thread) throw new GitHubError(404, 'Not Found');
  if (body.trim() === '') throw new GitHubError(422, 'Body cannot be blank');
  const root = rootComment(state, pull, thread);
  const commitId = (await reader.headOid(repo, pull)) ?? root.commitId;
  const review = state.addReview(repo, pull, { user: login, body: '', state: 'COMMENTED', commitId }, [
    {
      path: root.path,
      line: root.line,
      startLine: root.startLine,
      side: root.side,
      body,
      diffHunk: root.diffHunk,
      inReplyTo: root.id,
    },
  ]);
  const reply = review.comments[0];
  if (!reply) throw new Error('reply vanished');
  return reply;
}

/** GitHub lets people with write access, and the pull request's author, resolve threads. */
export function canResolve(state: GitHubState, repo: Repo, pull: PullRequest, login: string): boolean {
  const permission = state.permission(repo, login);
  return ['admin', 'maintain', 'write'].includes(permission) || pull.author.toLowerCase() === login.toLowerCase();
}

/** A thread as a test reads it (`FakeGitHub.reviewThreads`). */
export interface ReviewThreadInfo {
  /** The GraphQL node id (`PRRT_…`): what `resolveReviewThread` takes. */
  id: string;
  path: string;
  /** The line as commented (on the commit the first comment was made on). */
  line: number | null;
  startLine: number | null;
  side: 'LEFT' | 'RIGHT';
  isResolved: boolean;
  resolvedBy: string | null;
  comments: { id: number; author: string; body: string; inReplyTo: number | null }[];
}

export function threadInfo(state: GitHubState, pull: PullRequest, thread: ReviewThread): ReviewThreadInfo {
  const comments = state.threadComments(pull, thread);
  const root = rootComment(state, pull, thread);
  return {
    id: thread.nodeId,
    path: root.path,
    line: root.line,
    startLine: root.startLine,
    side: root.side,
    isResolved: thread.isResolved,
    resolvedBy: thread.resolvedBy,
    comments: comments.map((c) => ({ id: c.id, author: c.user, body: c.body, inReplyTo: c.inReplyTo })),
  };
}
