// The Hono environment shared by every route: the authenticated user, the
// resources loaded by the access middleware, and the per-request logger/id.
import type { Logger } from '../logger';
import type { AgentRunRow, ConversationRow, ProjectRow, TaskRow, UserRow } from '../db/schema';

export interface AuthUser {
  id: number;
  username: string;
  isAdmin: boolean;
  row: UserRow;
  /** How the request authenticated. */
  via: 'session' | 'api-key';
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user: AuthUser;
    /** Set for project, task, conversation and run routes. */
    project: ProjectRow;
    /** Set for task, conversation and run routes. */
    task: TaskRow;
    conversation: ConversationRow;
    run: AgentRunRow;
    /** The size limit, in bytes, the route's body is read under (http/body-limits.ts). */
    bodyLimit: number;
    /** The raw body of a GitHub delivery whose signature was verified. */
    webhookBody: string;
  };
}
