// Project commands: create (validated git checkout, creator becomes a member
// in the same transaction), update, delete with every task's workspace torn
// down, and membership-filtered listing with task counts.
import { stat, realpath, rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { CreateProjectBody, ProjectDto, TaskCounts, UpdateProjectBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { Db } from '../../db/open';
import { isUniqueViolation } from '../../db/errors';
import type { ProjectRow } from '../../db/schema';
import { AppError } from '../../errors';
import { hasGitDir, isGitCheckoutRoot } from '../../forge/git';
import type { Viewer } from '../../http/access';
import { iso } from '../../time';
import { projectArchiveDir, resolveInside } from '../../workspace/paths';
import { deleteTask } from '../tasks/commands';
import { emptyCounts, presentProject } from './presenters';

type ProjectDeps = Pick<Deps, 'db' | 'now' | 'config' | 'bus' | 'logger' | 'background'>;

/** Resolves and checks a user-typed repository path: absolute, existing, a checkout root. */
export async function validateRepoPath(input: string): Promise<string> {
  if (!isAbsolute(input)) throw new AppError('VALIDATION_FAILED', 'repoPath must be an absolute path on the server');
  let real: string;
  try {
    real = await realpath(input);
  } catch {
    throw new AppError('VALIDATION_FAILED', `repoPath ${input} does not exist on the server`);
  }
  if (!(await isGitCheckoutRoot(real))) {
    throw new AppError('VALIDATION_FAILED', `repoPath ${input} is not the root of a git checkout`);
  }
  return real;
}

async function validateSubproject(repoPath: string, sub: string | null | undefined): Promise<string | null> {
  if (sub === null || sub === undefined || sub.trim() === '' || sub.trim() === '.') return null;
  const abs = resolveInside(repoPath, sub);
  const s = await stat(abs).catch(() => null);
  if (!s?.isDirectory()) throw new AppError('VALIDATION_FAILED', `subprojectPath ${sub} is not a directory inside the repository`);
  return sub.replace(/^\.\/+/, '').replace(/\/+$/, '');
}

async function assertRepoPathFree(db: Db, repoPath: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('projects').select('id').where('repo_path', '=', repoPath);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('CONFLICT', `another project already uses ${repoPath}`);
}

async function countsFor(db: Db, projectIds: number[]): Promise<Map<number, TaskCounts>> {
  const map = new Map<number, TaskCounts>();
  if (projectIds.length === 0) return map;
  const rows = await db
    .selectFrom('tasks')
    .select(['project_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', 'in', projectIds)
    .groupBy(['project_id', 'status'])
    .execute();
  for (const r of rows) {
    const counts = map.get(r.project_id) ?? emptyCounts();
    counts[r.status] = Number(r.n);
    map.set(r.project_id, counts);
  }
  return map;
}

export async function presentProjects(db: Db, rows: ProjectRow[]): Promise<ProjectDto[]> {
  const counts = await countsFor(db, rows.map((r) => r.id));
  const git = await Promise.all(rows.map((r) => hasGitDir(r.repo_path)));
  return rows.map((r, i) => presentProject(r, counts.get(r.id) ?? emptyCounts(), git[i] ?? false));
}

/** Projects the viewer may see (all of them for admins), by name. */
export async function listVisibleProjects(db: Db, viewer: Viewer): Promise<ProjectRow[]> {
  let q = db.selectFrom('projects').selectAll('projects').orderBy('projects.name').orderBy('projects.id');
  if (!viewer.isAdmin) {
    q = q.innerJoin('project_members', 'project_members.project_id', 'projects.id').where('project_members.user_id', '=', viewer.id);
  }
  return q.execute();
}

export async function createProject(deps: ProjectDeps, ownerId: number, body: CreateProjectBody): Promise<ProjectRow> {
  const repoPath = await validateRepoPath(body.repoPath);
  const subprojectPath = await validateSubproject(repoPath, body.subprojectPath);
  await assertRepoPathFree(deps.db, repoPath);
  const now = iso(deps.now());
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const project = await trx
        .insertInto('projects')
        .values({ name: body.name, repo_path: repoPath, subproject_path: subprojectPath, owner_id: ownerId, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.insertInto('project_members').values({ project_id: project.id, user_id: ownerId, created_at: now }).execute();
      return project;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', `another project already uses ${repoPath}`);
    throw err;
  }
}

export async function updateProject(deps: ProjectDeps, project: ProjectRow, body: UpdateProjectBody): Promise<ProjectRow> {
  let repoPath = project.repo_path;
  if (body.repoPath !== undefined) {
    repoPath = await validateRepoPath(body.repoPath);
    if (repoPath !== project.repo_path) {
      await assertRepoPathFree(deps.db, repoPath, project.id);
      const withWorktree = await deps.db
        .selectFrom('tasks')
        .select('id')
        .where('project_id', '=', project.id)
        .where('worktree_path', 'is not', null)
        .executeTakeFirst();
      if (withWorktree) throw new AppError('CONFLICT', 'cannot move a project whose tasks have worktrees; delete or finish them first');
    }
  }
  const subprojectPath =
    body.subprojectPath === undefined ? project.subproject_path : await validateSubproject(repoPath, body.subprojectPath);
  return deps.db
    .updateTable('projects')
    .set({
      ...(body.name === undefined ? {} : { name: body.name }),
      repo_path: repoPath,
      subproject_path: subprojectPath,
      updated_at: iso(deps.now()),
    })
    .where('id', '=', project.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a project: every task is torn down (worktree, branch, archive), then the rows. */
export async function deleteProject(deps: ProjectDeps, project: ProjectRow): Promise<void> {
  const live = await deps.db
    .selectFrom('agent_runs')
    .innerJoin('tasks', 'tasks.id', 'agent_runs.task_id')
    .select('agent_runs.id')
    .where('tasks.project_id', '=', project.id)
    .where('agent_runs.status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  if (live) throw new AppError('RUN_IN_PROGRESS', 'an agent is running in this project; stop it first');
  const tasks = await deps.db.selectFrom('tasks').selectAll().where('project_id', '=', project.id).execute();
  for (const task of tasks) await deleteTask(deps, project, task);
  await deps.db.deleteFrom('projects').where('id', '=', project.id).execute();
  await rm(projectArchiveDir(deps.config.home, project.id), { recursive: true, force: true });
}
