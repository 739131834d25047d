// Follows a task's worktree preparation in the background and records its
// outcome on the task (ready / failed with the reason), telling subscribers.
// At boot, preparations cut short by a restart are started again.
import type { Deps } from '../../deps';
import type { ProjectRow, TaskRow } from '../../db/schema';
import type { TaskWorktree } from '../../workspace/worktree';
import { resumeWorktreePreparation } from '../../workspace/worktree';
import { excludeTmpFromGit } from '../../workspace/tmp-files';
import { iso } from '../../time';
import { presentTask } from './presenters';

type WorkspaceDeps = Pick<Deps, 'db' | 'now' | 'bus' | 'logger' | 'background' | 'config'>;

async function record(deps: WorkspaceDeps, taskId: number, status: 'ready' | 'failed', error: string | null): Promise<void> {
  const row = await deps.db
    .updateTable('tasks')
    .set({ workspace_status: status, workspace_error: error, updated_at: iso(deps.now()) })
    .where('id', '=', taskId)
    .where('workspace_status', '=', 'preparing')
    .returningAll()
    .executeTakeFirst();
  // No row: the task was deleted (or its state changed) meanwhile.
  if (row) deps.bus.publish({ type: 'task.updated', projectId: row.project_id, taskId: row.id, task: presentTask(row) });
}

/** Tracks `ready` and `dependencies` as background work and records the outcome. */
export function watchWorkspace(deps: WorkspaceDeps, taskId: number, work: Pick<TaskWorktree, 'ready' | 'dependencies'>): void {
  const outcome = work.ready.then(
    () => record(deps, taskId, 'ready', null),
    async (err: unknown) => {
      const deleted = !(await deps.db.selectFrom('tasks').select('id').where('id', '=', taskId).executeTakeFirst());
      if (deleted) return;
      deps.logger.error({ err, taskId }, 'worktree preparation failed');
      await record(deps, taskId, 'failed', (err as Error).message);
    },
  );
  deps.background.track(`worktree task ${taskId}`, outcome);
  deps.background.track(
    `deps-copy task ${taskId}`,
    work.dependencies.then((reports) => {
      if (reports.length > 0) deps.logger.info({ taskId, reports }, 'dependency copy finished');
    }),
  );
}

/** Restarts every preparation left unfinished by a previous process. */
export async function resumeWorkspaces(deps: WorkspaceDeps): Promise<number> {
  const rows = await deps.db
    .selectFrom('tasks')
    .innerJoin('projects', 'projects.id', 'tasks.project_id')
    .selectAll('tasks')
    .select('projects.repo_path')
    .where('tasks.workspace_status', '=', 'preparing')
    .execute();
  for (const row of rows) resumeOne(deps, row, row.repo_path);
  return rows.length;
}

function resumeOne(deps: WorkspaceDeps, task: TaskRow, repoPath: ProjectRow['repo_path']): void {
  if (!task.worktree_path || !task.branch_name) return;
  const work = resumeWorktreePreparation({
    repoPath,
    worktreePath: task.worktree_path,
    branchName: task.branch_name,
    depsCopy: deps.config.depsCopy,
    logger: deps.logger.child({ taskId: task.id }),
  });
  watchWorkspace(deps, task.id, work);
}

/**
 * At start: keeps `tmp/` out of git in every repository that has task worktrees
 * (worktrees made before the rule existed). Returns how many repositories were
 * checked; one that cannot be is logged and skipped.
 */
export async function excludeTmpInExistingWorktrees(deps: Pick<Deps, 'db' | 'logger'>): Promise<number> {
  const rows = await deps.db
    .selectFrom('projects')
    .select('projects.repo_path')
    .distinct()
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .whereRef('tasks.project_id', '=', 'projects.id')
          .where('tasks.worktree_path', 'is not', null),
      ),
    )
    .execute();
  for (const { repo_path } of rows) {
    await excludeTmpFromGit(repo_path).catch((err: unknown) =>
      deps.logger.warn({ err, repoPath: repo_path }, 'could not add tmp/ to the repository’s info/exclude'),
    );
  }
  return rows.length;
}
