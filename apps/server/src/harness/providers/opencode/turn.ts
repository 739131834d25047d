// One OpenCode turn as a TurnHandle, on the user's long-lived server: the
// session is created with the turn's directory (or resumed), the event
// subscription for that directory is open BEFORE the prompt is sent, events
// of other sessions are ignored, and the turn ends at this session's
// `session.idle`. A stream that ends without it is an error result; a model
// error fails the turn (fatal); abort goes to the session with its directory.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import type { Event, OpencodeClient } from '@opencode-ai/sdk/v2/client';
import type { Logger } from '../../../logger';
import { ProviderError, type ProviderMessage, type TurnHandle, type TurnOptions } from '../../contract';
import { parseModel } from './config';
import { classifyRetryWait, classifySessionError, serverCallFailed } from './errors';
import { createMapperState, mapOpencodeEvent, resultMessage, type MapperState } from './mapper';
import type { ServerLease } from './pool';

export interface OpencodeTurnDeps {
  logger: Logger;
  /**
   * Leases the user's server (started on demand, replaced when the user's
   * configuration changed), with the variables this turn adds to the
   * server's own environment (run credentials, git identity).
   */
  lease(): Promise<{ lease: ServerLease; extraEnv: Readonly<Record<string, string>> }>;
  /** Where this user's per-session environment files go. */
  turnEnvDir: string;
  /** How long the model may stay silent (no tool running) before the turn is stopped. */
  stallTimeoutMs: number;
  /** How long an aborted session may take to go idle before its server is stopped. */
  abortGraceMs: number;
  /** Stops the user's server (the last resort when an abort does not take). */
  killServer(): Promise<void>;
  track(sessionId: string, turn: TurnHandle | null): void;
}

type Next = { kind: 'event'; result: IteratorResult<Event> } | { kind: 'stall' } | { kind: 'stop' };

export class OpencodeTurn implements TurnHandle {
  readonly messages: AsyncIterable<ProviderMessage>;
  readonly sessionId: Promise<string>;
  readonly pid = null;
  private resolveSession!: (id: string) => void;
  private rejectSession!: (err: Error) => void;
  private known: string | null = null;
  private client: OpencodeClient | null = null;
  private stopReason: 'aborted' | 'stalled' | 'limited' | null = null;
  private wake: (() => void) | null = null;
  private finished: Promise<void>;
  private finish!: () => void;
  private aborting: Promise<void> | null = null;
  private iterated = false;
  private readonly started = Date.now();
  /** The event read in flight: kept across wake-ups so no event is lost. */
  private pending: Promise<IteratorResult<Event>> | null = null;

  constructor(
    private readonly deps: OpencodeTurnDeps,
    private readonly options: TurnOptions,
    private readonly resumeId: string | null,
  ) {
    this.sessionId = new Promise((resolve, reject) => {
      this.resolveSession = resolve;
      this.rejectSession = reject;
    });
    // Readers await sessionId and see its rejection; this only keeps an unread one from being unhandled.
    this.sessionId.catch(() => undefined);
    this.finished = new Promise((resolve) => (this.finish = resolve));
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
        () => void this.abort().catch((err: unknown) => deps.logger.error({ err }, 'aborting the OpenCode turn failed')),
        { once: true },
      );
  }

  abort(): Promise<void> {
    this.stopReason ??= 'aborted';
    this.aborting ??= this.stopSession();
    return this.aborting;
  }

  /** Aborts the session on the server (with its directory) and waits for the turn to end. */
  private async stopSession(): Promise<void> {
    this.wake?.();
    if (!this.iterated) return;
    if (this.client && this.known) {
      const res = await this.client.session
        .abort({ sessionID: this.known, directory: this.options.cwd })
        .catch((err: unknown) => ({ error: err }));
      if ('error' in res && res.error)
        this.deps.logger.warn({ err: res.error, sessionId: this.known }, 'OpenCode did not accept the abort');
    }
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), this.deps.abortGraceMs).unref());
    if ((await Promise.race([this.finished.then(() => 'done' as const), timer])) === 'late') {
      this.deps.logger.warn({ sessionId: this.known }, 'the OpenCode session did not stop; stopping its server');
      await this.deps.killServer();
      await this.finished;
    }
  }

  private async *run(): AsyncGenerator<ProviderMessage> {
    let lease: ServerLease | null = null;
    let envFile: string | null = null;
    const subscription = new AbortController();
    try {
      if (this.stopReason) return;
      const model = parseModel(this.options.model);
      if (!model)
        throw new ProviderError(
          'opencode',
          'fatal',
          'invalid_request',
          `OpenCode models are named provider/model; got ${JSON.stringify(this.options.model)}`,
        );
      const text = this.options.prompt ?? this.options.toolResult?.content;
      if (text === undefined)
        throw new ProviderError('opencode', 'fatal', 'invalid_request', 'a turn without a prompt needs a tool result');
      const leased = await this.deps.lease();
      lease = leased.lease;
      const server = lease.server;
      const client = createOpencodeClient({ baseUrl: server.url, headers: { authorization: server.authorization } });
      this.client = client;
      const directory = this.options.cwd;
      let sessionId = this.resumeId;
      if (!sessionId) {
        const created = await client.session.create({ directory }).catch((err: unknown) => ({ data: undefined, error: err }));
        if (!created.data) throw serverCallFailed('session.create', created.error);
        sessionId = created.data.id;
      }
      this.known = sessionId;
      this.resolveSession(sessionId);
      this.deps.track(sessionId, this);
      if (this.stopReason) return;

      envFile = join(this.deps.turnEnvDir, `${sessionId}.json`);
      await writeFile(envFile, JSON.stringify(leased.extraEnv), { mode: 0o600 });

      const sub = await client.event.subscribe({ directory }, { signal: subscription.signal, sseMaxRetryAttempts: 1 });
      const events = sub.stream[Symbol.asyncIterator]() as AsyncIterator<Event>;
      // The subscription is lazy: wait for the server's hello so no event of the prompt is missed.
      const hello = await this.next(events, false);
      if (hello.kind !== 'event' || hello.result.done) {
        if (this.stopReason) return;
        throw serverCallFailed('event subscription', 'the event stream closed at once');
      }
      if (this.stopReason) return;
      const tools: Record<string, boolean> = { question: false };
      if (this.options.disallowedTools.includes('subagents')) tools.task = false;
      const sent = await client.session
        .promptAsync({
          sessionID: sessionId,
          directory,
          model,
          agent: this.options.permissionMode === 'plan' ? 'plan' : 'build',
          tools,
          ...(this.options.systemPrompt ? { system: this.options.systemPrompt.text } : {}),
          parts: [{ type: 'text', text }],
        })
        .catch((err: unknown) => ({ error: err, response: undefined }));
      if (sent.error !== undefined || !sent.response || sent.response.status >= 300)
        throw serverCallFailed('prompt', sent.error ?? `HTTP ${sent.response?.status ?? '?'}`);
      yield* this.stream(events, createMapperState(sessionId), server.observe.bind(server));
    } finally {
      subscription.abort();
      if (envFile)
        await rm(envFile, { force: true }).catch((err: unknown) =>
          this.deps.logger.warn({ err, envFile }, 'could not remove the turn environment file'),
        );
      lease?.release();
      if (this.known) this.deps.track(this.known, null);
      else this.rejectSession(new ProviderError('opencode', 'fatal', 'aborted', 'the turn ended before OpenCode started a session'));
      this.finish();
    }
  }

  private async *stream(events: AsyncIterator<Event>, state: MapperState, observe: () => Promise<void>): AsyncGenerator<ProviderMessage> {
    const running = new Set<string>();
    for (;;) {
      const next = await this.next(events, running.size > 0);
      if (next.kind === 'stall') {
        this.stopReason = 'stalled';
        this.deps.logger.warn({ sessionId: state.sessionId }, 'the OpenCode session stalled; aborting it');
        await this.client?.session
          .abort({ sessionID: state.sessionId, directory: this.options.cwd })
          .catch((err: unknown) =>
            this.deps.logger.warn({ err, sessionId: state.sessionId }, 'could not abort the stalled OpenCode session'),
          );
        yield resultMessage(state, 'error', Date.now() - this.started, 'stalled');
        throw new ProviderError(
          'opencode',
          'transient',
          'stalled',
          `OpenCode received nothing from the model for ${Math.round(this.deps.stallTimeoutMs / 1000)} s; the turn was stopped`,
        );
      }
      if (next.kind === 'stop') continue;
      if (next.kind === 'event' && next.result.done) {
        if (this.stopReason === 'aborted') {
          yield resultMessage(state, 'interrupted', Date.now() - this.started);
          return;
        }
        yield resultMessage(state, 'error', Date.now() - this.started, 'the OpenCode event stream ended before the turn finished');
        throw new ProviderError(
          'opencode',
          'fatal',
          'process',
          'the OpenCode event stream ended before the turn finished (the server may have stopped)',
        );
      }
      if (next.kind === 'event') {
        const event = next.result.value;
        if (
          event.type === 'message.part.updated' &&
          event.properties.part.type === 'tool' &&
          event.properties.part.sessionID === state.sessionId
        ) {
          const part = event.properties.part;
          if (part.state.status === 'running') {
            if (!running.has(part.callID))
              void observe().catch((err: unknown) => this.deps.logger.warn({ err }, 'could not read the process table'));
            running.add(part.callID);
          } else running.delete(part.callID);
        }
        yield* mapOpencodeEvent(event, state);
        const limit =
          event.type === 'session.status' && event.properties.sessionID === state.sessionId && event.properties.status.type === 'retry'
            ? classifyRetryWait(event.properties.status)
            : null;
        if (limit) {
          this.stopReason = 'limited';
          this.deps.logger.warn({ sessionId: state.sessionId }, 'OpenCode would wait long before retrying; stopping the turn');
          await this.client?.session
            .abort({ sessionID: state.sessionId, directory: this.options.cwd })
            .catch((err: unknown) => this.deps.logger.warn({ err, sessionId: state.sessionId }, 'could not abort the OpenCode session'));
          yield resultMessage(state, 'error', Date.now() - this.started, limit.message);
          throw limit;
        }
      }
      if (state.idle) {
        if (this.stopReason === 'aborted') {
          yield resultMessage(state, 'interrupted', Date.now() - this.started);
          return;
        }
        if (state.error) {
          yield resultMessage(state, 'error', Date.now() - this.started);
          throw classifySessionError(state.error);
        }
        yield resultMessage(state, 'success', Date.now() - this.started);
        return;
      }
    }
  }

  /** The next event, or a stall (no event for stallTimeoutMs while no tool runs), or a wake-up by abort. */
  private next(events: AsyncIterator<Event>, toolRunning: boolean): Promise<Next> {
    return new Promise<Next>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let settled = false;
      const done = (n: Next) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.wake = null;
        resolve(n);
      };
      if (!toolRunning) timer = setTimeout(() => done({ kind: 'stall' }), this.deps.stallTimeoutMs);
      this.wake = () => done({ kind: 'stop' });
      this.pending ??= events.next().catch((err: unknown): IteratorResult<Event> => {
        // A broken event stream ends the turn like a closed one; say why.
        this.deps.logger.warn({ err }, 'the OpenCode event stream failed');
        return { done: true, value: undefined };
      });
      const pending = this.pending;
      void pending.then((result) => {
        // A read that arrives after a stall or wake-up stays pending for the next call.
        if (settled) return;
        this.pending = null;
        done({ kind: 'event', result });
      });
    });
  }
}
