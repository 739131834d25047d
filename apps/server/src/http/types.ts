// The Hono environment shared by every route: the authenticated user and the
// per-request logger/id set by the middleware in app.ts and auth.ts.
import type { Logger } from '../logger';
import type { UserRow } from '../db/schema';

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
  };
}
