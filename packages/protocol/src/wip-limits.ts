// Work-in-progress limits per board column (docs/behaviour/tasks.md#column-limits): a project's
// owners and administrators may cap how many tasks the Pending, In Progress and In Review columns
// hold. A person moving a task into a full column — or creating one into a full Pending column — is
// refused; the moves the engine makes itself never are.
import { z } from 'zod';
import type { TaskStatus } from './domain';

/** What each board column is called, by the status it holds. */
export const taskColumnLabels: Record<TaskStatus, string> = {
  pending: 'Pending',
  in_progress: 'In Progress',
  in_review: 'In Review',
  completed: 'Completed',
};

/** The columns a limit may be set on (Completed has none). */
export const limitedColumns = ['pending', 'in_progress', 'in_review'] as const;
export type LimitedColumn = (typeof limitedColumns)[number];

/** The largest limit a column takes. */
export const WIP_LIMIT_MAX = 999;

const limit = z.number().int().min(1).max(WIP_LIMIT_MAX).nullable();

/** PUT /api/projects/:projectId/wip-limits: each limited column's cap, null for none. */
export const PutWipLimitsBody = z.object({ pending: limit, in_progress: limit, in_review: limit }).strict();
export type PutWipLimitsBody = z.infer<typeof PutWipLimitsBody>;

/** A project's column limits; null where a column has none. */
export type WipLimitsDto = Record<LimitedColumn, number | null>;

/** The limit on the column holding `status`, or null when it has none (Completed never has one). */
export function wipLimitOf(limits: WipLimitsDto | undefined, status: TaskStatus): number | null {
  if (!limits || status === 'completed') return null;
  return limits[status];
}

/** Why a column with `count` tasks and this limit takes no more, or null while it has room. */
export function columnFullReason(status: TaskStatus, count: number, limit: number | null): string | null {
  if (limit === null || count < limit) return null;
  return `the ${taskColumnLabels[status]} column is full (${count} of ${limit} ${limit === 1 ? 'task' : 'tasks'}); finish or move one first`;
}
