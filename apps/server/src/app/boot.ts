// Builds the dependency bag from configuration: private files checked,
// database (migrated), logger, event bus, secrets. Used by `bottega start`,
// the other CLI commands and the integration tests, so every entry point boots
// the same way.
import type { Kysely } from 'kysely';
import { BackgroundWork } from '../background';
import type { Config } from '../config';
import { migrateToLatest } from '../db/migrate';
import { openDatabase } from '../db/open';
import type { Deps } from '../deps';
import { EventBus } from '../events/bus';
import { Realtime } from '../events/realtime';
import type { Logger } from '../logger';
import { assertPrivateFiles, ensurePrivateHome } from '../private-files';
import { ensureSessionSecret } from '../secrets';
import { defaultProviders, type SignInCommands } from '../harness/providers/index';
import type { ProviderRegistry } from '../harness/registry';
import { HarnessRuntime } from '../harness/runtime';
import { TranscriptStore } from '../harness/transcript-store';
import { Sandbox } from '../sandbox/sandbox';
import { moveLegacyDocuments } from '../workspace/archive-layout';
import { ProjectClones } from '../forge/clone-registry';

export interface Booted {
  deps: Deps;
  /** Closes the database (after background work has been awaited by the caller). */
  close: () => Promise<void>;
}

export interface BootOptions extends SignInCommands {
  /** The provider registry; defaults to every provider this server ships. */
  providers?: ProviderRegistry;
}

export async function boot(config: Config, logger: Logger, options: BootOptions = {}): Promise<Booted> {
  // Secrets at rest: refuse to run while the database, the secret or a credential file is open to others.
  await ensurePrivateHome(config.home);
  await assertPrivateFiles(config);
  const sessionSecret = await ensureSessionSecret(config);
  const opened = openDatabase(config.database);
  try {
    const ran = await migrateToLatest(opened.db as unknown as Kysely<unknown>, opened.dialect);
    if (ran.length > 0) logger.info({ migrations: ran }, 'database migrated');
  } catch (err) {
    await opened.close();
    throw err;
  }
  await moveLegacyDocuments(config.home, logger);
  const bus = new EventBus(logger.child({ component: 'bus' }));
  const background = new BackgroundWork(logger);
  const now = () => new Date();
  const address: Deps['address'] = { url: null };
  const sandbox = await Sandbox.create({
    mode: config.sandbox,
    home: config.home,
    logger: logger.child({ component: 'sandbox' }),
    signalUrl: () => address.url,
  });
  const providers = options.providers ?? defaultProviders(config, logger, sandbox, options);
  const harness = new HarnessRuntime({ db: opened.db, bus, logger, now, background }, providers, new TranscriptStore(opened.db, now));
  const deps: Deps = {
    config,
    db: opened.db,
    dialect: opened.dialect,
    logger,
    bus,
    sessionSecret,
    background,
    realtime: new Realtime(),
    sandbox,
    providers,
    harness,
    clones: new ProjectClones(),
    now,
    address,
  };
  return { deps, close: opened.close };
}
