// The in-app `claude setup-token` sign-in (docs/behaviour/provider-claude-code.md#setup-token-sign-in): runs the CLI under a
// pseudo-terminal with the user's own config dir and a scratch environment,
// shows the user the sign-in URL, types the code they bring back, and stores
// the long-lived OAuth token it prints. One flow per user; never logs secrets.
import type { IPty } from '../../../process/exec';
import { spawnPty } from '../../../process/exec';
import { AppError } from '../../../errors';
import type { Logger } from '../../../logger';
import { ProcessTree } from '../../process-tree';
import { claudeBaseEnvironment, readClaudeCredentials, saveClaudeCredentials, type HostFacts } from './credentials';
import { resolveClaudeExecutable } from './options';
import { findSignInError, findToken, findUrl, outputTail } from './terminal-text';

export type SetupTokenStatus =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'awaiting-code'; url: string }
  | { status: 'verifying' }
  | { status: 'connected' }
  | { status: 'failed'; error: string };

export interface SetupTokenDeps {
  home: string;
  logger: Logger;
  /** Program (and leading arguments) that `setup-token` is appended to; default: the Claude Code binary. */
  command?: readonly [string, ...string[]];
  /** The whole flow's limit (default 10 minutes). */
  timeoutMs?: number;
  /** How long to wait for the URL, and for the token after the code (default 60 s). */
  stepTimeoutMs?: number;
  host?: HostFacts;
}

interface Flow {
  pty: IPty;
  tree: ProcessTree;
  output: string;
  state: SetupTokenStatus;
  exited: boolean;
  /** Finished by Bottega (connected, failed, cancelled). */
  closed: boolean;
  timer: NodeJS.Timeout;
  /** Wakes whoever waits for the output or the exit to change. */
  changed: () => void;
}

const MAX_OUTPUT = 256 * 1024;
const CODE = /^[\x21-\x7e]{1,2000}$/;

export class SetupTokenFlows {
  private readonly flows = new Map<number, Flow>();
  private readonly ended = new Map<number, SetupTokenStatus>();

  constructor(private readonly deps: SetupTokenDeps) {}

  status(userId: number): SetupTokenStatus {
    return this.flows.get(userId)?.state ?? this.ended.get(userId) ?? { status: 'idle' };
  }

  /** Starts (or restarts) the flow; resolves once the sign-in URL is known. */
  async start(userId: number): Promise<{ status: 'awaiting-code'; url: string }> {
    await this.cancel(userId);
    this.ended.delete(userId);
    const [file, ...args] = this.deps.command ?? [resolveClaudeExecutable()];
    const base = await claudeBaseEnvironment(this.deps.home, userId, this.deps.host);
    const env = { ...base, TERM: 'xterm-256color' };
    const pty = await spawnPty(file, [...args, 'setup-token'], { cwd: base.HOME as string, env, cols: 500, rows: 50 });
    const flow: Flow = {
      pty,
      tree: new ProcessTree(pty.pid),
      output: '',
      state: { status: 'starting' },
      exited: false,
      closed: false,
      timer: setTimeout(
        () =>
          void this.fail(userId, flow, 'the sign-in timed out; start again').catch((err: unknown) =>
            this.deps.logger.error({ err, userId }, 'ending a timed-out Claude sign-in failed'),
          ),
        this.deps.timeoutMs ?? 10 * 60_000,
      ),
      changed: () => undefined,
    };
    flow.timer.unref();
    this.flows.set(userId, flow);
    pty.onData((d) => {
      flow.output = (flow.output + d).slice(-MAX_OUTPUT);
      flow.changed();
    });
    pty.onExit(() => {
      flow.exited = true;
      flow.changed();
    });
    this.deps.logger.info({ userId }, 'claude setup-token started');
    const url = await this.waitFor(flow, () => findUrl(flow.output));
    if (url === null) throw await this.fail(userId, flow, this.why(flow, 'did not show a sign-in URL'));
    flow.state = { status: 'awaiting-code', url };
    return { status: 'awaiting-code', url };
  }

  /** Types the user's code; stores the token the CLI prints as the user's OAuth token. */
  async complete(userId: number, code: string): Promise<{ status: 'connected' }> {
    const flow = this.flows.get(userId);
    if (!flow || flow.state.status !== 'awaiting-code')
      throw new AppError('CONFLICT', 'no Claude sign-in is waiting for a code; start again');
    const trimmed = code.trim();
    if (!CODE.test(trimmed)) throw new AppError('VALIDATION_FAILED', 'the code must be the text shown after signing in (no spaces)');
    if (flow.exited) throw await this.fail(userId, flow, this.why(flow, 'stopped before the code was entered'));
    flow.state = { status: 'verifying' };
    const before = flow.output.length;
    flow.pty.write(trimmed);
    await new Promise((r) => setTimeout(r, 100));
    flow.pty.write('\r');
    const outcome = await this.waitFor(flow, () => {
      const since = flow.output.slice(Math.max(0, before - 200));
      const token = findToken(since);
      if (token) return { token };
      return findSignInError(since) ? { token: null } : null;
    });
    const token = outcome?.token ?? null;
    if (token === null) throw await this.fail(userId, flow, this.why(flow, 'did not accept the code', trimmed));
    const existing = await readClaudeCredentials(this.deps.home, userId).catch((err: unknown) => {
      this.deps.logger.warn({ err, userId }, 'could not read the stored Claude credentials; the new token keeps no base URL');
      return null;
    });
    await saveClaudeCredentials(this.deps.home, userId, { oauthToken: token, baseUrl: existing?.baseUrl ?? null });
    await this.finish(userId, flow, { status: 'connected' });
    this.deps.logger.info({ userId }, 'claude setup-token stored an OAuth token');
    return { status: 'connected' };
  }

  /** Stops the user's flow, if any. */
  async cancel(userId: number): Promise<void> {
    const flow = this.flows.get(userId);
    if (flow) await this.finish(userId, flow, { status: 'idle' });
  }

  /** Stops every flow (server shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.flows.keys()].map((id) => this.cancel(id)));
  }

  private why(flow: Flow, what: string, secret?: string): string {
    const tail = secret ? outputTail(flow.output).split(secret).join('[code]') : outputTail(flow.output);
    return `claude setup-token ${flow.exited ? 'exited and ' : ''}${what}${tail ? `: ${tail}` : ''}`;
  }

  /** Resolves with `probe()` once it is non-null; null on exit or after the step timeout. */
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

  private async fail(userId: number, flow: Flow, error: string): Promise<AppError> {
    if (flow.closed) return new AppError('CONFLICT', 'the Claude sign-in was cancelled');
    this.deps.logger.warn({ userId, error }, 'claude setup-token failed');
    await this.finish(userId, flow, { status: 'failed', error });
    return new AppError('VALIDATION_FAILED', error);
  }

  private async finish(userId: number, flow: Flow, state: SetupTokenStatus): Promise<void> {
    clearTimeout(flow.timer);
    flow.closed = true;
    flow.changed();
    if (this.flows.get(userId) === flow) this.flows.delete(userId);
    if (state.status !== 'idle') this.ended.set(userId, state);
    flow.state = state;
    await flow.tree.terminate(1000);
  }
}
