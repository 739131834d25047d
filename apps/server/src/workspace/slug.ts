// Branch names for task worktrees. Titles are untrusted input, so the slug keeps
// only [a-z0-9-]; the branch is always `task/{taskId}-{slug}` (docs/behaviour/tasks.md#worktree).
import { AppError } from '../errors';

const FALLBACK = 'task';

/** Lower-cased ASCII slug of `title`: [a-z0-9] runs joined by single dashes, at most `maxLen` long. */
export function slugify(title: string, maxLen = 40): string {
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError('slugify: maxLen must be a positive integer');
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLen)
    .replace(/-+$/, '');
  return slug === '' ? FALLBACK : slug;
}

/** The branch a task's worktree lives on: `task/{taskId}-{slug}`. */
export function branchNameFor(taskId: number, title: string): string {
  if (!Number.isSafeInteger(taskId) || taskId < 1) {
    throw new AppError('VALIDATION_FAILED', `invalid task id ${String(taskId)}`);
  }
  return `task/${taskId}-${slugify(title)}`;
}

/** The task id encoded in a branch name made by branchNameFor (or `refs/heads/…` of one), else null. */
export function taskIdFromBranch(branch: string): number | null {
  const m = /^(?:refs\/heads\/)?task\/([1-9][0-9]{0,15})(?:-[a-z0-9-]*)?$/.exec(branch);
  if (!m?.[1]) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) ? id : null;
}
