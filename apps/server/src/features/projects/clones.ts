// Projects cloned from a URL (decision 0008). The row is created at once in
// the `cloning` state, holding its folder `{first root}/{name}` through the
// unique repo_path; git clones in the background and reports progress, which
// is kept in memory (GET shows it) and broadcast as `project.clone` on the
// project's channel. A failed or stopped clone leaves nothing on disk: the
// folder is removed and the project stays, marked `failed` with the reason,
// until its owner retries or deletes it. A restart finds clones a dead
// server left `cloning` and fails them the same way.
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cloneFolderName, type ProjectCloneDto } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { isUniqueViolation } from '../../db/errors';
import type { ProjectRow } from '../../db/schema';
import { AppError } from '../../errors';
import { cloneRepository } from '../../forge/clone';
import type { ProjectClones } from '../../forge/clone-registry';
import { iso } from '../../time';
import { ifMissing } from '../../fs-errors';
import { cloneRoot, isStrictlyInside, realRoots } from './repo-roots';
import { inTransaction } from '../../db/transaction';

type CloneDeps = Pick<Deps, 'db' | 'bus' | 'now' | 'logger' | 'background' | 'config' | 'clones'>;

const exists = async (p: string) => (await lstat(p).catch(ifMissing(null))) !== null;

/** The clone state shown for a project row (with live progress while it runs). */
export function cloneState(clones: ProjectClones, row: ProjectRow): ProjectCloneDto | null {
  if (row.clone_status === null) return null;
  const p = row.clone_status === 'cloning' ? clones.progress(row.id) : null;
  return {
    status: row.clone_status,
    phase: p?.phase ?? null,
    percent: p?.percent ?? null,
    error: row.clone_status === 'failed' ? row.clone_error : null,
  };
}

/** A free folder for the clone: neither it nor its `-worktrees` sibling exists. */
async function freeFolder(root: string, url: string, attempt: number): Promise<string> {
  const base = cloneFolderName(url);
  for (let i = attempt; i < attempt + 100; i++) {
    const dir = join(root, i === 0 ? base : `${base}-${i + 1}`);
    if (!(await exists(dir)) && !(await exists(`${dir}-worktrees`))) return dir;
  }
  throw new AppError('CONFLICT', 'no free folder for this repository in the repository root; pick another name or remove old clones');
}

/** Creates the project (its creator as owner) in the `cloning` state and starts the clone. */
export async function createClonedProject(deps: CloneDeps, ownerId: number, body: { name: string; repoUrl: string }): Promise<ProjectRow> {
  const root = await cloneRoot(deps.config.repoRoots);
  const now = iso(deps.now());
  for (let attempt = 0; attempt < 5; attempt++) {
    const dir = await freeFolder(root, body.repoUrl, attempt);
    try {
      const project = await inTransaction(deps.db, async (trx) => {
        const row = await trx
          .insertInto('projects')
          .values({
            name: body.name,
            repo_path: dir,
            subproject_path: null,
            owner_id: ownerId,
            clone_url: body.repoUrl,
            clone_status: 'cloning',
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto('project_members').values({ project_id: row.id, user_id: ownerId, role: 'owner', created_at: now }).execute();
        return row;
      });
      startClone(deps, project);
      return project;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  throw new AppError('CONFLICT', 'could not reserve a folder for the clone; try again');
}

/** Starts a failed clone again, into the same folder. */
export async function retryClone(deps: CloneDeps, project: ProjectRow): Promise<ProjectRow> {
  if (project.clone_status !== 'failed' || !project.clone_url)
    throw new AppError(
      'CONFLICT',
      project.clone_status === 'cloning' ? 'the clone is still running' : 'this project is not a failed clone',
    );
  if (await exists(project.repo_path))
    throw new AppError('CONFLICT', 'the clone folder exists again on the server; delete the project and clone anew');
  const row = await deps.db
    .updateTable('projects')
    .set({ clone_status: 'cloning', clone_error: null, updated_at: iso(deps.now()) })
    .where('id', '=', project.id)
    .where('clone_status', '=', 'failed')
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('CONFLICT', 'the clone is already running again');
  startClone(deps, row);
  return row;
}

function publish(deps: Pick<Deps, 'bus'>, projectId: number, clone: ProjectCloneDto | null): void {
  deps.bus.publish({ type: 'project.clone', projectId, clone });
}

/** Runs the clone in the background; success clears the state, failure removes the folder and records why. */
function startClone(deps: CloneDeps, project: ProjectRow): void {
  const controller = deps.clones.begin(project.id);
  if (!controller) return;
  const url = project.clone_url ?? '';
  const dir = project.repo_path;
  publish(deps, project.id, { status: 'cloning', phase: null, percent: null, error: null });
  const work = (async () => {
    let failure: string | null = null;
    try {
      await cloneRepository(url, dir, deps.config.home, {
        signal: controller.signal,
        onProgress: (p) => {
          deps.clones.report(project.id, p);
          publish(deps, project.id, { status: 'cloning', phase: p.phase, percent: p.percent, error: null });
        },
      });
    } catch (err) {
      failure = controller.signal.aborted
        ? 'the clone was stopped (the server shut down or the project was deleted); retry to clone again'
        : err instanceof AppError
          ? err.message
          : `the clone failed: ${(err as Error).message}`;
    }
    if (failure !== null) await removeCloneFolder(deps, dir);
    const row = await deps.db
      .updateTable('projects')
      .set({ clone_status: failure === null ? null : 'failed', clone_error: failure, updated_at: iso(deps.now()) })
      .where('id', '=', project.id)
      .where('clone_status', '=', 'cloning')
      .returningAll()
      .executeTakeFirst();
    deps.clones.end(project.id);
    if (!row) return;
    if (failure === null) deps.logger.info({ projectId: project.id }, 'repository cloned');
    else deps.logger.warn({ projectId: project.id, reason: failure }, 'repository clone failed');
    publish(deps, project.id, failure === null ? null : { status: 'failed', phase: null, percent: null, error: failure });
  })();
  deps.background.track(`clone project ${project.id}`, work);
}

/** Removes a clone's folder, only ever inside a repository root. */
async function removeCloneFolder(deps: Pick<Deps, 'config' | 'logger'>, dir: string): Promise<void> {
  const roots = await realRoots(deps.config.repoRoots);
  if (!roots.some((root) => isStrictlyInside(root, dir))) {
    deps.logger.error({ dir }, 'refusing to remove a clone folder outside the repository roots');
    return;
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}

/** Boot: clones a dead server left `cloning` are failed and their folders removed. */
export async function recoverInterruptedClones(deps: Pick<Deps, 'db' | 'now' | 'logger' | 'config'>): Promise<number> {
  const rows = await deps.db.selectFrom('projects').selectAll().where('clone_status', '=', 'cloning').execute();
  for (const row of rows) {
    await removeCloneFolder(deps, row.repo_path);
    await deps.db
      .updateTable('projects')
      .set({
        clone_status: 'failed',
        clone_error: 'the server stopped during the clone; retry to clone again',
        updated_at: iso(deps.now()),
      })
      .where('id', '=', row.id)
      .execute();
  }
  if (rows.length > 0) deps.logger.warn({ projects: rows.map((r) => r.id) }, 'interrupted clones marked failed');
  return rows.length;
}
