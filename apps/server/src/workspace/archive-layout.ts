// The archive keeps everything of a task in one folder (the one folder its
// sandboxed agents see): `tasks/task-{t}/task-{t}.md` beside `input_files/`.
// Archives written before that kept the document beside the folder
// (`tasks/task-{t}.md`); they are moved into place once, at start.
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { missingOr } from '../fs-errors';
import type { Logger } from '../logger';

const LEGACY_DOCUMENT = /^task-(\d+)\.md$/;

/** Moves every document of the old layout into its task folder; returns how many moved. */
export async function moveLegacyDocuments(home: string, logger: Logger): Promise<number> {
  const projectsDir = join(home, 'projects');
  let moved = 0;
  for (const project of await readdir(projectsDir).catch(
    missingOr([] as string[], logger, { dir: projectsDir }, 'listing the archive for old-layout documents'),
  )) {
    const tasksDir = join(projectsDir, project, 'tasks');
    for (const name of await readdir(tasksDir).catch(
      missingOr([] as string[], logger, { dir: tasksDir }, 'listing the archive for old-layout documents'),
    )) {
      const m = LEGACY_DOCUMENT.exec(name);
      if (!m) continue;
      const taskDir = join(tasksDir, `task-${m[1]}`);
      const target = join(taskDir, name);
      if (await stat(target).catch(missingOr(null, logger, { target }, 'checking a task folder for its document'))) {
        logger.warn({ document: join(tasksDir, name) }, 'an old-layout task document was left in place: the task folder already has one');
        continue;
      }
      await mkdir(taskDir, { recursive: true, mode: 0o700 });
      await rename(join(tasksDir, name), target);
      moved += 1;
    }
  }
  if (moved > 0) logger.info({ moved }, 'task documents moved into their task folders');
  return moved;
}
