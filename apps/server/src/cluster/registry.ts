// The nodes of a deployment (docs/deploy/cluster.md#nodes). Each process writes its row when it
// starts and a heartbeat every third of the lease while it lives; a clean stop says so. A node
// whose heartbeat is older than the lease is declared dead by whichever node notices first (one
// conditional update, so only one node takes over its runs). A node that finds itself declared
// dead (it was frozen, or cut off from the database, longer than the lease) must not go on
// executing: its runs already belong to another node.
import serverPackage from '../../package.json';
import type { ClusterNodesTable } from '../db/schema';
import type { Deps } from '../deps';
import { iso } from '../time';

export type NodeRegistryDeps = Pick<Deps, 'db' | 'node' | 'logger' | 'now'>;

export interface NodeRegistryOptions {
  /** A node silent this long is dead (milliseconds). */
  leaseMs: number;
  /** Agent runs this node executes at once (0 for an API node). */
  slots: number;
}

export const BOTTEGA_VERSION: string = serverPackage.version;

export class NodeRegistry {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private lost = false;
  private readonly lostListeners: (() => void)[] = [];
  private readonly startListeners: (() => void | Promise<void>)[] = [];

  constructor(
    private readonly deps: NodeRegistryDeps,
    private readonly options: NodeRegistryOptions,
  ) {}

  /** Called once when this node finds it was declared dead. */
  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  /** Called once the node has started (a serving node, not a one-off command): its own periodic work begins. */
  onStarted(listener: () => void | Promise<void>): void {
    this.startListeners.push(listener);
  }

  /** Writes this node's row (with where its HTTP listener is reached, if it has one) and starts its heartbeat. */
  async start(url: string | null): Promise<void> {
    const now = iso(this.deps.now());
    const { node } = this.deps;
    await this.deps.db
      .insertInto('cluster_nodes')
      .values({
        id: node.id,
        role: node.role,
        hostname: node.hostname,
        pid: node.pid,
        version: BOTTEGA_VERSION,
        url,
        slots: this.options.slots,
        started_at: now,
        heartbeat_at: now,
        stopped_at: null,
        stop_reason: null,
      })
      .execute();
    const every = Math.max(100, Math.floor(this.options.leaseMs / 3));
    this.timer = setInterval(() => {
      if (!this.beating) this.beating = this.beat().finally(() => (this.beating = null));
    }, every);
    this.timer.unref();
    for (const l of this.startListeners) await l();
  }

  /** One heartbeat; a node declared dead meanwhile learns it here. */
  async beat(): Promise<void> {
    try {
      const res = await this.deps.db
        .updateTable('cluster_nodes')
        .set({ heartbeat_at: iso(this.deps.now()) })
        .where('id', '=', this.deps.node.id)
        .where('stopped_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0 && !this.lost) {
        this.lost = true;
        this.deps.logger.error({ node: this.deps.node.id }, 'this node was declared dead by another; it stops executing');
        for (const l of this.lostListeners) l();
      }
    } catch (err) {
      // The database is unreachable: the lease runs out unless it comes back in time.
      this.deps.logger.warn({ err: (err as Error).message }, 'heartbeat not written');
    }
  }

  /** Whether another node declared this one dead. */
  get isLost(): boolean {
    return this.lost;
  }

  /**
   * Declares dead every node whose lease ran out and returns their ids; each id is returned to
   * exactly one caller across the deployment (the update is conditional on the row being live).
   */
  async expireStale(): Promise<string[]> {
    const now = this.deps.now();
    const cutoff = iso(new Date(now.getTime() - this.options.leaseMs));
    const rows = await this.deps.db
      .updateTable('cluster_nodes')
      .set({ stopped_at: iso(now), stop_reason: 'lease_expired' })
      .where('stopped_at', 'is', null)
      .where('heartbeat_at', '<', cutoff)
      .where('id', '!=', this.deps.node.id)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** The live nodes (heartbeat within the lease, not stopped). */
  async live(): Promise<ClusterNodesTable[]> {
    const cutoff = iso(new Date(this.deps.now().getTime() - this.options.leaseMs));
    return this.deps.db
      .selectFrom('cluster_nodes')
      .selectAll()
      .where('stopped_at', 'is', null)
      .where('heartbeat_at', '>=', cutoff)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
  }

  /** A clean stop: the heartbeat ends and the row says the node stopped. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    if (this.lost) return;
    await this.deps.db
      .updateTable('cluster_nodes')
      .set({ stopped_at: iso(this.deps.now()), stop_reason: 'stopped' })
      .where('id', '=', this.deps.node.id)
      .where('stopped_at', 'is', null)
      .execute();
  }
}
