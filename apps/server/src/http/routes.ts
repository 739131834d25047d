// Route declarations. Every route states who may call it (`access`); the app
// factory turns that into authentication + membership checks, so a handler
// can never forget them, and the authorization test suite reads the same list.
import type { Context } from 'hono';
import type { BodyClass } from './body-limits';
import type { AppEnv } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Access =
  /** Anyone, logged in or not. */
  | { kind: 'public' }
  /** Any logged-in user. */
  | { kind: 'user' }
  /** Logged-in administrators only. */
  | { kind: 'admin' }
  /** Members of the project named by `:projectId` (admins bypass). */
  | { kind: 'project' }
  /** Members of the project that owns `:taskId`. */
  | { kind: 'task' }
  /** Members of the project that owns the conversation `:conversationId`. */
  | { kind: 'conversation' }
  /** Members of the project that owns the agent run `:runId`. */
  | { kind: 'run' }
  /** A running agent, by its run-scoped token (`Authorization: Bearer brt_…`); no user login. */
  | { kind: 'agent' }
  /** A GitHub webhook delivery, by its signature over the raw body; no user login. */
  | { kind: 'github' };

export type AccessKind = Access['kind'];

export interface RouteDef {
  method: Method;
  path: string;
  access: Access;
  /** What body the route accepts; drives the bad-input test suite. */
  body?: 'json' | 'multipart';
  /** The size limit the body is read under, when not the one its kind implies (http/body-limits.ts). */
  bodyClass?: BodyClass;
  handler: (c: Context<AppEnv>) => Response | Promise<Response>;
}

export const access = {
  public: { kind: 'public' },
  user: { kind: 'user' },
  admin: { kind: 'admin' },
  project: { kind: 'project' },
  task: { kind: 'task' },
  conversation: { kind: 'conversation' },
  run: { kind: 'run' },
  agent: { kind: 'agent' },
  github: { kind: 'github' },
} as const satisfies Record<AccessKind, Access>;
