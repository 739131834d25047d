// Project JSON: the row plus task counts per status, whether the repo path is
// (still) a git checkout, the state of a clone by URL, and what the viewer
// may do with it (their role; whether they may delete it or move its path).
import type { ProjectCloneDto, ProjectDto, ProjectRole, TaskCounts } from '@bottega/protocol';
import type { ProjectRow } from '../../db/schema';

export const emptyCounts = (): TaskCounts => ({ pending: 0, in_progress: 0, in_review: 0, completed: 0 });

export interface ProjectExtras {
  taskCounts: TaskCounts;
  isGitRepo: boolean;
  clone: ProjectCloneDto | null;
  role: ProjectRole | null;
  canManage: boolean;
}

export function presentProject(row: ProjectRow, extras: ProjectExtras): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    repoPath: row.repo_path,
    subprojectPath: row.subproject_path,
    ownerId: row.owner_id,
    cloneUrl: row.clone_url,
    clone: extras.clone,
    role: extras.role,
    canManage: extras.canManage,
    isGitRepo: extras.isGitRepo,
    taskCounts: extras.taskCounts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
