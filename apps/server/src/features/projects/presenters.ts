// Project JSON: the row plus task counts per status and whether the repo
// path is (still) a git checkout.
import type { ProjectDto, TaskCounts } from '@bottega/protocol';
import type { ProjectRow } from '../../db/schema';

export const emptyCounts = (): TaskCounts => ({ pending: 0, in_progress: 0, in_review: 0, completed: 0 });

export function presentProject(row: ProjectRow, taskCounts: TaskCounts, isGitRepo: boolean): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    repoPath: row.repo_path,
    subprojectPath: row.subproject_path,
    ownerId: row.owner_id,
    isGitRepo,
    taskCounts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
