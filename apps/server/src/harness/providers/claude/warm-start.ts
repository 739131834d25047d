// A Claude Code process started ahead of its turn (docs/behaviour/harness.md#warm-start): the CLI is
// spawned in the turn's sandbox and environment with streaming input, initialises, and waits for
// its one user message. Handing it the prompt skips the process start on the hand-off's critical
// path; a process whose turn does not come (another step, a changed environment) is discarded.
import type { Options, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { isDeepStrictEqual } from 'node:util';
import {
  shapeOf,
  type QuestionAnswers,
  type QuestionRequest,
  type TurnHandle,
  type TurnOptions,
  type TurnShape,
  type WarmTurn,
} from '../../contract';
import type { PreparedSandbox } from '../../../sandbox/sandbox';
import { AgentProcess } from './agent-process';
import { buildSdkOptions } from './options';
import { ClaudeTurn, type Launched, type TurnDeps } from './turn';

/** What the turn that takes the process reaches it through: its questions and the stall watchdog. */
export interface WarmHooks {
  onQuestion?: (request: QuestionRequest) => Promise<QuestionAnswers>;
  onWaiting(open: boolean): void;
}

export class ClaudeWarmStart implements WarmTurn {
  private readonly abortController = new AbortController();
  private proc: AgentProcess | null = null;
  private sandbox: PreparedSandbox | null = null;
  private spawned = false;
  private stream: AsyncIterator<SDKMessage> | null = null;
  /** The first message's read, started at once so the SDK reads the CLI from the beginning. */
  private first: Promise<IteratorResult<SDKMessage>> | null = null;
  private state: 'launching' | 'ready' | 'used' | 'discarded' = 'launching';
  private giveInput!: (message: SDKUserMessage | null) => void;
  private readonly input = new Promise<SDKUserMessage | null>((resolve) => (this.giveInput = resolve));
  private hooks: WarmHooks | null = null;
  private readonly launched: Promise<void>;
  private discarding: Promise<void> | null = null;
  private settle!: () => void;
  /** Resolves once the process is handed to its turn or discarded (the provider stops tracking it). */
  readonly settled = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly deps: TurnDeps,
    private readonly shape: TurnShape,
  ) {
    this.launched = this.launch().catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'a warm Claude Code process could not start; the turn will start cold');
      void this.discard();
    });
  }

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  private async launch(): Promise<void> {
    const env = this.shape.env;
    const mcpServers = await this.deps.mcpServers(env);
    const sandbox = await this.deps.confine(env, this.shape);
    this.sandbox = sandbox;
    if (this.state !== 'launching') return;
    const hooks = (): WarmHooks | null => this.hooks;
    const turn: TurnOptions = {
      ...this.shape,
      env: sandbox ? sandbox.confineEnv(env) : env,
      prompt: null,
      signal: this.abortController.signal,
      // The tool gate asks whichever turn holds the process when the agent asks.
      get onQuestion() {
        return hooks()?.onQuestion;
      },
    };
    const options: Options = buildSdkOptions({
      turn,
      resume: null,
      executablePath: this.deps.executablePath,
      abortController: this.abortController,
      mcpServers,
      gate: { onWaiting: (open) => hooks()?.onWaiting(open) },
      spawn: (spawnOptions) => {
        if (this.state !== 'launching') throw new Error('the warm process was discarded before Claude Code started');
        this.spawned = true;
        this.proc = new AgentProcess(spawnOptions, this.deps.logger, this.deps.home, sandbox, this.deps.nodeId);
        return this.proc.asSpawned();
      },
    });
    const { query } = await import('@anthropic-ai/claude-agent-sdk');
    const input = this.input;
    async function* oneMessage(): AsyncIterable<SDKUserMessage> {
      const message = await input;
      if (message) yield message;
    }
    if (this.state !== 'launching') return;
    this.stream = query({ prompt: oneMessage(), options })[Symbol.asyncIterator]();
    this.first = this.stream.next();
    // A read that fails before the process is used (it died) is seen by fits(); never unhandled.
    this.first.catch(() => undefined);
    this.state = 'ready';
  }

  fits(options: TurnOptions): boolean {
    return (
      this.state === 'ready' &&
      this.proc !== null &&
      this.proc.child.exitCode === null &&
      this.proc.child.signalCode === null &&
      options.prompt !== null &&
      !options.toolResult &&
      !options.images?.length &&
      isDeepStrictEqual(shapeOf(options), shapeOf(this.shape))
    );
  }

  use(options: TurnOptions): TurnHandle {
    if (!this.fits(options)) throw new Error('this warm process does not fit the turn');
    return new ClaudeTurn(this.deps, options, null, this);
  }

  /** Called by the turn that took the process: the prompt goes in, and the stream is the turn's. */
  handOver(text: string, hooks: WarmHooks): Launched & { abortController: AbortController; proc: AgentProcess | null } {
    if (this.state !== 'ready' || !this.stream || !this.first) throw new Error('the warm process is not ready');
    this.state = 'used';
    this.settle();
    this.hooks = hooks;
    this.giveInput({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' });
    const stream = this.stream;
    let first: Promise<IteratorResult<SDKMessage>> | null = this.first;
    const spawned = this.spawned;
    return {
      stream: {
        next: () => {
          const read = first ?? stream.next();
          first = null;
          return read;
        },
        return: (value?: unknown) => stream.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
      },
      sandbox: this.sandbox,
      spawned: () => spawned,
      abortController: this.abortController,
      proc: this.proc,
    };
  }

  discard(): Promise<void> {
    if (this.state === 'used') return Promise.resolve();
    this.discarding ??= this.end();
    return this.discarding;
  }

  private async end(): Promise<void> {
    this.state = 'discarded';
    this.giveInput(null);
    this.abortController.abort();
    await this.launched;
    await this.stream?.return?.().catch(() => undefined);
    await this.proc?.stop();
    if (!this.spawned) await this.sandbox?.close();
    this.settle();
  }
}
