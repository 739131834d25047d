// One Claude Code process, started for the SDK through its
// spawnClaudeCodeProcess hook: detached in its own process group, stderr
// drained into a short tail, and its whole tree (Bash children run in sessions
// of their own) tracked so stopping it leaves nothing behind.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import type { SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../../../logger';
import { spawnProcessGroup } from '../../../process/exec';
import type { PreparedSandbox } from '../../../sandbox/sandbox';
import { ProcessTree } from '../../process-tree';

const STDERR_TAIL = 4096;
/** How long after a finished turn's CLI exits its leftovers are swept. */
const SWEEP_DELAY_MS = 300;

/**
 * The environment entry every agent process of this instance carries
 * (`BOTTEGA_AGENT_PROCESS=<instance>:<uuid>`): the tree finds escaped
 * processes by it, and a restarted server kills what a crash left behind.
 */
export function agentMarkerPrefix(home: string): string {
  return `BOTTEGA_AGENT_PROCESS=${createHash('sha256').update(home).digest('hex').slice(0, 12)}:`;
}

/**
 * A new agent process's marker: the instance's prefix, the node that started it (several nodes may
 * share one machine and one home: each kills only its own, or a dead node's, orphans), a uuid.
 */
export function agentMarker(home: string, nodeId: string | undefined): string {
  return `${agentMarkerPrefix(home)}${nodeId ? `${nodeId}/` : ''}${randomUUID()}`;
}

/** The node that started the process carrying `marker` ('' for a marker without one). */
export function agentMarkerOwner(marker: string, prefix: string): string {
  const rest = marker.slice(prefix.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(0, slash);
}

export class AgentProcess {
  readonly child: ChildProcess;
  readonly tree: ProcessTree | null;
  /** Resolves when the CLI process itself has exited (or failed to start). */
  readonly exited: Promise<void>;
  private tail = '';
  private stopping: Promise<void> | null = null;
  private observer: NodeJS.Timeout | null = null;

  constructor(
    options: SpawnOptions,
    private readonly logger: Logger,
    instanceHome: string,
    /** The sandbox the CLI starts in (null: unconfined); closed once the process tree is gone. */
    private readonly sandbox: PreparedSandbox | null,
    nodeId?: string,
  ) {
    // Every process the agent starts inherits this entry, so even one that
    // escapes the tree (a double-forked daemon) is found and stopped with it.
    const marker = agentMarker(instanceHome, nodeId);
    const [markerName, markerValue] = marker.split('=') as [string, string];
    const launch = sandbox ? sandbox.command(options.command, options.args) : { file: options.command, args: options.args };
    this.child = spawnProcessGroup(launch.file, launch.args, { cwd: options.cwd, env: { ...options.env, [markerName]: markerValue } });
    const pid = this.child.pid;
    this.tree = pid === undefined ? null : new ProcessTree(pid, marker);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.tail = (this.tail + chunk).slice(-STDERR_TAIL);
    });
    // The SDK aborts this signal only after its own stdin-close grace period.
    options.signal.addEventListener(
      'abort',
      () => void this.stop().catch((err: unknown) => this.logger.warn({ err }, 'stopping Claude Code on abort failed')),
      { once: true },
    );
    if (this.tree) {
      this.observer = setInterval(() => this.observe(), 1000);
      this.observer.unref();
      this.observe();
    }
    void this.exited.then(() => {
      if (this.observer) clearInterval(this.observer);
    });
  }

  /** The process as the SDK expects it. */
  asSpawned(): SpawnedProcess {
    if (!this.child.stdin || !this.child.stdout) throw new Error('Claude Code was started without pipes');
    return this.child as ChildProcess & SpawnedProcess;
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** The last few KB the CLI wrote to stderr (for diagnostics; may be empty). */
  stderrTail(): string {
    return this.tail;
  }

  /** Records the current descendants (cheap; call when tools start or end). */
  observe(): void {
    this.tree?.observe().catch((err: unknown) => this.logger.warn({ err }, 'could not read the process table'));
  }

  /** Stops the CLI and every process it started; resolves when all are gone. */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.observer) clearInterval(this.observer);
      if (this.tree) await this.tree.terminate(graceMs);
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
      await this.sandbox?.close();
    })();
    return this.stopping;
  }

  /** After a normal end: lets the CLI exit by itself briefly, then sweeps leftovers. */
  async settle(): Promise<void> {
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
    // The sweep reads the whole process table: let the hand-off to the next run go first.
    await new Promise((r) => setTimeout(r, SWEEP_DELAY_MS));
    await this.stop(500);
  }
}
