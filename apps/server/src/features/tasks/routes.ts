// Task routes: board list and create under a project; read/update/delete,
// the task document and the input files under /api/tasks/:taskId.
import {
  CreateTaskBody,
  TaskDocumentBody,
  TaskListQuery,
  UpdateTaskBody,
  type TaskDetailResponse,
  type TaskDiffDto,
  type TaskPageDto,
} from '@bottega/protocol';
import type { Context } from 'hono';
import type { Deps } from '../../deps';
import { notFound } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import type { AppEnv } from '../../http/types';
import { readUploads } from '../../http/uploads';
import { readJson, readQuery } from '../../http/validate';
import { readTaskDocument, writeTaskDocument } from '../../workspace/document';
import { deleteInputFile, listInputFiles, readInputFile, sanitizeFileName, writeInputFile } from '../../workspace/input-files';
import { taskArchive } from '../../workspace/paths';
import { createTask, deleteTask, listTasks, presentListedTask, touchTask, updateTask } from './commands';
import { presentTask } from './presenters';
import { mergeAndCleanUp } from '../../engine/merge';
import { taskDiff } from './diff';

export function taskRoutes(deps: Deps): RouteDef[] {
  const archiveOf = (c: Context<AppEnv>) => taskArchive(deps.config.home, c.get('project').id, c.get('task').id);

  return [
    {
      method: 'GET',
      path: '/api/projects/:projectId/tasks',
      access: access.project,
      handler: async (c) => {
        const page = await listTasks(deps, c.get('project').id, readQuery(c, TaskListQuery));
        return c.json({
          tasks: page.rows.map(presentListedTask),
          nextCursor: page.nextCursor,
          maxIterations: deps.config.maxIterations,
        } satisfies TaskPageDto);
      },
    },
    {
      method: 'POST',
      path: '/api/projects/:projectId/tasks',
      access: access.project,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, CreateTaskBody);
        const task = await createTask(deps, c.get('project'), c.get('user').id, body);
        return c.json({ task: presentTask(task) }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId',
      access: access.task,
      handler: (c) => c.json({ task: presentTask(c.get('task')), maxIterations: deps.config.maxIterations } satisfies TaskDetailResponse),
    },
    {
      method: 'PATCH',
      path: '/api/tasks/:taskId',
      access: access.task,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, UpdateTaskBody);
        return c.json({ task: presentTask(await updateTask(deps, c.get('task'), body)) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/tasks/:taskId',
      access: access.task,
      handler: async (c) => {
        await deleteTask(deps, c.get('project'), c.get('task'));
        return c.body(null, 204);
      },
    },
    {
      method: 'POST',
      path: '/api/tasks/:taskId/merge',
      access: access.task,
      handler: async (c) => c.json({ task: presentTask(await mergeAndCleanUp(deps, c.get('project'), c.get('task'))) }),
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/diff',
      access: access.task,
      handler: async (c) => c.json((await taskDiff(c.get('project'), c.get('task'))) satisfies TaskDiffDto),
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/document',
      access: access.task,
      handler: async (c) => {
        const { documentPath } = archiveOf(c);
        return c.json({ content: await readTaskDocument(documentPath), path: documentPath });
      },
    },
    {
      method: 'PUT',
      path: '/api/tasks/:taskId/document',
      access: access.task,
      body: 'json',
      bodyClass: 'document',
      handler: async (c) => {
        const body = await readJson(c, TaskDocumentBody);
        const { documentPath } = archiveOf(c);
        await writeTaskDocument(documentPath, body.content);
        const task = await touchTask(deps, c.get('task'));
        return c.json({ content: body.content, path: documentPath, task: presentTask(task) });
      },
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/files',
      access: access.task,
      handler: async (c) => c.json({ files: await listInputFiles(archiveOf(c).inputFilesDir) }),
    },
    {
      method: 'POST',
      path: '/api/tasks/:taskId/files',
      access: access.task,
      body: 'multipart',
      handler: async (c) => {
        const files = await readUploads(c, deps.config.maxUploadBytes);
        const dir = archiveOf(c).inputFilesDir;
        for (const f of files) await writeInputFile(dir, f.name, f.data);
        return c.json({ files: await listInputFiles(dir) }, 201);
      },
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/files/:name',
      access: access.task,
      handler: async (c) => {
        const dir = archiveOf(c).inputFilesDir;
        const name = sanitizeFileName(c.req.param('name') ?? '');
        const data = await readInputFile(dir, name);
        if (!data) throw notFound('file');
        // Served as a download, never rendered: uploaded HTML must not run on our origin.
        c.header('content-type', 'application/octet-stream');
        c.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
        return c.body(new Uint8Array(data));
      },
    },
    {
      method: 'DELETE',
      path: '/api/tasks/:taskId/files/:name',
      access: access.task,
      handler: async (c) => {
        const name = sanitizeFileName(c.req.param('name') ?? '');
        if (!(await deleteInputFile(archiveOf(c).inputFilesDir, name))) throw notFound('file');
        return c.body(null, 204);
      },
    },
  ];
}
