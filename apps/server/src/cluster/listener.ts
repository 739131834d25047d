// The node's one listening connection to PostgreSQL: a dedicated client (never a pool
// connection, which would be handed to other queries and lose the LISTEN). When it drops it is
// opened again with backoff; whatever was notified meanwhile is lost, which `onReconnect` tells
// the owner so it can make its clients resync (docs/decisions/0015-events-across-nodes.md).
import pg from 'pg';
import type { Logger } from '../logger';

export interface ListenerOptions {
  connectionString: string;
  channels: string[];
  /** Shown in pg_stat_activity: operators (and tests) can tell the listening connection apart. */
  applicationName: string;
  onNotification(channel: string, payload: string): void;
  /** Called once the connection listens again after a drop. */
  onReconnect(): void;
  logger: Logger;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

export class NotifyListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly options: ListenerOptions) {}

  /** Opens the connection and listens; fails when the database cannot be reached now. */
  async start(): Promise<void> {
    await this.connect();
  }

  get listening(): boolean {
    return this.client !== null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const { options } = this;
    const client = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName,
      // A peer that vanished without closing (a network cut) is noticed by TCP keepalive.
      keepAlive: true,
    });
    client.on('error', (err) => {
      options.logger.warn({ err: err.message }, 'cluster listen connection failed');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (this.client === client && msg.payload !== undefined) options.onNotification(msg.channel, msg.payload);
    });
    try {
      await client.connect();
      // Our own names (letters, digits, underscores); quoted so PostgreSQL keeps them as they are.
      for (const channel of options.channels) await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    if (!this.stopped) this.reconnectLater();
  }

  private reconnectLater(): void {
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempts);
    this.attempts += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().then(
        () => {
          if (this.stopped) return;
          this.attempts = 0;
          this.options.logger.info('cluster listen connection open again');
          this.options.onReconnect();
        },
        (err: unknown) => {
          this.options.logger.warn({ err: (err as Error).message, attempt: this.attempts }, 'cluster listen connection not reopened yet');
          if (!this.stopped) this.reconnectLater();
        },
      );
    }, delay);
    this.retry.unref();
  }
}
