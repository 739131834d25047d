// Where a task's things live on disk (docs/behaviour/tasks.md#archive): the archive under BOTTEGA_HOME,
// the worktree beside the repository, the dev-server port, and path confinement.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../errors';

export interface TaskArchive {
  /** `{home}/projects/{p}/tasks` */
  tasksDir: string;
  /** `…/tasks/task-{t}/task-{t}.md`, the task document. */
  documentPath: string;
  /** `…/tasks/task-{t}`: everything of the task, the one archive folder its agents see. */
  taskDir: string;
  /** `…/tasks/task-{t}/input_files`, the task's attachments. */
  inputFilesDir: string;
  /** `{home}/projects/{p}/recordings/task-{t}.webm` */
  recordingPath: string;
  /** `{home}/projects/{p}/chat-images/task-{t}`: images sent in the task's chats (outside what its agents see). */
  chatImagesDir: string;
}

/** `{home}/projects/{projectId}`: everything a project keeps in the archive. */
export function projectArchiveDir(home: string, projectId: number): string {
  return join(home, 'projects', String(projectId));
}

export function taskArchive(home: string, projectId: number, taskId: number): TaskArchive {
  const projectDir = projectArchiveDir(home, projectId);
  const tasksDir = join(projectDir, 'tasks');
  const taskDir = join(tasksDir, `task-${taskId}`);
  return {
    tasksDir,
    documentPath: join(taskDir, `task-${taskId}.md`),
    taskDir,
    inputFilesDir: join(taskDir, 'input_files'),
    recordingPath: join(projectDir, 'recordings', `task-${taskId}.webm`),
    chatImagesDir: join(projectDir, 'chat-images', `task-${taskId}`),
  };
}

/** `{repoPath}-worktrees/task-{taskId}`: outside the repository, beside it. */
export function worktreePathFor(repoPath: string, taskId: number): string {
  return join(`${resolve(repoPath).replace(/[\\/]+$/, '')}-worktrees`, `task-${taskId}`);
}

/** The port a task's agents use for dev/test servers, so parallel tasks do not collide. */
export function devServerPort(taskId: number): number {
  return 3100 + (taskId % 900);
}

/**
 * Resolves `input` against `root` and returns the absolute result, or throws
 * VALIDATION_FAILED if it would land outside `root` (`..`, absolute paths
 * elsewhere, NUL bytes). Lexical only: callers that care about symlinks check them.
 */
export function resolveInside(root: string, input: string): string {
  if (input.includes('\0') || root.includes('\0')) {
    throw new AppError('VALIDATION_FAILED', 'path must not contain NUL bytes');
  }
  const base = resolve(root);
  const target = resolve(base, input);
  const rel = relative(base, target);
  if (rel === '') return target;
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
    throw new AppError('VALIDATION_FAILED', `path ${JSON.stringify(input.slice(0, 200))} escapes its root directory`);
  }
  return target;
}
