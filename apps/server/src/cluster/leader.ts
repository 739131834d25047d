// The one node that decides (docs/decisions/0014-job-engine.md): among the nodes that execute agent
// runs, the leader is whichever holds a PostgreSQL advisory lock, on a connection of its own that
// does nothing else. The lock lives as long as that session: when the leader's process dies or
// its connection drops, PostgreSQL frees it and the next candidate to try takes it. A candidate
// tries again every `retryMs`, so a new leader follows within about that long after the old one
// is gone (plus the time PostgreSQL needs to notice a dead connection).
import pg from 'pg';
import type { Logger } from '../logger';

export interface LeaderElectionOptions {
  url: string;
  /** The instance's schema: one leader per instance, whatever else shares the database. */
  schema: string | null;
  /** How often a candidate tries to take the lock. */
  retryMs: number;
}

export interface LeaderListener {
  /** This node became the leader. */
  lead(): void;
  /** This node is the leader no more (its connection was lost): it must stop deciding at once. */
  lost(): void;
}

export class LeaderElection {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private stopped = false;
  private attempt: Promise<void> | null = null;

  constructor(
    private readonly options: LeaderElectionOptions,
    private readonly listener: LeaderListener,
    private readonly logger: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** The lock's key: the instance's, so two instances on one database have a leader each. */
  private get key(): string {
    return `bottega:leader:${this.options.schema ?? 'public'}`;
  }

  /** Starts trying; resolves after the first try (the node leads by then if no other node did). */
  start(): Promise<void> {
    this.stopped = false;
    this.attempt = this.tryToLead().finally(() => (this.attempt = null));
    return this.attempt;
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt = this.tryToLead().finally(() => (this.attempt = null));
    }, delay);
    this.timer.unref();
  }

  private async tryToLead(): Promise<void> {
    try {
      const client = this.client ?? (await this.connect());
      const res = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [this.key]);
      if (this.stopped) return;
      if (res.rows[0]?.locked) {
        this.leading = true;
        this.listener.lead();
        return;
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not try for the leadership');
      this.drop();
    }
    this.schedule(this.options.retryMs);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.url });
    // A lost connection is a lost lock: the leader steps down at once and tries again.
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'the leadership connection was lost');
      this.drop();
      this.schedule(this.options.retryMs);
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = null;
    if (client) client.end().catch(() => undefined);
    if (this.leading) {
      this.leading = false;
      this.listener.lost();
    }
  }

  /** Gives the leadership up (the session ends, so does the lock) and stops trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.attempt;
    const client = this.client;
    this.client = null;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }
}
