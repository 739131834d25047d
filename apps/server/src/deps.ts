// The explicit dependency bag handed to routes and commands. Functions take a
// Pick<> of what they need; there are no module-level singletons.
import type { Config } from './config';
import type { Db } from './db/open';
import type { Dialect } from './db/ddl';
import type { EventBus } from './events/bus';
import type { Logger } from './logger';
import type { BackgroundWork } from './background';
import type { Realtime } from './events/realtime';

export interface Deps {
  config: Config;
  db: Db;
  dialect: Dialect;
  logger: Logger;
  bus: EventBus;
  /** Secret that signs login credentials (configured or generated at boot). */
  sessionSecret: string;
  /** Work that continues after a response (dependency copies); awaited on shutdown. */
  background: BackgroundWork;
  /** Control over live WebSocket connections (revalidate, disconnect). */
  realtime: Realtime;
  now: () => Date;
}
