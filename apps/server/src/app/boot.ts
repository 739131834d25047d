// Builds the dependency bag from configuration: private files checked,
// database (migrated), logger, event bus, secrets. Used by `bottega start`,
// the other CLI commands and the integration tests, so every entry point boots
// the same way.
import type { Kysely } from 'kysely';
import { BackgroundWork } from '../background';
import { describeDatabase, type Config } from '../config';
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
import { RunScheduler } from '../scheduler/scheduler';
import { defaultMaxRunning } from '../scheduler/machine';
import { dispatchQueuedRun, resumeAfterQuota } from '../engine/run-starter';

/** The longest a rate-limited run waits before one attempt (the vendor's Retry-After is bounded by it too). */
const RATE_LIMIT_BACKOFF_CAP_MS = 60_000;
import { TranscriptStore } from '../harness/transcript-store';
import { Sandbox } from '../sandbox/sandbox';
import { moveLegacyDocuments } from '../workspace/archive-layout';
import { ProjectClones } from '../forge/clone-registry';
import { newNodeIdentity, runsAgents, type NodeRole } from '../cluster/node';
import { NodeRegistry } from '../cluster/registry';
import { TurnControls } from '../cluster/turn-controls';
import { startClusterBridge, type ClusterBridge } from '../cluster/bridge';
import { NodeTakeover } from '../engine/node-takeover';
import { WarmStarts } from '../engine/warm-starts';
import { ClusterLine } from '../scheduler/cluster-line';
import type { RunLine } from '../scheduler/run-line';
import { migrateJobs } from '../cluster/jobs';

export interface Booted {
  deps: Deps;
  /** Closes the database (after background work has been awaited by the caller). */
  close: () => Promise<void>;
}

export interface BootOptions extends SignInCommands {
  /** The provider registry; defaults to every provider this server ships. */
  providers?: ProviderRegistry;
  /** What this process does in a deployment of several; `all` (the default) is the single-machine server. */
  role?: NodeRole;
}

export async function boot(config: Config, logger: Logger, options: BootOptions = {}): Promise<Booted> {
  // Secrets at rest: refuse to run while the database, the secret or a credential file is open to others.
  await ensurePrivateHome(config.home);
  await assertPrivateFiles(config);
  const sessionSecret = await ensureSessionSecret(config);
  const opened = openDatabase(config.database, (err) =>
    logger.warn({ err: err.message }, 'database connection lost; the next query opens another'),
  );
  try {
    const ran = await migrateToLatest(opened.db as unknown as Kysely<unknown>, opened.dialect, { schema: opened.schema });
    if (ran.length > 0) logger.info({ migrations: ran }, 'database migrated');
  } catch (err) {
    await opened.close();
    throw new Error(`the database (${describeDatabase(config.database)}) could not be opened or migrated: ${(err as Error).message}`, {
      cause: err,
    });
  }
  await moveLegacyDocuments(config.home, logger);
  const bus = new EventBus(logger.child({ component: 'bus' }));
  const background = new BackgroundWork(logger);
  const now = () => new Date();
  let heard: () => void = () => undefined;
  let url: string | null = null;
  const address: Deps['address'] = {
    get url() {
      return url;
    },
    set url(value: string | null) {
      url = value;
      if (value) heard();
    },
    listening: new Promise<void>((resolve) => (heard = resolve)),
  };
  const sandbox = await Sandbox.create({
    mode: config.sandbox,
    home: config.home,
    logger: logger.child({ component: 'sandbox' }),
    signalUrl: () => address.url,
  });
  const node = newNodeIdentity(options.role ?? 'all');
  const providers = options.providers ?? defaultProviders(config, logger, sandbox, options, node.id);
  // This node's slots: its agent runs on one machine, and its chat turns (in a cluster, per node).
  const slots = config.maxRunning ?? defaultMaxRunning();
  const gate = new RunScheduler(
    { db: opened.db, bus, logger: logger.child({ component: 'scheduler' }), now },
    {
      maxRunning: slots,
      maxRunningSource: config.maxRunning === null ? 'machine' : 'config',
      minFreeMemoryMb: config.minFreeMemoryMb,
      executesRuns: !opened.pool,
    },
  );
  // On PostgreSQL the runs' line is the cluster's (docs/decisions/0014-job-engine.md), even with one node.
  let line: ClusterLine | null = null;
  if (opened.pool && config.database.kind === 'postgres') {
    try {
      await migrateJobs(opened.pool, logger);
    } catch (err) {
      await opened.close();
      throw new Error(`the job queue in ${describeDatabase(config.database)} could not be set up: ${(err as Error).message}`, {
        cause: err,
      });
    }
    line = new ClusterLine(
      { db: opened.db, bus, logger: logger.child({ component: 'line' }), now, node, config },
      {
        pool: opened.pool,
        url: config.database.url,
        schema: opened.schema,
        slots: runsAgents(node.role) ? slots : 0,
        gate,
        dispatch: (runId, release) => dispatchQueuedRun(deps, runId, release),
        quotaResume: (runId) => resumeAfterQuota(deps, runId),
      },
    );
  }
  const scheduler: RunLine = line ?? gate;
  const harness = new HarnessRuntime({ db: opened.db, bus, logger, now, background }, providers, new TranscriptStore(opened.db, now), {
    gate: scheduler,
    backoff: { retries: config.rateLimitRetries, baseMs: config.rateLimitBackoffMs, capMs: RATE_LIMIT_BACKOFF_CAP_MS },
  });
  const nodes = new NodeRegistry(
    { db: opened.db, node, logger: logger.child({ component: 'nodes' }), now },
    { leaseMs: config.nodeLeaseMs, slots: runsAgents(node.role) ? scheduler.maxRunning : 0 },
  );
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
    warm: new WarmStarts(() => deps),
    scheduler,
    clones: new ProjectClones(),
    node,
    nodes,
    turns: new TurnControls(harness),
    now,
    address,
  };
  // The engine starts what the scheduler gives a slot to (the scheduler does not import the engine).
  gate.wire(
    (runId, release) => dispatchQueuedRun(deps, runId, release),
    (runId) => resumeAfterQuota(deps, runId),
  );
  // On PostgreSQL every node hears the others' events and turn controls (docs/decisions/0015-events-across-nodes.md).
  let cluster: ClusterBridge | null = null;
  if (config.database.kind === 'postgres') {
    try {
      cluster = await startClusterBridge(deps, config.database);
    } catch (err) {
      await opened.close();
      throw new Error(`the database (${describeDatabase(config.database)}) could not be listened to: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  // A serving node that executes agents takes over dead nodes' runs; one declared dead itself stops
  // its turns and starts nothing more, writing nothing (docs/behaviour/deployment.md#worker-failure).
  const takeover = new NodeTakeover(deps);
  if (runsAgents(node.role)) nodes.onStarted(() => takeover.start());
  // A serving node joins the cluster's line once it has started (a test world that never registers, at its first run).
  if (line) {
    const started = line;
    nodes.onStarted(() => started.start());
  }
  nodes.onLost(() => {
    scheduler.stop();
    void takeover.stop();
    background.track('end the turns of a node declared dead', harness.relinquish());
  });
  return {
    deps,
    close: async () => {
      await deps.warm.close();
      await scheduler.close();
      await takeover.stop();
      await cluster?.stop();
      await nodes.stop();
      await opened.close();
    },
  };
}
