// Task search across projects (GET /api/search/tasks): the command palette's
// query and what each hit carries — the task with its board card's facts, the
// project it lives in, and whether an agent is working on it right now.
import { z } from 'zod';
import { singleLine } from './text';
import type { TaskDto } from './presenters';

export const TaskSearchQuery = z
  .object({
    /** Matched case-insensitively inside titles, literally (`%` and `_` are plain characters); `12` or `#12` also finds task 12. Empty: the most recent tasks. */
    q: singleLine(z.string().trim().max(200)).default(''),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export type TaskSearchQuery = z.infer<typeof TaskSearchQuery>;

export interface TaskSearchHitDto {
  /** The task, with `board` (creator, usage, question waiting, work started) as its card shows it. */
  task: TaskDto;
  projectName: string;
  /** An agent run of the task is live (starting, running or awaiting input). */
  liveRun: boolean;
}

export interface TaskSearchResponse {
  /** An exact task id match first, then the most recently active. */
  tasks: TaskSearchHitDto[];
}
