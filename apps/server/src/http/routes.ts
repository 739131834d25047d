// Route declarations. Every route states who may call it (`access`); the app
// factory turns that into authentication + membership checks, so a handler
// can never forget them, and the authorization test suite reads the same list.
//
// The route table is typed from the API contract (packages/protocol,
// contract.ts): a route's method and path pick its contract entry, and its
// handler must answer that entry's shape, so a route missing from the
// contract, or a handler answering anything else, does not compile.
import type { ApiAnswerKind, ApiResponse, ApiRouteKey, MethodOf, PathOf } from '@bottega/protocol';
import type { Context, TypedResponse } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
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

/** What a handler of route `K` may return: `c.json` of the contract's answer, `c.body(null, 204)`, or a file. */
export type Answer<K extends ApiRouteKey> = Response &
  (ApiAnswerKind<K> extends 'empty'
    ? TypedResponse<null, 204, 'body'>
    : ApiAnswerKind<K> extends 'file'
      ? unknown
      : TypedResponse<JSONParsed<ApiResponse<K>>, StatusCode, 'json'>);

/** The declaration of route `K` (method and path as the contract keys it). */
export interface RouteFor<K extends ApiRouteKey> {
  method: MethodOf<K>;
  path: PathOf<K>;
  access: Access;
  /** What body the route accepts; drives the bad-input test suite. */
  body?: 'json' | 'multipart';
  /** The size limit the body is read under, when not the one its kind implies (http/body-limits.ts). */
  bodyClass?: BodyClass;
  handler: (c: Context<AppEnv>) => Answer<K> | Promise<Answer<K>>;
}

/** Any declared route: one member per contract entry, told apart by method and path. */
export type RouteDef = { [K in ApiRouteKey]: RouteFor<K> }[ApiRouteKey];

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
