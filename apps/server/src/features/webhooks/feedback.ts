// What the PR agent is told when a reviewer summons it (docs/behaviour/webhook.md#feedback-run): the comment
// quoted with its author (and location and hunk when anchored), or a review's
// summary followed by its numbered inline comments with locations and hunks, each
// with its review thread's id and its own id so the agent can reply and resolve.
import type { ReviewComment } from './payloads';

/** True when `text` @mentions `handle` (case-insensitive, as a whole login). */
export function mentions(text: string | null | undefined, handle: string): boolean {
  if (!text) return false;
  const escaped = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_/-])@${escaped}(?![A-Za-z0-9_-])`, 'i').test(text);
}

function quote(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

function location(c: ReviewComment): string {
  const line = c.line ?? c.original_line ?? null;
  if (line === null) return `\`${c.path}\` (whole file)`;
  const range = c.start_line && c.start_line !== line ? `lines ${c.start_line}–${line}` : `line ${line}`;
  return `\`${c.path}\`, ${range}${c.side ? ` (${c.side === 'LEFT' ? 'old' : 'new'} side)` : ''}`;
}

function hunk(c: ReviewComment): string[] {
  if (!c.diff_hunk) return [];
  return ['', 'Diff hunk:', '```diff', c.diff_hunk.trimEnd(), '```'];
}

export function commentFeedback(input: { author: string; body: string; url: string }): string {
  return [`A comment on the pull request by @${input.author} (${input.url}):`, '', quote(input.body)].join('\n');
}

/** ` · thread `ID` · comment N`: where the agent replies to an inline comment and which thread it resolves. */
function ids(c: ReviewComment, threadOf: ReadonlyMap<number, string>): string {
  if (c.id === null || c.id === undefined) return '';
  const thread = threadOf.get(c.id);
  return `${thread ? ` · thread \`${thread}\`` : ''} · comment ${c.id}`;
}

export function reviewFeedback(input: {
  author: string;
  state: string;
  body: string | null;
  url: string;
  comments: readonly ReviewComment[];
  /** Review threads by the database id of each of their comments. */
  threadOf?: ReadonlyMap<number, string>;
}): string {
  const threadOf = input.threadOf ?? new Map<number, string>();
  const lines = [`A review of the pull request by @${input.author} (${input.state.toLowerCase().replace(/_/g, ' ')}, ${input.url}).`];
  if (input.body && input.body.trim()) lines.push('', 'Summary:', '', quote(input.body));
  if (input.comments.length > 0) {
    lines.push('', `Inline comments (${input.comments.length}):`);
    input.comments.forEach((c, i) => {
      lines.push('', `${i + 1}. ${location(c)}${c.user ? ` — @${c.user.login}` : ''}${ids(c, threadOf)}`, '', quote(c.body), ...hunk(c));
    });
  }
  return lines.join('\n');
}
