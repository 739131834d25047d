// Project commands: create (a checkout inside the repository roots, or a
// clone by URL; the creator becomes its owner in the same transaction),
// update, delete with every task's workspace torn down, who may manage a
// project, and membership-filtered listing with task counts.
import { stat, rm } from 'node:fs/promises';
import type { CreateProjectBody, ProjectDto, ProjectRole, TaskCounts, UpdateProjectBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { Db } from '../../db/open';
import { isUniqueViolation } from '../../db/errors';
import type { ProjectRow } from '../../db/schema';
import { AppError } from '../../errors';
import { hasGitDir } from '../../forge/git';
import type { Viewer } from '../../http/access';
import { iso } from '../../time';
import { projectArchiveDir, resolveInside } from '../../workspace/paths';
import { deleteTask } from '../tasks/commands';
import type { ProjectClones } from '../../forge/clone-registry';
import { cloneState, createClonedProject } from './clones';
import { emptyCounts, presentProject } from './presenters';
import { validateRepoPath } from './repo-roots';
import { inTransaction } from '../../db/transaction';

type ProjectDeps = Pick<Deps, 'db' | 'now' | 'config' | 'bus' | 'logger' | 'background' | 'clones'>;

/** The same answer whoever holds the path: which project (or path) it is never says. */
const PATH_TAKEN = 'another project already uses this repository';

/** The viewer's role in the project, or null when they are not a member. */
export async function roleIn(db: Db, viewerId: number, projectId: number): Promise<ProjectRole | null> {
  const row = await db
    .selectFrom('project_members')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', viewerId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** Deleting a project, changing its path and retrying its clone: its owners and administrators only. */
export async function assertCanManage(db: Db, viewer: Viewer, project: ProjectRow, action: string): Promise<void> {
  if (viewer.isAdmin) return;
  if ((await roleIn(db, viewer.id, project.id)) === 'owner') return;
  throw new AppError('FORBIDDEN', `only the project's owners and administrators may ${action}`);
}

async function validateSubproject(repoPath: string, sub: string | null | undefined): Promise<string | null> {
  if (sub === null || sub === undefined || sub.trim() === '' || sub.trim() === '.') return null;
  const abs = resolveInside(repoPath, sub);
  // Not there, or not reachable: not a directory the project can use (answered below).
  const s = await stat(abs).catch(() => null);
  if (!s?.isDirectory()) throw new AppError('VALIDATION_FAILED', `subprojectPath ${sub} is not a directory inside the repository`);
  return sub.replace(/^\.\/+/, '').replace(/\/+$/, '');
}

async function assertRepoPathFree(db: Db, repoPath: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('projects').select('id').where('repo_path', '=', repoPath);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('CONFLICT', PATH_TAKEN);
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

export async function presentProjects(deps: { db: Db; clones: ProjectClones }, viewer: Viewer, rows: ProjectRow[]): Promise<ProjectDto[]> {
  const { db } = deps;
  const counts = await countsFor(
    db,
    rows.map((r) => r.id),
  );
  const git = await Promise.all(rows.map((r) => hasGitDir(r.repo_path)));
  const roles = new Map<number, ProjectRole>();
  if (rows.length > 0) {
    const mine = await db
      .selectFrom('project_members')
      .select(['project_id', 'role'])
      .where('user_id', '=', viewer.id)
      .where(
        'project_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    for (const m of mine) roles.set(m.project_id, m.role);
  }
  return rows.map((r, i) => {
    const role = roles.get(r.id) ?? null;
    return presentProject(r, {
      taskCounts: counts.get(r.id) ?? emptyCounts(),
      isGitRepo: git[i] ?? false,
      clone: cloneState(deps.clones, r),
      role,
      canManage: viewer.isAdmin || role === 'owner',
    });
  });
}

/** Projects the viewer may see (all of them for admins), by name. */
export async function listVisibleProjects(db: Db, viewer: Viewer): Promise<ProjectRow[]> {
  let q = db.selectFrom('projects').selectAll('projects').orderBy('projects.name').orderBy('projects.id');
  if (!viewer.isAdmin) {
    q = q.innerJoin('project_members', 'project_members.project_id', 'projects.id').where('project_members.user_id', '=', viewer.id);
  }
  return q.execute();
}

/**
 * Creates a project for `creator`, who becomes its owner: from an existing
 * checkout (administrators only, inside the repository roots) or by cloning a
 * URL into the first root (anyone).
 */
export async function createProject(deps: ProjectDeps, creator: Viewer, body: CreateProjectBody): Promise<ProjectRow> {
  if (body.repoUrl !== undefined) {
    if (body.subprojectPath) throw new AppError('VALIDATION_FAILED', 'set the subproject path once the clone has finished (Edit project)');
    return createClonedProject(deps, creator.id, { name: body.name, repoUrl: body.repoUrl });
  }
  if (body.repoPath === undefined) throw new AppError('VALIDATION_FAILED', 'give repoPath or repoUrl');
  if (!creator.isAdmin)
    throw new AppError('FORBIDDEN', 'only administrators register an existing checkout on the server; clone a repository by URL instead');
  const ownerId = creator.id;
  const repoPath = await validateRepoPath(body.repoPath, deps.config.repoRoots);
  const subprojectPath = await validateSubproject(repoPath, body.subprojectPath);
  await assertRepoPathFree(deps.db, repoPath);
  const now = iso(deps.now());
  try {
    return await inTransaction(deps.db, async (trx) => {
      const project = await trx
        .insertInto('projects')
        .values({
          name: body.name,
          repo_path: repoPath,
          subproject_path: subprojectPath,
          owner_id: ownerId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('project_members')
        .values({ project_id: project.id, user_id: ownerId, role: 'owner', created_at: now })
        .execute();
      return project;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', PATH_TAKEN);
    throw err;
  }
}

/** Renames (any member), changes the subproject, or moves the project to another checkout (owners and administrators). */
export async function updateProject(deps: ProjectDeps, viewer: Viewer, project: ProjectRow, body: UpdateProjectBody): Promise<ProjectRow> {
  let repoPath = project.repo_path;
  if (project.clone_status !== null && (body.repoPath !== undefined || body.subprojectPath !== undefined)) {
    throw new AppError(
      'CONFLICT',
      project.clone_status === 'cloning' ? 'the repository is still being cloned' : 'the clone failed; retry it or delete the project',
    );
  }
  if (body.repoPath !== undefined && body.repoPath !== project.repo_path) {
    await assertCanManage(deps.db, viewer, project, "change the project's repository path");
    if (!viewer.isAdmin) throw new AppError('FORBIDDEN', 'only administrators point a project at a checkout on the server');
  }
  if (body.repoPath !== undefined) {
    repoPath = body.repoPath === project.repo_path ? project.repo_path : await validateRepoPath(body.repoPath, deps.config.repoRoots);
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
  try {
    return await deps.db
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
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', PATH_TAKEN);
    throw err;
  }
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
  // A clone still running is stopped; it removes its own half-written folder.
  deps.clones.stop(project.id);
  await deps.db.deleteFrom('projects').where('id', '=', project.id).execute();
  await rm(projectArchiveDir(deps.config.home, project.id), { recursive: true, force: true });
}
