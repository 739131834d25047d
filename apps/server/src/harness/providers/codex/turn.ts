// One Codex turn as a TurnHandle: starts or resumes the thread through the
// SDK (a fresh `codex exec` per turn), maps its events, buffers anything that
// arrives before the thread id is known, classifies failures, and on abort
// stops the CLI and every process it started (found by an environment marker).
import { randomUUID } from 'node:crypto';
import type { ThreadEvent } from '@openai/codex-sdk';
import type { Logger } from '../../../logger';
import { ProviderError, type ProviderMessage, type TurnHandle, type TurnOptions } from '../../contract';
import type { PreparedSandbox } from '../../../sandbox/sandbox';
import { agentMarker } from '../claude/agent-process';
import { readThreadContext } from './context';
import { classifyThrown, classifyTurnFailure } from './errors';
import { createCodexMapperContext, mapCodexEvent } from './mapper';
import { buildCodexOptions } from './options';
import { findMarkedChild, stopMarked } from './processes';

export interface CodexTurnDeps {
  logger: Logger;
  home: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  executablePath: string;
  /** How long Codex waits on a silent model stream (its stream_idle_timeout_ms). */
  streamIdleMs: number;
  track(sessionId: string, turn: TurnHandle | null): void;
  cleanupLater(work: Promise<void>): void;
  /** The sandbox of the turn's `codex exec` (null: unconfined). */
  confine(options: TurnOptions): Promise<PreparedSandbox | null>;
}

/**
 * The text Codex gets when a turn has no prompt of its own: Codex cannot
 * park a tool call, so a re-driven answer arrives as a user message.
 */
export function syntheticPrompt(options: TurnOptions): string {
  if (options.prompt !== null) return options.prompt;
  if (options.toolResult) return options.toolResult.content;
  throw new ProviderError('openai', 'fatal', 'invalid_request', 'a turn without a prompt needs a tool result');
}

export class CodexTurn implements TurnHandle {
  readonly messages: AsyncIterable<ProviderMessage>;
  readonly sessionId: Promise<string>;
  private resolveSession!: (id: string) => void;
  private rejectSession!: (err: Error) => void;
  private knownSession: string | null = null;
  private stopped = false;
  private readonly sdkAbort = new AbortController();
  private readonly marker: string;
  private rootPid: number | null = null;
  private lookingForPid = false;
  /** After a completed turn: the CLI's own exit, awaited before the leftover sweep. */
  private exiting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private iterated = false;
  private sandbox: PreparedSandbox | null = null;

  constructor(
    private readonly deps: CodexTurnDeps,
    private readonly options: TurnOptions,
    private readonly resumeId: string | null,
  ) {
    this.marker = agentMarker(deps.home, deps.nodeId);
    this.sessionId = new Promise((resolve, reject) => {
      this.resolveSession = resolve;
      this.rejectSession = reject;
    });
    // Readers await sessionId and see its rejection; this only keeps an unread one from being unhandled.
    this.sessionId.catch(() => undefined);
    if (resumeId) this.noteSession(resumeId);
    this.messages = {
      [Symbol.asyncIterator]: () => {
        if (this.iterated) throw new Error('a turn stream can be read only once');
        this.iterated = true;
        return this.run();
      },
    };
    if (options.signal.aborted) this.stopped = true;
    else
      options.signal.addEventListener(
        'abort',
        () => void this.abort().catch((err: unknown) => deps.logger.error({ err }, 'aborting the Codex turn failed')),
        { once: true },
      );
  }

  get pid(): number | null {
    return this.rootPid;
  }

  abort(): Promise<void> {
    this.stopped = true;
    this.sdkAbort.abort();
    this.stopping ??= stopMarked(this.marker, this.rootPid, 2000);
    return this.stopping;
  }

  private findPid(): void {
    this.lookingForPid = true;
    void findMarkedChild(this.marker).then(
      (pid) => {
        this.rootPid ??= pid;
        this.lookingForPid = false;
      },
      () => {
        this.lookingForPid = false;
      },
    );
  }

  private noteSession(id: string): void {
    if (this.knownSession) return;
    this.knownSession = id;
    this.resolveSession(id);
    this.deps.track(id, this);
  }

  private async *run(): AsyncGenerator<ProviderMessage> {
    let error: Error | null = null;
    let finished = false;
    try {
      if (!this.stopped) yield* this.stream();
      finished = true;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      if (!finished && !error) this.stopped = true;
      const clean = finished && !this.stopped;
      const sweep = (clean ? settleThen(this.exiting) : Promise.resolve())
        .then(() => stopMarked(this.marker, this.rootPid, this.stopped ? 2000 : 500))
        .catch((err: unknown) => this.deps.logger.error({ err }, 'stopping Codex failed'));
      const closeSandbox = () => this.sandbox?.close() ?? Promise.resolve();
      if (clean) this.deps.cleanupLater(sweep.then(closeSandbox));
      else {
        await (this.stopping ?? sweep);
        await closeSandbox();
      }
      if (!this.knownSession)
        this.rejectSession(error ?? new ProviderError('openai', 'fatal', 'aborted', 'the turn ended before Codex started a thread'));
      else this.deps.track(this.knownSession, null);
    }
  }

  private async *stream(): AsyncGenerator<ProviderMessage> {
    const prompt = syntheticPrompt(this.options);
    const [markerName, markerValue] = this.marker.split('=') as [string, string];
    this.sandbox = await this.deps.confine(this.options);
    const sandbox = this.sandbox;
    const turn = sandbox ? { ...this.options, env: sandbox.confineEnv(this.options.env) } : this.options;
    const executable = sandbox ? await sandbox.launcher(this.deps.executablePath) : this.deps.executablePath;
    const sdk = buildCodexOptions(turn, executable, this.deps.streamIdleMs, { [markerName]: markerValue });
    const ctx = createCodexMapperContext(randomUUID(), this.resumeId);
    // Loaded on first use: the server starts faster without it.
    const { Codex } = await import('@openai/codex-sdk');
    const codex = new Codex(sdk.codex);
    const thread = this.resumeId ? codex.resumeThread(this.resumeId, sdk.thread) : codex.startThread(sdk.thread);
    /** Messages mapped before the thread id was known; released with it filled in. */
    let early: ProviderMessage[] = [];
    let thrown: unknown = null;
    try {
      const { events } = await thread.runStreamed(prompt, { signal: this.sdkAbort.signal });
      const iterator = (events as AsyncGenerator<ThreadEvent>)[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const event = next.value;
        // Found in the background: the turn does not wait on a scan of /proc.
        if (this.rootPid === null && !this.lookingForPid) this.findPid();
        const mapped = mapCodexEvent(event, ctx);
        if (event.type === 'thread.started') this.noteSession(event.thread_id);
        if (!this.knownSession) {
          early.push(...mapped);
          continue;
        }
        if (early.length > 0) {
          yield* early.map((m) => ({ ...m, providerSessionId: this.knownSession }));
          early = [];
        }
        if (event.type === 'turn.completed') {
          // The context meter's figure lives in Codex's session file, written before this event.
          const contextUsage = await readThreadContext(this.deps, this.options.env.CODEX_HOME, this.knownSession);
          yield* mapped.map((m) => (m.type === 'result' && contextUsage ? { ...m, contextUsage } : m));
          // The turn is over; the CLI finishes writing its session and exits behind it.
          this.exiting = drain(iterator);
          return;
        }
        yield* mapped;
      }
    } catch (err) {
      thrown = err;
    }
    yield* early;
    if (this.stopped) return;
    if (ctx.failures.length > 0) throw classifyTurnFailure(ctx.failures);
    if (thrown) throw classifyThrown(thrown);
  }
}

/** Reads the rest of the SDK's stream (the CLI's exit), ignoring how it ends. */
async function drain(iterator: AsyncIterator<ThreadEvent>): Promise<void> {
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next());
  } catch {
    // The turn already ended well; a late exit status changes nothing.
  }
}

/** Waits for `work` (bounded), then a short pause so the sweep does not compete with the next turn. */
async function settleThen(work: Promise<void> | null): Promise<void> {
  await Promise.race([work ?? Promise.resolve(), new Promise((r) => setTimeout(r, 5000))]);
  await new Promise((r) => setTimeout(r, 300));
}
