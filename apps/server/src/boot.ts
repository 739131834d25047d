// Builds the dependency bag from configuration: database (migrated), logger,
// event bus, secrets. Used by `bottega start`, the other CLI commands and the
// integration tests, so every entry point boots the same way.
import type { Kysely } from 'kysely';
import { BackgroundWork } from './background';
import type { Config } from './config';
import { migrateToLatest } from './db/migrate';
import { openDatabase } from './db/open';
import type { Deps } from './deps';
import { EventBus } from './events/bus';
import { Realtime } from './events/realtime';
import type { Logger } from './logger';
import { ensureSessionSecret } from './secrets';

export interface Booted {
  deps: Deps;
  /** Closes the database (after background work has been awaited by the caller). */
  close: () => Promise<void>;
}

export async function boot(config: Config, logger: Logger): Promise<Booted> {
  const sessionSecret = await ensureSessionSecret(config);
  const opened = openDatabase(config.database);
  try {
    const ran = await migrateToLatest(opened.db as unknown as Kysely<unknown>, opened.dialect);
    if (ran.length > 0) logger.info({ migrations: ran }, 'database migrated');
  } catch (err) {
    await opened.close();
    throw err;
  }
  const deps: Deps = {
    config,
    db: opened.db,
    dialect: opened.dialect,
    logger,
    bus: new EventBus(),
    sessionSecret,
    background: new BackgroundWork(logger),
    realtime: new Realtime(),
    now: () => new Date(),
  };
  return { deps, close: opened.close };
}
