// The `opencode serve` pool: one server per user and sandbox scope (a task:
// the server sees only that task's worktree and archive, docs/behaviour/sandbox.md#files), started
// lazily on the first turn there and shared by the turns that follow; servers
// idle longer than `idleMs` are reaped; at most `cap` run at once (the least
// recently used idle one makes room); a change of the user's configuration
// (credentials) replaces the server — the old one has exited before the new
// one starts.
import { createHash } from 'node:crypto';
import type { Logger } from '../../../logger';
import type { OpencodeServerProcess } from './server-process';

export interface PoolOptions {
  logger: Logger;
  /** Most servers running at once. */
  cap: number;
  /** A server with no turn for this long is stopped. */
  idleMs: number;
  now?: () => number;
}

export interface ServerLease {
  server: OpencodeServerProcess;
  /** Ends this turn's use of the server (it may then be reaped or evicted). */
  release(): void;
}

/** What a server is started for: a key (same key, same server) and how it starts. */
export interface ServerScope {
  key: string;
  /** Starts the server (inside its sandbox) for this scope. */
  start(env: Readonly<Record<string, string>>, cwd: string): Promise<OpencodeServerProcess>;
}

interface Entry {
  key: string;
  userId: number;
  fingerprint: string;
  starting: Promise<OpencodeServerProcess>;
  server: OpencodeServerProcess | null;
  active: number;
  lastUsed: number;
  stopping: Promise<void> | null;
}

export function fingerprintOf(env: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(env)
    .sort()
    .map((k) => [k, env[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

export class OpencodeServerPool {
  private readonly entries = new Map<string, Entry>();
  /** Servers being stopped (evicted, reaped, replaced), awaited at shutdown. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly o: PoolOptions) {
    this.now = o.now ?? Date.now;
    this.timer = setInterval(() => void this.reap(), Math.max(50, Math.min(o.idleMs / 2, 30_000)));
    this.timer.unref();
  }

  /** The user's server of `scope` for a turn, started (or replaced, when `env` changed) as needed. */
  async acquire(userId: number, scope: ServerScope, env: Readonly<Record<string, string>>, cwd: string): Promise<ServerLease> {
    if (this.closed) throw new Error('the OpenCode server pool is shut down');
    const fingerprint = fingerprintOf(env);
    const key = `${userId}/${scope.key}`;
    let entry = this.entries.get(key);
    if (entry && (entry.fingerprint !== fingerprint || (entry.server && !entry.server.alive))) {
      await this.stopEntry(entry);
      entry = this.entries.get(key);
    }
    if (!entry || entry.fingerprint !== fingerprint) {
      await this.makeRoom();
      if (this.closed) throw new Error('the OpenCode server pool is shut down');
      entry = this.entries.get(key);
      if (!entry) entry = this.spawn(key, userId, fingerprint, () => scope.start({ ...env }, cwd));
    }
    entry.active += 1;
    entry.lastUsed = this.now();
    const current = entry;
    try {
      const server = await current.starting;
      let released = false;
      return {
        server,
        release: () => {
          if (released) return;
          released = true;
          current.active -= 1;
          current.lastUsed = this.now();
        },
      };
    } catch (err) {
      current.active -= 1;
      throw err;
    }
  }

  private spawn(key: string, userId: number, fingerprint: string, start: () => Promise<OpencodeServerProcess>): Entry {
    const entry: Entry = {
      key,
      userId,
      fingerprint,
      starting: Promise.resolve(null as unknown as OpencodeServerProcess),
      server: null,
      active: 0,
      lastUsed: this.now(),
      stopping: null,
    };
    entry.starting = start().then(
      (server) => {
        entry.server = server;
        this.o.logger.info({ userId, pid: server.pid, url: server.url }, 'OpenCode server started');
        void server.exited.then(() => {
          if (this.entries.get(key) === entry && !entry.stopping) {
            this.o.logger.warn({ userId, pid: server.pid, output: server.outputTail().slice(-500) }, 'OpenCode server exited on its own');
            this.entries.delete(key);
          }
        });
        return server;
      },
      (err: unknown) => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        throw err;
      },
    );
    // Acquirers await `starting` and see its failure; this only keeps an unawaited one from being unhandled.
    entry.starting.catch(() => undefined);
    this.entries.set(key, entry);
    return entry;
  }

  /** Stops idle servers until a new one fits under the cap. */
  private async makeRoom(): Promise<void> {
    while (this.entries.size >= this.o.cap) {
      const idle = [...this.entries.values()].filter((e) => e.active === 0 && !e.stopping).sort((a, b) => a.lastUsed - b.lastUsed);
      const victim = idle[0];
      if (!victim) {
        this.o.logger.warn({ cap: this.o.cap }, 'every OpenCode server is busy; starting one over the cap');
        return;
      }
      this.o.logger.info({ userId: victim.userId }, 'evicting the least recently used OpenCode server');
      await this.stopEntry(victim);
    }
  }

  private stopEntry(entry: Entry): Promise<void> {
    entry.stopping ??= (async () => {
      if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
      // A server that failed to start has nothing to stop (its failure went to whoever waited for it).
      const server = await entry.starting.catch(() => null);
      await server?.stop();
    })();
    const p = entry.stopping.catch((err: unknown) =>
      this.o.logger.error({ err, userId: entry.userId }, 'stopping an OpenCode server failed'),
    );
    this.stopping.add(p);
    void p.finally(() => this.stopping.delete(p));
    return p;
  }

  /** Stops every server of the user (e.g. their credentials changed); resolves once they have exited. */
  async invalidate(userId: number): Promise<void> {
    await Promise.all([...this.entries.values()].filter((e) => e.userId === userId).map((e) => this.stopEntry(e)));
  }

  /** Stops servers idle for longer than `idleMs`. */
  async reap(): Promise<void> {
    const cutoff = this.now() - this.o.idleMs;
    const idle = [...this.entries.values()].filter((e) => e.active === 0 && e.server !== null && e.lastUsed <= cutoff);
    await Promise.all(idle.map((e) => this.stopEntry(e)));
  }

  /** The user's most recently used running server (tests and diagnostics). */
  serverOf(userId: number): OpencodeServerProcess | null {
    const mine = [...this.entries.values()].filter((e) => e.userId === userId && e.server).sort((a, b) => b.lastUsed - a.lastUsed);
    return mine[0]?.server ?? null;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stops every server and refuses new ones; resolves when all have exited. */
  async shutdown(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
  }
}
