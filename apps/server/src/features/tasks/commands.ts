// Task commands (docs/behaviour/tasks.md#creating-a-task). Create: insert the row → worktree → seed the
// document, undoing every step if a later one fails; the worktree's files are
// then checked out in the background (workspace_status preparing → ready). Delete: worktree and
// branch, archive, then the row (conversations and transcripts cascade).
import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import type { TaskDto, TaskListQuery, TaskStatus } from '@bottega/protocol';
import type { Deps } from '../../deps';
import type { ProjectRow, TaskRow } from '../../db/schema';
import { AppError } from '../../errors';
import { hasGitDir } from '../../forge/git';
import { iso } from '../../time';
import { seedDocumentContent, writeTaskDocument } from '../../workspace/document';
import { taskArchive } from '../../workspace/paths';
import { createTaskWorktree, removeTaskWorktree } from '../../workspace/worktree';
import { presentTask } from '../../engine/presenters';
import { totalsOf, usageByTask, ZERO_USAGE } from '../../engine/usage-totals';
import { columnFull, columnLoad } from '../../engine/column-limits';
import { assertNoLiveRun } from '../../engine/transitions/runs';
import { moveTaskTransition } from '../../engine/transitions/task-moves';
import { newTaskRow } from '../../engine/transitions/tasks';
import { watchWorkspace } from './workspace';
import { inTransaction } from '../../db/transaction';

type TaskDeps = Pick<Deps, 'db' | 'now' | 'config' | 'bus' | 'logger' | 'background'>;

export interface NewTaskInput {
  title: string;
  description?: string | undefined;
  yoloMode?: boolean | undefined;
}

interface Cursor {
  u: string;
  i: number;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.u === 'string' && Number.isSafeInteger(c.i)) return { u: c.u, i: c.i as number };
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 'cursor is not one this server returned');
}

export interface TaskListRow extends TaskRow {
  creator_name: string | null;
  question_waiting: number;
  work_started: number;
  input: number | string | null;
  output: number | string | null;
  cache_read: number | string | null;
  cache_write: number | string | null;
  cost: number | string | null;
  turns: number | string | null;
  priced: number | string | null;
}

/**
 * What a board card shows beyond the task's columns, selected beside a task
 * `t` joined to its creator `o` and its usage sums `us` (`usageByTask`): the
 * board's pages and task search read the same facts.
 */
export const CARD_FACT_COLUMNS = [
  'o.username as creator_name',
  'us.input',
  'us.output',
  'us.cache_read',
  'us.cache_write',
  'us.cost',
  'us.turns',
  'us.priced',
  sql<number>`exists (select 1 from conversations q where q.task_id = t.id and q.pending_question is not null)`.as('question_waiting'),
  sql<number>`exists (select 1 from agent_runs w where w.task_id = t.id and w.agent_type <> 'planification')`.as('work_started'),
] as const;

/**
 * One page of a project's tasks, most recently updated first, with what a
 * board card shows beyond the task's columns (creator, usage so far, a
 * question waiting) — all in one SQL statement, whatever the page size: the
 * page is selected first (a CTE), then joined to its creators and to the
 * usage sums of just those tasks.
 */
export async function listTasks(
  deps: Pick<Deps, 'db'>,
  projectId: number,
  query: TaskListQuery,
): Promise<{ rows: TaskListRow[]; nextCursor: string | null }> {
  const db = deps.db;
  const rows = await db
    .with('page', (qc) => {
      let q = qc.selectFrom('tasks').selectAll().where('project_id', '=', projectId);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        q = q.where((eb) => eb.or([eb('updated_at', '<', c.u), eb.and([eb('updated_at', '=', c.u), eb('id', '<', c.i)])]));
      }
      return q
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit + 1);
    })
    .selectFrom('page as t')
    .leftJoin('users as o', 'o.id', 't.owner_id')
    .leftJoin(usageByTask(db, sql`select id from page`).as('us'), 'us.task_id', 't.id')
    .selectAll('t')
    .select(CARD_FACT_COLUMNS)
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  const more = rows.length > query.limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return { rows, nextCursor: more && last ? encodeCursor({ u: last.updated_at, i: last.id }) : null };
}

/** A listed task as the board shows it: the task and its card's facts. */
export function presentListedTask(row: TaskListRow): TaskDto {
  const usage =
    row.turns === null
      ? { ...ZERO_USAGE }
      : totalsOf({
          input: row.input ?? 0,
          output: row.output ?? 0,
          cache_read: row.cache_read ?? 0,
          cache_write: row.cache_write ?? 0,
          cost: row.cost,
          turns: row.turns,
          priced: row.priced ?? 0,
        });
  return {
    ...presentTask(row),
    board: {
      creatorName: row.creator_name,
      usage,
      questionWaiting: Number(row.question_waiting) === 1,
      workStarted: Number(row.work_started) === 1,
    },
  };
}

async function removeArchive(home: string, projectId: number, taskId: number): Promise<void> {
  const a = taskArchive(home, projectId, taskId);
  await Promise.all([a.documentPath, a.taskDir, a.recordingPath, a.chatImagesDir].map((p) => rm(p, { recursive: true, force: true })));
}

export async function createTask(deps: TaskDeps, project: ProjectRow, ownerId: number, input: NewTaskInput): Promise<TaskRow> {
  // A project cloned by URL takes tasks once its repository is there.
  if (project.clone_status === 'cloning')
    throw new AppError('CONFLICT', 'the repository is still being cloned; add tasks once it has finished');
  if (project.clone_status === 'failed')
    throw new AppError('CONFLICT', 'the repository could not be cloned; retry the clone or delete the project');
  const now = iso(deps.now());
  // A full Pending column takes no new task (docs/behaviour/tasks.md#column-limits); checked and
  // inserted in one transaction so two creations cannot both take its last place.
  let task = await inTransaction(deps.db, async (trx) => {
    const full = columnFull('pending', await columnLoad(trx, project.id, 'pending'));
    if (full) throw new AppError('CONFLICT', `cannot create the task: ${full}`);
    return trx
      .insertInto('tasks')
      .values(
        newTaskRow({
          project_id: project.id,
          owner_id: ownerId,
          title: input.title,
          yolo_mode: input.yoloMode ? 1 : 0,
          created_at: now,
          updated_at: now,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  let workspace: Awaited<ReturnType<typeof createTaskWorktree>> | null = null;
  try {
    if (await hasGitDir(project.repo_path)) {
      workspace = await createTaskWorktree({
        repoPath: project.repo_path,
        taskId: task.id,
        title: input.title,
        depsCopy: deps.config.depsCopy,
        logger: deps.logger,
      });
      task = await deps.db
        .updateTable('tasks')
        .set({ branch_name: workspace.branchName, worktree_path: workspace.worktreePath, workspace_status: 'preparing' })
        .where('id', '=', task.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await writeTaskDocument(
      taskArchive(deps.config.home, project.id, task.id).documentPath,
      seedDocumentContent(input.title, input.description),
    );
  } catch (err) {
    deps.logger.warn({ err, taskId: task.id }, 'task creation failed; rolling back');
    if (workspace) {
      await removeTaskWorktree({
        repoPath: project.repo_path,
        worktreePath: workspace.worktreePath,
        branchName: workspace.branchName,
      }).catch((e: unknown) => deps.logger.error({ err: e }, 'rollback: worktree removal failed'));
    }
    await removeArchive(deps.config.home, project.id, task.id);
    await deps.db.deleteFrom('tasks').where('id', '=', task.id).execute();
    if (err instanceof AppError) throw err;
    throw new AppError('WORKSPACE_FAILED', `could not prepare the task's workspace: ${(err as Error).message}`);
  }
  if (workspace) watchWorkspace(deps, task.id, workspace);
  deps.bus.publish({ type: 'task.created', projectId: project.id, taskId: task.id, task: presentTask(task) });
  return task;
}

/**
 * A human's edit: a new title, and a status move checked against the allowed
 * moves (a refused move is a 409 and writes nothing, the title included).
 */
export async function updateTask(
  deps: TaskDeps,
  task: TaskRow,
  patch: { title?: string | undefined; status?: TaskStatus | undefined },
): Promise<TaskRow> {
  if (patch.status !== undefined) return moveTaskTransition(deps, task.id, patch.status, patch.title);
  const row = await deps.db
    .updateTable('tasks')
    .set({ ...(patch.title === undefined ? {} : { title: patch.title }), updated_at: iso(deps.now()) })
    .where('id', '=', task.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  deps.bus.publish({ type: 'task.updated', projectId: row.project_id, taskId: row.id, task: presentTask(row) });
  return row;
}

/** Full teardown: worktree (forced) and branch, archive, then the rows. */
export async function deleteTask(deps: TaskDeps, project: ProjectRow, task: TaskRow): Promise<void> {
  await assertNoLiveRun(deps, task.id);
  if (task.worktree_path && task.branch_name) {
    await removeTaskWorktree({ repoPath: project.repo_path, worktreePath: task.worktree_path, branchName: task.branch_name }).catch(
      async (err: unknown) => {
        // The repository itself may be gone; still remove what we created.
        deps.logger.warn({ err, taskId: task.id }, 'worktree removal failed; removing the directory');
        await rm(task.worktree_path ?? '', { recursive: true, force: true });
      },
    );
  }
  await removeArchive(deps.config.home, project.id, task.id);
  await deps.db.deleteFrom('tasks').where('id', '=', task.id).execute();
  deps.bus.publish({ type: 'task.deleted', projectId: project.id, taskId: task.id });
}

/** Marks the task as changed (document edits) and tells subscribers. */
export async function touchTask(deps: TaskDeps, task: TaskRow): Promise<TaskRow> {
  return updateTask(deps, task, {});
}
