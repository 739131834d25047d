// What every GraphQL resolver of the fake sees, and the Relay connection helper that
// pages a list the way GitHub's connections do (first/last/after/before, cursors).
import type { PullReader } from '../pulls';
import type { User } from '../model';
import type { GitHubState } from '../state';

export interface GqlContext {
  state: GitHubState;
  reader: PullReader;
  viewer: User;
  /** `Type.field` names that had no resolver (answered with a neutral value). */
  gaps: string[];
}

export type Args = Record<string, unknown>;

const cursor = (index: number): string => Buffer.from(`cursor:${index}`).toString('base64');

function decodeCursor(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^cursor:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** A connection object (nodes, edges, pageInfo, totalCount) over `items`. */
export function connection<T>(items: readonly T[], args: Args, extra: Record<string, unknown> = {}): Record<string, unknown> {
  let start = 0;
  let end = items.length;
  const after = decodeCursor(args.after);
  const before = decodeCursor(args.before);
  if (after !== null) start = after + 1;
  if (before !== null) end = Math.min(end, before);
  if (typeof args.first === 'number') end = Math.min(end, start + args.first);
  if (typeof args.last === 'number') start = Math.max(start, end - args.last);
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: cursor(start + i) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length > 0 ? cursor(start) : null,
      endCursor: slice.length > 0 ? cursor(end - 1) : null,
    },
    ...extra,
  };
}
