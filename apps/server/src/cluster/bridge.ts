// The cluster bridge of a node on PostgreSQL (docs/decisions/0015-events-across-nodes.md): one
// listening connection for the events channel and the control channel, the event bridge, the
// control channel, and the outbox's pruning. Started in boot, stopped at shutdown; on SQLite there
// is none and nothing changes.
import type { DatabaseConfig } from '../config';
import type { Deps } from '../deps';
import { channelNames, listenerApplicationName, listeningNodeIds, pruneOutbox } from './notify';
import { NotifyListener } from './listener';
import { EventBridge } from './event-bridge';
import { ControlChannel } from './control-channel';
import type { TurnControls } from './turn-controls';

export type ClusterBridgeDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now' | 'node' | 'nodes' | 'realtime'> & { turns: TurnControls };

const PRUNE_EVERY_MS = 60_000;

export interface ClusterBridge {
  stop(): Promise<void>;
}

export async function startClusterBridge(
  deps: ClusterBridgeDeps,
  database: Extract<DatabaseConfig, { kind: 'postgres' }>,
): Promise<ClusterBridge> {
  const logger = deps.logger.child({ component: 'cluster' });
  const channels = channelNames(database.schema);
  const resync = (reason: string): void => deps.realtime.resync(reason);
  const events = new EventBridge({
    db: deps.db,
    bus: deps.bus,
    logger,
    now: deps.now,
    nodeId: deps.node.id,
    channel: channels.events,
    resync,
  });
  const control = new ControlChannel({
    db: deps.db,
    logger,
    now: deps.now,
    nodeId: deps.node.id,
    channel: channels.control,
    // Live in the registry and listening now: a node that died is not waited for until its lease ends.
    liveNodes: async () => {
      const listening = await listeningNodeIds(deps.db);
      return (await deps.nodes.live()).map((n) => n.id).filter((id) => listening.has(id));
    },
    handle: (request) => deps.turns.handle(request),
  });
  const listener = new NotifyListener({
    connectionString: database.url,
    channels: [channels.events, channels.control],
    applicationName: listenerApplicationName(deps.node.id),
    logger,
    onNotification: (channel, payload) => {
      if (channel === channels.events) events.receive(payload);
      else control.receive(payload);
    },
    // Whatever was published while this node was not listening is lost to it: its clients reload.
    onReconnect: () => {
      events.reset();
      resync('listen connection reopened');
    },
  });
  try {
    await listener.start();
  } catch (err) {
    await events.stop();
    throw err;
  }
  deps.turns.connect(control);
  const prune = setInterval(() => {
    pruneOutbox(deps.db, deps.now()).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'cluster outbox not pruned'));
  }, PRUNE_EVERY_MS);
  prune.unref();
  return {
    async stop() {
      clearInterval(prune);
      deps.turns.connect(null);
      await events.stop();
      await listener.stop();
    },
  };
}
