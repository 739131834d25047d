// The in-app ChatGPT device-code sign-in (docs/behaviour/provider-codex.md#device-sign-in): runs `codex login
// --device-auth` under a pseudo-terminal with the user's own CODEX_HOME and a
// scratch environment, shows the user the verification URL and one-time code
// it prints, and — once the user has approved it in their browser and the CLI
// has written CODEX_HOME/auth.json and exited — records the sign-in. The UI
// polls `status`. One flow per user; nothing secret is logged.
import { AppError } from '../../../errors';
import type { Logger } from '../../../logger';
import type { IPty } from '../../../process/exec';
import { spawnPty } from '../../../process/exec';
import { readSecretJson } from '../../credential-store';
import { ProcessTree } from '../../process-tree';
import type { HostFacts } from '../claude/credentials';
import { findUrl, outputTail, stripAnsi } from '../claude/terminal-text';
import { CodexAuthJson, codexBaseEnvironment, codexPaths, readCodexCredentials, saveCodexCredentials } from './credentials';
import { resolveCodexExecutable } from './options';

export type DeviceLoginStatus =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'awaiting-approval'; url: string; code: string }
  | { status: 'connected' }
  | { status: 'failed'; error: string };

export interface DeviceLoginDeps {
  home: string;
  logger: Logger;
  /** Program (and leading arguments) that `login --device-auth` is appended to; default: the Codex binary. */
  command?: readonly [string, ...string[]];
  /** The whole flow's limit (default 15 minutes, the code's lifetime). */
  timeoutMs?: number;
  /** How long to wait for the URL and code (default 60 s). */
  stepTimeoutMs?: number;
  host?: HostFacts;
}

interface Flow {
  pty: IPty;
  tree: ProcessTree;
  output: string;
  state: DeviceLoginStatus;
  exited: boolean;
  closed: boolean;
  timer: NodeJS.Timeout;
  changed: () => void;
}

const MAX_OUTPUT = 64 * 1024;
/** The one-time code: groups of letters and digits joined by dashes (e.g. `ABCD-12EF`). */
const CODE = /\b([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})+)\b/;

/** The verification URL and one-time code `codex login --device-auth` prints, once both are there. */
export function findDeviceCode(raw: string): { url: string; code: string } | null {
  const url = findUrl(raw);
  const text = stripAnsi(raw);
  const after = text.slice(text.search(/one-time code/i) >= 0 ? text.search(/one-time code/i) : 0);
  const code = CODE.exec(after)?.[1];
  return url && code ? { url, code } : null;
}

export class DeviceLoginFlows {
  private readonly flows = new Map<number, Flow>();
  private readonly ended = new Map<number, DeviceLoginStatus>();

  constructor(private readonly deps: DeviceLoginDeps) {}

  status(userId: number): DeviceLoginStatus {
    return this.flows.get(userId)?.state ?? this.ended.get(userId) ?? { status: 'idle' };
  }

  /** Starts (or restarts) the sign-in; resolves once the URL and code are known. */
  async start(userId: number): Promise<Extract<DeviceLoginStatus, { status: 'awaiting-approval' }>> {
    await this.cancel(userId);
    this.ended.delete(userId);
    const [file, ...args] = this.deps.command ?? [resolveCodexExecutable()];
    const base = await codexBaseEnvironment(this.deps.home, userId, this.deps.host);
    const env = { ...base, TERM: 'xterm-256color' };
    const pty = await spawnPty(file, [...args, 'login', '--device-auth', '-c', 'cli_auth_credentials_store="file"'], {
      cwd: base.HOME as string,
      env,
      cols: 300,
      rows: 50,
    });
    const flow: Flow = {
      pty,
      tree: new ProcessTree(pty.pid),
      output: '',
      state: { status: 'starting' },
      exited: false,
      closed: false,
      timer: setTimeout(
        () =>
          void this.finish(userId, flow, { status: 'failed', error: 'the sign-in timed out; start again' }).catch((err: unknown) =>
            this.deps.logger.error({ err, userId }, 'ending a timed-out Codex sign-in failed'),
          ),
        this.deps.timeoutMs ?? 15 * 60_000,
      ),
      changed: () => undefined,
    };
    flow.timer.unref();
    this.flows.set(userId, flow);
    pty.onData((d) => {
      flow.output = (flow.output + d).slice(-MAX_OUTPUT);
      flow.changed();
    });
    pty.onExit(({ exitCode }) => {
      flow.exited = true;
      flow.changed();
      void this.exited(userId, flow, exitCode).catch((err: unknown) =>
        this.deps.logger.error({ err, userId }, 'recording the Codex sign-in failed'),
      );
    });
    this.deps.logger.info({ userId }, 'codex device login started');
    const found = await this.waitFor(flow, () => findDeviceCode(flow.output));
    if (found === null) {
      const error = `codex login ${flow.exited ? 'exited and ' : ''}did not show a device code${outputTail(flow.output) ? `: ${outputTail(flow.output)}` : ''}`;
      if (!flow.closed) await this.finish(userId, flow, { status: 'failed', error });
      throw new AppError('VALIDATION_FAILED', error);
    }
    flow.state = { status: 'awaiting-approval', ...found };
    return { status: 'awaiting-approval', ...found };
  }

  /** Stops the user's flow, if any. */
  async cancel(userId: number): Promise<void> {
    const flow = this.flows.get(userId);
    if (flow) await this.finish(userId, flow, { status: 'idle' });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.flows.keys()].map((id) => this.cancel(id)));
  }

  /** The CLI ended: connected when it wrote a valid, private auth.json. */
  private async exited(userId: number, flow: Flow, exitCode: number): Promise<void> {
    if (flow.closed) return;
    const auth = await readSecretJson(codexPaths(this.deps.home, userId).authFile, CodexAuthJson).catch((err: unknown) => {
      this.deps.logger.warn({ err, userId }, 'the auth.json Codex wrote is unusable');
      return null;
    });
    if (exitCode === 0 && auth) {
      const existing = await readCodexCredentials(this.deps.home, userId).catch((err: unknown) => {
        this.deps.logger.warn({ err, userId }, 'could not read the stored Codex credentials; the sign-in keeps no base URL');
        return null;
      });
      await saveCodexCredentials(this.deps.home, userId, { method: 'chatgpt', baseUrl: existing?.baseUrl ?? null });
      this.deps.logger.info({ userId }, 'codex device login connected');
      await this.finish(userId, flow, { status: 'connected' });
      return;
    }
    const tail = outputTail(flow.output);
    await this.finish(userId, flow, { status: 'failed', error: `the sign-in did not complete${tail ? `: ${tail}` : ''}` });
  }

  private waitFor<T>(flow: Flow, probe: () => T | null): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), this.deps.stepTimeoutMs ?? 60_000);
      const settle = (v: T | null) => {
        clearTimeout(timer);
        flow.changed = () => undefined;
        resolve(v);
      };
      flow.changed = () => {
        const v = probe();
        if (v !== null) settle(v);
        else if (flow.exited || flow.closed) settle(null);
      };
      flow.changed();
    });
  }

  private async finish(userId: number, flow: Flow, state: DeviceLoginStatus): Promise<void> {
    if (flow.closed) return;
    clearTimeout(flow.timer);
    flow.closed = true;
    flow.changed();
    if (this.flows.get(userId) === flow) this.flows.delete(userId);
    if (state.status !== 'idle') this.ended.set(userId, state);
    flow.state = state;
    if (state.status === 'failed') this.deps.logger.warn({ userId, error: state.error }, 'codex device login failed');
    await flow.tree.terminate(1000);
  }
}
