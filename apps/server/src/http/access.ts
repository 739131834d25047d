// Authorization by project membership (docs/behaviour/accounts.md#authorization). One set of queries serves
// REST (the access middleware) and the WebSocket hub. Non-members get the same
// 404 as a missing resource, so ids reveal nothing.
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps';
import type { Db } from '../db/open';
import type { ProjectRow } from '../db/schema';
import { AppError, assertNever, notFound } from '../errors';
import { readBody } from './body-limits';
import type { Access } from './routes';
import type { AppEnv } from './types';
import { idParam } from './validate';
import { verifySignature } from '../forge/webhook-signature';

export interface Viewer {
  id: number;
  isAdmin: boolean;
}

export async function isProjectMember(db: Db, viewer: Viewer, projectId: number): Promise<boolean> {
  if (viewer.isAdmin) return true;
  const row = await db
    .selectFrom('project_members')
    .select('user_id')
    .where('project_id', '=', projectId)
    .where('user_id', '=', viewer.id)
    .executeTakeFirst();
  return row !== undefined;
}

/** The project if it exists and the viewer may see it. */
export async function visibleProject(db: Db, viewer: Viewer, projectId: number): Promise<ProjectRow | undefined> {
  const project = await db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
  if (!project || !(await isProjectMember(db, viewer, projectId))) return undefined;
  return project;
}

/** The project id of a task the viewer may see, else null. */
export async function visibleTaskProjectId(db: Db, viewer: Viewer, taskId: number): Promise<number | null> {
  const task = await db.selectFrom('tasks').select('project_id').where('id', '=', taskId).executeTakeFirst();
  if (!task || !(await isProjectMember(db, viewer, task.project_id))) return null;
  return task.project_id;
}

/** A task the caller cannot see hides what hangs off it too; any other failure goes on as it is. */
function notFoundAs(what: string): (err: unknown) => never {
  return (err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw notFound(what);
    throw err;
  };
}

async function loadTaskScope(c: Context<AppEnv>, db: Db, taskId: number): Promise<void> {
  const task = await db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task) throw notFound('task');
  const project = await visibleProject(db, c.get('user'), task.project_id);
  if (!project) throw notFound('task');
  c.set('task', task);
  c.set('project', project);
}

/**
 * The raw body of a GitHub delivery, once its X-Hub-Signature-256 matches
 * (docs/behaviour/webhook.md#signature). Without a configured secret, or without a signature, nothing of
 * the body is read; the body itself is read under the webhook limit.
 */
async function verifiedWebhookBody(c: Context<AppEnv>, secret: string | null): Promise<string> {
  if (!secret) throw new AppError('UNAUTHENTICATED', 'webhooks are disabled: GITHUB_WEBHOOK_SECRET is not configured');
  const signature = c.req.header('x-hub-signature-256');
  if (!signature || !/^sha256=[0-9a-f]{64}$/i.test(signature))
    throw new AppError('UNAUTHENTICATED', 'the delivery carries no well-formed X-Hub-Signature-256');
  const raw = await readBody(c);
  if (!verifySignature(secret, raw, signature)) throw new AppError('UNAUTHENTICATED', 'the signature does not match the body');
  return raw.toString('utf8');
}

/** Middleware enforcing a route's declared access after authentication. */
export function enforceAccess(deps: Pick<Deps, 'db' | 'config'>, rule: Access): MiddlewareHandler<AppEnv> {
  const { db } = deps;
  return async (c, next) => {
    switch (rule.kind) {
      case 'public':
      case 'user':
        break;
      case 'agent':
        if (!/^Bearer brt_\S+$/.test(c.req.header('authorization') ?? ''))
          throw new AppError('UNAUTHENTICATED', 'signals need the run token of a running agent');
        break;
      case 'github':
        c.set('webhookBody', await verifiedWebhookBody(c, deps.config.webhookSecret));
        break;
      case 'admin':
        if (!c.get('user').isAdmin) throw new AppError('FORBIDDEN', 'administrators only');
        break;
      case 'project': {
        const project = await visibleProject(db, c.get('user'), idParam(c, 'projectId'));
        if (!project) throw notFound('project');
        c.set('project', project);
        break;
      }
      case 'task':
        await loadTaskScope(c, db, idParam(c, 'taskId'));
        break;
      case 'conversation': {
        const conversation = await db
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', idParam(c, 'conversationId'))
          .executeTakeFirst();
        if (!conversation) throw notFound('conversation');
        await loadTaskScope(c, db, conversation.task_id).catch(notFoundAs('conversation'));
        c.set('conversation', conversation);
        break;
      }
      case 'run': {
        const run = await db.selectFrom('agent_runs').selectAll().where('id', '=', idParam(c, 'runId')).executeTakeFirst();
        if (!run) throw notFound('agent run');
        await loadTaskScope(c, db, run.task_id).catch(notFoundAs('agent run'));
        c.set('run', run);
        break;
      }
      default:
        assertNever(rule);
    }
    await next();
  };
}
