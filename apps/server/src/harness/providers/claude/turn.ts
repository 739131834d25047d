// One Claude Code turn as a TurnHandle: runs the CLI through the SDK, maps its
// messages, classifies failures, re-runs ONCE in a fresh process after a 401
// (resuming the session), bounds stalls, and stops the whole process tree on
// abort. The stream of messages continues across the re-run.
import type { McpServerConfig, Options, SDKMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { Logger } from '../../../logger';
import {
  ProviderError,
  type AgentEnvironment,
  type PromptImage,
  type ProviderMessage,
  type TurnHandle,
  type TurnOptions,
  type TurnShape,
} from '../../contract';
import type { PreparedSandbox } from '../../../sandbox/sandbox';
import { AgentProcess } from './agent-process';
import {
  classifyApiFailure,
  classifyThrown,
  credentialsRejected,
  isUnauthorized,
  rejectedUntil,
  usageLimitOf,
  withRejection,
  type ApiFailure,
} from './errors';
import { createMapperContext, mapClaudeMessage } from './mapper';
import { systemMessage } from './mapper-system';
import { buildSdkOptions } from './options';
import { findToolUseEntry } from './session-file';
import { StallWatchdog } from './watchdog';
import type { ClaudeWarmStart } from './warm-start';

/** The prompt of the fresh process that continues a turn after a rejected credential. */
export const CONTINUE_PROMPT =
  'Continue from where you stopped: your last model request failed with an authentication error and was retried.';

export interface TurnDeps {
  logger: Logger;
  /** The instance home: agent processes are marked with it (see agent-process.ts). */
  home: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  stallTimeoutMs: number;
  executablePath: string;
  mcpServers(env: AgentEnvironment): Promise<Record<string, McpServerConfig>>;
  /** The sandbox for one CLI process of the turn (null: unconfined). */
  confine(env: AgentEnvironment, options: TurnShape): Promise<PreparedSandbox | null>;
  /** The user's current environment for a re-run (their credentials may have changed). */
  refreshEnv(env: AgentEnvironment): Promise<AgentEnvironment>;
  /** Told once the session id is known, and when the turn is over. */
  track(sessionId: string, turn: TurnHandle | null): void;
  /**
   * Cleanup that need not hold up the end of a successful turn (the CLI's exit
   * and the sweep of its leftovers); the provider awaits it at shutdown.
   */
  cleanupLater(work: Promise<void>): void;
}

/** One attempt's CLI process as the turn reads it: the SDK's stream and what to close after it. */
export interface Launched {
  stream: AsyncIterator<SDKMessage>;
  sandbox: PreparedSandbox | null;
  /** True once the CLI process was spawned (it then closes its own sandbox). */
  spawned(): boolean;
}

type Prompt = { kind: 'text'; text: string; images?: readonly PromptImage[] } | { kind: 'tool_result'; toolUseId: string; content: string };
type Failure = { kind: 'api'; api: ApiFailure; held: ProviderMessage[] } | { kind: 'thrown'; error: unknown } | null;

export class ClaudeTurn implements TurnHandle {
  readonly messages: AsyncIterable<ProviderMessage>;
  readonly sessionId: Promise<string>;
  private resolveSession!: (id: string) => void;
  private rejectSession!: (err: Error) => void;
  private knownSession: string | null = null;
  private stopReason: 'aborted' | 'stalled' | null = null;
  private proc: AgentProcess | null = null;
  private sdkAbort: AbortController | null = null;
  private watchdog: StallWatchdog | null = null;
  private aborting: Promise<void> | null = null;
  private readonly ctx = createMapperContext();
  private iterated = false;

  constructor(
    private readonly deps: TurnDeps,
    private readonly options: TurnOptions,
    private readonly resumeId: string | null,
    /** A process started ahead for this turn (warm start): the first attempt hands it the prompt. */
    private warm: ClaudeWarmStart | null = null,
  ) {
    this.sessionId = new Promise((resolve, reject) => {
      this.resolveSession = resolve;
      this.rejectSession = reject;
    });
    // Readers await sessionId and see its rejection; this only keeps an unread one from being unhandled.
    this.sessionId.catch(() => undefined);
    this.messages = {
      [Symbol.asyncIterator]: () => {
        if (this.iterated) throw new Error('a turn stream can be read only once');
        this.iterated = true;
        return this.run();
      },
    };
    if (options.signal.aborted) this.stopReason = 'aborted';
    else
      options.signal.addEventListener(
        'abort',
        () => void this.abort().catch((err: unknown) => this.deps.logger.error({ err }, 'aborting the turn failed')),
        { once: true },
      );
  }

  get pid(): number | null {
    return this.proc?.pid ?? this.warm?.pid ?? null;
  }

  abort(): Promise<void> {
    this.stopReason ??= 'aborted';
    this.aborting ??= this.killCurrent();
    return this.aborting;
  }

  private async killCurrent(): Promise<void> {
    // A turn stopped before its first attempt leaves no warm process behind.
    const warm = this.warm;
    this.warm = null;
    await warm?.discard();
    this.watchdog?.stop();
    this.sdkAbort?.abort();
    await this.proc?.stop();
  }

  private async *run(): AsyncGenerator<ProviderMessage> {
    let error: Error | null = null;
    let finished = false;
    try {
      yield* this.attempts();
      finished = true;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      if (!finished && !error) this.stopReason ??= 'aborted';
      const stopping = this.killCurrent().catch((err: unknown) => this.deps.logger.error({ err }, 'stopping Claude Code failed'));
      if (finished && !this.stopReason) this.deps.cleanupLater(stopping);
      else await stopping;
      if (!this.knownSession)
        this.rejectSession(
          error ?? new ProviderError('anthropic', 'fatal', 'aborted', 'the turn ended before Claude Code started a session'),
        );
      if (this.knownSession) this.deps.track(this.knownSession, null);
    }
  }

  private async *attempts(): AsyncGenerator<ProviderMessage> {
    const o = this.options;
    let prompt: Prompt;
    if (o.prompt !== null) prompt = { kind: 'text', text: o.prompt, ...(o.images?.length ? { images: o.images } : {}) };
    else if (o.toolResult && this.resumeId) prompt = { kind: 'tool_result', ...o.toolResult };
    else
      throw new ProviderError(
        'anthropic',
        'fatal',
        'invalid_request',
        'a turn without a prompt needs a tool result and a session to resume',
      );
    let env = o.env;
    let resume = this.resumeId;
    for (let attempt = 1; ; attempt++) {
      if (this.stopReason) return;
      const failure = yield* this.attempt(prompt, resume, env);
      if (this.stopReason === 'stalled') {
        throw new ProviderError(
          'anthropic',
          'transient',
          'stalled',
          `Claude Code received nothing from the model for ${Math.round(this.deps.stallTimeoutMs / 1000)} s; the turn was stopped`,
        );
      }
      if (this.stopReason || failure === null) return;
      if (failure.kind === 'thrown') throw classifyThrown(failure.error);
      const unauthorized = isUnauthorized(failure.api);
      if (unauthorized && attempt === 1 && this.knownSession) {
        this.deps.logger.warn({ sessionId: this.knownSession }, 'Claude Code got a 401; continuing the turn once in a fresh process');
        yield systemMessage(
          `${this.knownSession}:reauth:${attempt}`,
          this.knownSession,
          'retry',
          'the model request was rejected as unauthorized; continuing once in a fresh process',
          failure.api,
        );
        env = await this.deps.refreshEnv(env);
        prompt = { kind: 'text', text: CONTINUE_PROMPT };
        resume = this.knownSession;
        continue;
      }
      yield* failure.held;
      throw unauthorized ? credentialsRejected(failure.api) : classifyApiFailure(failure.api);
    }
  }

  private async *attempt(prompt: Prompt, resume: string | null, env: AgentEnvironment): AsyncGenerator<ProviderMessage, Failure> {
    const watchdog = new StallWatchdog(this.deps.stallTimeoutMs, () => {
      this.stopReason ??= 'stalled';
      this.deps.logger.warn({ sessionId: this.knownSession }, 'the model stream stalled; stopping Claude Code');
      void this.killCurrent().catch((err: unknown) => this.deps.logger.error({ err }, 'stopping a stalled Claude Code failed'));
    });
    this.watchdog = watchdog;
    const warm = this.warm;
    this.warm = null;
    const fresh = prompt.kind === 'text' && !prompt.images && resume === null;
    if (warm && !fresh) await warm.discard();
    const launched =
      warm && fresh
        ? this.adopt(warm, prompt.kind === 'text' ? prompt.text : '', watchdog)
        : await this.launch(prompt, resume, env, watchdog);
    const { stream, sandbox } = launched;
    let api = null as ApiFailure | null;
    let rejected: number | null = null;
    const held: ProviderMessage[] = [];
    let thrown: unknown = null;
    let succeeded = false;
    watchdog.start();
    let drained = false;
    try {
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          drained = true;
          break;
        }
        const msg = next.value;
        watchdog.seen(msg);
        this.noteProcessEvents(msg);
        const mapped = mapClaudeMessage(msg, this.ctx);
        if (msg.type === 'rate_limit_event') rejected = rejectedUntil(msg) ?? rejected;
        if (msg.type === 'assistant' && msg.error) {
          api = {
            status: api?.status ?? null,
            error: msg.error,
            text: mapped[0]?.type === 'system' ? mapped[0].text : '',
            usageLimit: usageLimitOf(msg) ?? api?.usageLimit ?? null,
          };
        } else if (msg.type === 'result' && msg.subtype === 'success' && msg.is_error) {
          api = {
            status: msg.api_error_status ?? api?.status ?? null,
            error: api?.error ?? null,
            text: msg.result,
            usageLimit: usageLimitOf(msg) ?? api?.usageLimit ?? null,
          };
          held.push(...mapped);
          continue;
        } else if (msg.type === 'result' && msg.subtype !== 'success' && !this.stopReason) {
          thrown = new Error(msg.errors.join('; ') || `the turn ended with ${msg.subtype}`);
        } else if (msg.type === 'result') {
          succeeded = true;
        }
        yield* mapped;
        if (succeeded) break;
      }
    } catch (err) {
      thrown ??= err;
      drained = true;
    } finally {
      // A clean result ends the turn at once: closing the SDK stream (the CLI's
      // exit) happens behind it; any other ending closes it before going on.
      if (!drained) {
        const closing = Promise.resolve(stream.return?.()).then(
          () => undefined,
          () => undefined,
        );
        if (succeeded && !thrown && !this.stopReason) this.deps.cleanupLater(closing);
        else await closing;
      }
      watchdog.stop();
      if (!launched.spawned()) await sandbox?.close();
      // After a clean result the stream may end at once; the sweep runs behind it.
      if (succeeded && !thrown && !api && !this.stopReason && this.proc) this.deps.cleanupLater(this.proc.settle());
      else await this.proc?.settle();
    }
    if (this.stopReason) return null;
    if (api) return { kind: 'api', api: withRejection(api, rejected), held };
    if (thrown && succeeded) {
      this.deps.logger.warn({ err: thrown }, 'Claude Code failed after a successful result; the turn counts as done');
    } else if (thrown) {
      const tail = this.proc?.stderrTail().trim();
      if (tail) this.deps.logger.warn({ stderr: tail.slice(-1000) }, 'Claude Code failed');
      return { kind: 'thrown', error: thrown };
    }
    return null;
  }

  /** A fresh CLI process for one attempt: its sandbox, options and the SDK's stream. */
  private async launch(prompt: Prompt, resume: string | null, env: AgentEnvironment, watchdog: StallWatchdog): Promise<Launched> {
    const sdkAbort = new AbortController();
    this.sdkAbort = sdkAbort;
    const mcpServers = await this.deps.mcpServers(env).catch((err: unknown) => {
      throw new ProviderError('anthropic', 'fatal', 'invalid_request', (err as Error).message);
    });
    let resumeSessionAt: string | undefined;
    if (prompt.kind === 'tool_result' && resume) {
      resumeSessionAt = await this.entryFor(env, resume, prompt.toolUseId);
      if (resumeSessionAt === undefined) {
        // The CLI died before it wrote the call down: deliver the answer as text.
        this.deps.logger.warn(
          { sessionId: resume, toolUseId: prompt.toolUseId },
          'the parked tool call is not in the session file; sending its result as a message',
        );
        prompt = { kind: 'text', text: prompt.content };
      }
    }
    const sandbox = await this.deps.confine(env, this.options);
    let spawned = false;
    let options: Options;
    try {
      options = buildSdkOptions({
        turn: { ...this.options, env: sandbox ? sandbox.confineEnv(env) : env },
        resume,
        resumeSessionAt,
        executablePath: this.deps.executablePath,
        abortController: sdkAbort,
        mcpServers,
        gate: { onWaiting: (open) => watchdog.waiting(open) },
        spawn: (spawnOptions) => {
          if (this.stopReason) throw new Error('the turn was stopped before Claude Code started');
          spawned = true;
          this.proc = new AgentProcess(spawnOptions, this.deps.logger, this.deps.home, sandbox, this.deps.nodeId);
          return this.proc.asSpawned();
        },
      });
    } catch (err) {
      await sandbox?.close();
      throw err;
    }
    // Loaded on first use: the SDK is large and the server starts faster without it.
    const { query } = await import('@anthropic-ai/claude-agent-sdk');
    const input =
      prompt.kind === 'tool_result'
        ? toolResultInput(resume ?? '', prompt)
        : prompt.images
          ? imagePromptInput(resume ?? '', prompt.text, prompt.images)
          : prompt.text;
    return { stream: query({ prompt: input, options })[Symbol.asyncIterator](), sandbox, spawned: () => spawned };
  }

  /** The warm process takes this turn: its hooks now reach this turn, and it gets the prompt. */
  private adopt(warm: ClaudeWarmStart, text: string, watchdog: StallWatchdog): Launched {
    const launched = warm.handOver(text, { onQuestion: this.options.onQuestion, onWaiting: (open) => watchdog.waiting(open) });
    this.sdkAbort = launched.abortController;
    this.proc = launched.proc;
    return launched;
  }

  private noteProcessEvents(msg: SDKMessage): void {
    if (msg.type === 'system' && msg.subtype === 'init' && !this.knownSession) {
      this.knownSession = msg.session_id;
      this.resolveSession(msg.session_id);
      this.deps.track(msg.session_id, this);
    }
    if (msg.type === 'assistant' || msg.type === 'user') this.proc?.observe();
  }

  private async entryFor(env: AgentEnvironment, sessionId: string, toolUseId: string): Promise<string | undefined> {
    const configDir = env.CLAUDE_CONFIG_DIR;
    return (configDir ? await findToolUseEntry(configDir, sessionId, toolUseId) : null) ?? undefined;
  }
}

/** Streaming input of exactly one user message: the tool_result for a parked call. */
async function* toolResultInput(sessionId: string, p: { toolUseId: string; content: string }): AsyncIterable<SDKUserMessage> {
  yield {
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: p.toolUseId, content: p.content }] },
    parent_tool_use_id: null,
    session_id: sessionId,
  };
}

/** Streaming input of exactly one user message: the images, then the text (the order Anthropic recommends). */
async function* imagePromptInput(sessionId: string, text: string, images: readonly PromptImage[]): AsyncIterable<SDKUserMessage> {
  yield {
    type: 'user',
    message: {
      role: 'user',
      content: [
        ...images.map((i) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: i.mediaType, data: i.data } })),
        { type: 'text' as const, text },
      ],
    },
    parent_tool_use_id: null,
    session_id: sessionId,
  };
}
