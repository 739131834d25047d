// One `opencode serve` process: started in its own process group on a free
// loopback port with a fresh password, ready when its stdout says it listens
// (a taken port means another try on another port), stopped with its whole
// tree (SIGTERM, a grace period, then SIGKILL).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { spawnProcessGroup } from '../../../process/exec';
import type { Logger } from '../../../logger';
import type { PreparedSandbox } from '../../../sandbox/sandbox';
import { ProcessTree } from '../../process-tree';
import { agentMarker } from '../claude/agent-process';

/** The username OpenCode's basic auth expects with OPENCODE_SERVER_PASSWORD. */
export const SERVER_USERNAME = 'opencode';
const READY = /opencode server listening on (http:\/\/[^\s]+)/;
const BIND_FAILED = /EADDRINUSE|address already in use|ServeError/i;
const OUTPUT_TAIL = 4096;

/** The platform binary of the `opencode-ai` package (its launcher needs a postinstall that never ran). */
export function resolveOpencodeBinary(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('opencode-linux-x64/package.json');
  } catch {
    throw new Error(
      'the OpenCode binary is missing: the optional dependency opencode-linux-x64 is not installed (install without --omit=optional)',
    );
  }
  const bin = join(dirname(pkg), 'bin', 'opencode');
  if (!existsSync(bin)) throw new Error(`the OpenCode binary is missing at ${bin}`);
  return bin;
}

/** A port nobody listens on right now (it may be taken before OpenCode binds it: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something listens on the loopback port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

export interface StartOptions {
  binary: string;
  env: Record<string, string>;
  cwd: string;
  /** The instance home: the process is marked with it like every agent process. */
  instanceHome: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  logger: Logger;
  readyTimeoutMs?: number;
  /** Tries on fresh ports when the chosen one turns out taken. */
  attempts?: number;
  /** Picks the port of each attempt; default `freePort`. */
  pickPort?: () => Promise<number>;
  /** The sandbox the server starts in, publishing its port to the host (null: unconfined). */
  confine?: (port: number) => Promise<PreparedSandbox | null>;
}

export class OpencodeServerProcess {
  readonly exited: Promise<void>;
  private tail = '';
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly password: string,
    readonly tree: ProcessTree | null,
    exited: Promise<void>,
    /** The server's sandbox: turn variables handed to its commands go through `confineEnv`. */
    readonly sandbox: PreparedSandbox | null,
  ) {
    this.exited = exited;
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `Authorization` for every request to this server. */
  get authorization(): string {
    return `Basic ${Buffer.from(`${SERVER_USERNAME}:${this.password}`).toString('base64')}`;
  }

  static async start(o: StartOptions): Promise<OpencodeServerProcess> {
    const attempts = o.attempts ?? 5;
    let last: Error | null = null;
    for (let i = 0; i < attempts; i++) {
      const port = await (o.pickPort ?? freePort)();
      try {
        return await OpencodeServerProcess.startOn(o, port);
      } catch (err) {
        last = err as Error;
        if (!(err instanceof PortTakenError)) throw err;
      }
    }
    throw new Error(`OpenCode could not bind a port after ${attempts} tries: ${last?.message ?? ''}`);
  }

  private static async startOn(o: StartOptions, port: number): Promise<OpencodeServerProcess> {
    const password = randomBytes(24).toString('base64url');
    const marker = agentMarker(o.instanceHome, o.nodeId);
    const [markerName, markerValue] = marker.split('=') as [string, string];
    const sandbox = o.confine ? await o.confine(port) : null;
    const args = ['serve', '--hostname', '127.0.0.1', '--port', String(port)];
    const launch = sandbox ? sandbox.command(o.binary, args) : { file: o.binary, args };
    const child = spawnProcessGroup(launch.file, launch.args, {
      cwd: o.cwd,
      env: { ...(sandbox ? sandbox.confineEnv(o.env) : o.env), OPENCODE_SERVER_PASSWORD: password, [markerName]: markerValue },
    });
    const tree = child.pid === undefined ? null : new ProcessTree(child.pid, marker);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    }).then(() => sandbox?.close());
    let output = '';
    const note = (chunk: string) => {
      output = (output + chunk).slice(-OUTPUT_TAIL);
    };
    child.stderr?.setEncoding('utf8');
    child.stdout?.setEncoding('utf8');
    child.stderr?.on('data', note);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const stop = tree ? tree.terminate(1000) : Promise.resolve();
        void stop
          .catch((stopErr: unknown) => o.logger.warn({ err: stopErr }, 'stopping an OpenCode server that never got ready failed'))
          .then(() => reject(err));
      };
      const timer = setTimeout(
        () => fail(new Error(`OpenCode did not report ready within ${o.readyTimeoutMs ?? 30_000} ms: ${output.trim().slice(-500)}`)),
        o.readyTimeoutMs ?? 30_000,
      );
      child.once('error', (err) => fail(new Error(`OpenCode could not be started: ${err.message}`)));
      void exited.then(async () => {
        // OpenCode reports a taken port only as a generic ServeError: check the port itself.
        const taken = BIND_FAILED.test(output) && (await portInUse(port));
        fail(
          taken
            ? new PortTakenError(port, output)
            : new Error(`OpenCode exited before it was ready (code ${child.exitCode ?? child.signalCode}): ${output.trim().slice(-500)}`),
        );
      });
      child.stdout?.on('data', (chunk: string) => {
        note(chunk);
        const m = READY.exec(output);
        if (!m?.[1] || settled) return;
        settled = true;
        clearTimeout(timer);
        // Inside a sandbox the server listens on its own loopback; the host reaches it through the published port.
        const url = sandbox ? `http://127.0.0.1:${sandbox.network.hostPortFor(port)}` : m[1];
        const server = new OpencodeServerProcess(child, url, password, tree, exited, sandbox);
        child.stderr?.on('data', (c: string) => server.note(c));
        child.stdout?.on('data', (c: string) => server.note(c));
        void tree?.observe().catch((err: unknown) => o.logger.warn({ err }, 'could not read the process table'));
        resolve(server);
      });
    });
  }

  private note(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL);
  }

  outputTail(): string {
    return this.tail;
  }

  /** Records the server's current descendants (tool commands), so stop() finds them. */
  observe(): Promise<void> {
    return this.tree?.observe() ?? Promise.resolve();
  }

  /** SIGTERM to the whole tree, SIGKILL after `graceMs`; resolves once the server has exited. */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.tree) await this.tree.terminate(graceMs);
      await this.exited;
    })();
    return this.stopping;
  }
}

export class PortTakenError extends Error {
  constructor(port: number, output: string) {
    super(`port ${port} is taken: ${output.trim().slice(-300)}`);
    this.name = 'PortTakenError';
  }
}
