// The WebSocket hub at /ws (docs/behaviour/web-app.md#live-updates): authenticates upgrades like REST,
// lets clients subscribe to tasks and project boards they may see, and fans
// bus events out to exactly those subscribers. Access is checked on subscribe
// and re-checked periodically or on demand (never per event); slow and silent
// clients are cut off so memory stays bounded.
import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerEvent } from '@bottega/protocol';
import type { Logger } from '../logger';
import type { EventBus } from './bus';
import type { RealtimeControl } from './realtime';
import { Channels } from './ws-channels';
import { WsConnection, type WsUser } from './ws-connection';
import { isHubPath, isOriginAllowed, rejectUpgrade } from './ws-upgrade';

export interface WsAccess {
  /** Authenticates an upgrade request the same way as REST (cookie or Bearer). null → reject 401. */
  authenticate(req: IncomingMessage): Promise<WsUser | null>;
  /** projectId of the task if the user may see it (member or admin), else null (also when the task does not exist). */
  taskAccess(user: WsUser, taskId: number): Promise<number | null>;
  /** true if the user may see the project (member or admin). */
  projectAccess(user: WsUser, projectId: number): Promise<boolean>;
  /**
   * Optional: the user's current state on re-validation (null when deleted or
   * deactivated → the socket is closed). Without it `isAdmin` stays as it was
   * at connect time, so callers must disconnectUser() on admin changes.
   */
  reloadUser?(userId: number): Promise<WsUser | null>;
}

export interface WsHubOptions {
  /** A client whose unsent backlog exceeds this is terminated (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Ping interval; a client that has not answered the previous ping is terminated (default 30 s). */
  heartbeatMs?: number;
  /** Task + project subscriptions per connection (default 500). */
  maxSubscriptions?: number;
  /** How often every subscription is re-authorized (default 30 s). */
  revalidateMs?: number;
}

export interface WsHub extends RealtimeControl {
  close(): Promise<void>;
  clientCount(): number;
  /** Re-checks every subscription now; resolves after a full pass that started after the call. */
  revalidate(): Promise<void>;
  /** Closes every socket of the user (logout everywhere, deactivation). */
  disconnectUser(userId: number): void;
  /** Closes every socket with RESYNC_CLOSE_CODE: the clients reconnect and reload. */
  resync(reason: string): void;
}

/**
 * The close code of a resync (1012, "service restart"): the web app reconnects after any close and
 * then refetches everything it shows, which recovers events this node could not deliver.
 */
export const RESYNC_CLOSE_CODE = 1012;

/** Client frames larger than this close the connection (code 1009). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
const MAX_PENDING_FRAMES = 64;

export function attachWebSocketHub(
  server: http.Server,
  deps: { bus: EventBus; logger: Logger },
  access: WsAccess,
  options: WsHubOptions = {},
): WsHub {
  const logger = deps.logger.child({ component: 'ws' });
  const limits = {
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
    maxSubscriptions: options.maxSubscriptions ?? 500,
    maxPendingFrames: MAX_PENDING_FRAMES,
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const channels = new Channels<WsConnection>();
  const clients = new Set<WsConnection>();
  let closed = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!isHubPath(req.url)) {
      // Another upgrade handler may own this path; answer 404 only if we are alone.
      if (server.listenerCount('upgrade') <= 1) rejectUpgrade(socket, 404);
      return;
    }
    const onSocketError = (): void => {
      socket.destroy();
    };
    socket.on('error', onSocketError);
    if (closed) return rejectUpgrade(socket, 503);
    if (!isOriginAllowed(req)) {
      logger.warn({ origin: req.headers.origin, host: req.headers.host }, 'websocket upgrade from foreign origin rejected');
      return rejectUpgrade(socket, 403);
    }
    access.authenticate(req).then(
      (user) => {
        if (socket.destroyed) return;
        if (closed) return rejectUpgrade(socket, 503);
        if (!user) return rejectUpgrade(socket, 401);
        socket.off('error', onSocketError);
        wss.handleUpgrade(req, socket, head, (ws) => connect(ws, user));
      },
      (err: unknown) => {
        logger.error({ err }, 'websocket authentication failed');
        rejectUpgrade(socket, 500);
      },
    );
  };

  const connect = (ws: WebSocket, user: WsUser): void => {
    if (closed) {
      ws.terminate();
      return;
    }
    const conn = new WsConnection(ws, user, channels, access, limits, logger, (c) => {
      clients.delete(c);
      logger.debug({ userId: c.user.id, clients: clients.size }, 'websocket disconnected');
    });
    clients.add(conn);
    logger.debug({ userId: user.id, clients: clients.size }, 'websocket connected');
  };

  const onEvent = (event: ServerEvent): void => {
    channels.sawEvent(event);
    const targets = channels.targets(event);
    if (targets.size === 0) return;
    // Serialized once, whatever the number of subscribers.
    const json = JSON.stringify(event);
    for (const conn of targets) conn.queueEvent(json);
  };

  // Re-validation passes are serialized: a pass requested while one runs starts
  // after it, so a change made before revalidate() is always seen.
  let revalidation: Promise<void> = Promise.resolve();
  let revalidating = 0;
  const revalidate = (): Promise<void> => {
    revalidating += 1;
    const pass = revalidation.then(async () => {
      await Promise.all([...clients].map((c) => c.enqueue(() => c.revalidate())));
    });
    revalidation = pass.finally(() => {
      revalidating -= 1;
    });
    return revalidation;
  };

  const heartbeat = setInterval(() => {
    for (const conn of [...clients]) {
      if (!conn.alive) {
        logger.debug({ userId: conn.user.id }, 'websocket client missed heartbeat, terminating');
        conn.end('terminate');
        continue;
      }
      conn.alive = false;
      conn.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  const periodic = setInterval(() => {
    channels.forgetQuiet();
    if (revalidating > 0) return;
    revalidate().catch((err: unknown) => logger.error({ err }, 'websocket re-validation failed'));
  }, options.revalidateMs ?? 30_000);
  periodic.unref();

  const unsubscribeBus = deps.bus.subscribe(onEvent);
  server.on('upgrade', onUpgrade);

  return {
    clientCount: () => clients.size,
    revalidate,
    disconnectUser(userId: number): void {
      for (const conn of [...clients]) {
        if (conn.user.id === userId) conn.end('close', 1008, 'session ended');
      }
    },
    resync(reason: string): void {
      if (clients.size > 0) logger.info({ reason, clients: clients.size }, 'websocket clients resync');
      for (const conn of [...clients]) conn.end('close', RESYNC_CLOSE_CODE, 'resync');
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      server.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      clearInterval(periodic);
      unsubscribeBus();
      for (const conn of [...clients]) conn.end('terminate');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
