// The harness runtime (docs/behaviour/harness.md#runtime): the two entry points that run a turn —
// `start` (new conversation) and `resume` (follow-up on a stored one, whose
// provider and model are read from the conversation, never re-derived) —
// plus stop, question answers and the registry of live turns. Every turn's
// stream goes through the one consumer; `onComplete` fires when it ends.
import { randomUUID } from 'node:crypto';
import type { ProviderName, RunQueueDto, StoredImage } from '@bottega/protocol';
import type { ConversationRow } from '../db/schema';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { presentConversation } from './conversation-dto';
import { iso } from '../time';
import { consumeTurn, type LiveView } from './consumer';
import type {
  AgentEnvironment,
  DisallowableTool,
  PermissionMode,
  PromptImage,
  ProviderMessage,
  QuestionAnswers,
  QuestionRequest,
  SystemPrompt,
  TurnHandle,
  TurnShape,
  WarmTurn,
} from './contract';
import { assertCapability, ProviderError } from './contract';
import type { ProviderRegistry } from './registry';
import type { Confinement } from '../sandbox/confinement';
import { TitleWriter } from './titles';
import type { TranscriptStore } from './transcript-store';

/** The follow-up sent when a turn is resumed after a transient failure. */
export const RETRY_PROMPT = 'Your previous model request failed with a temporary error. Continue the task from where you stopped.';

/** Said in the transcript when a conversation without a provider session starts over. */
export const FRESH_START_NOTE =
  'No provider session was stored for this conversation (the server stopped before the agent had started one), so it starts afresh from the same context.';

/**
 * What a fresh start sends the provider: the conversation's earlier user
 * messages (whose answers were never kept) followed by the new one, if any.
 * A single message goes as it is. Null when there is nothing to start from.
 */
export function freshStartPrompt(earlier: readonly string[], next: string | null): string | null {
  const all = next === null ? [...earlier] : [...earlier, next];
  if (all.length <= 1) return all[0] ?? null;
  const parts = all.map((text, i) => `<message number="${i + 1}">\n${text}\n</message>`);
  return `This conversation was interrupted before any of your answers were kept. These are the user's messages so far, in order; work from the last one with the earlier ones as context.\n\n${parts.join('\n\n')}`;
}

export type RuntimeDeps = Pick<Deps, 'db' | 'bus' | 'logger' | 'now' | 'background'>;

/**
 * Where chat turns get their run slot (docs/behaviour/capacity.md): the scheduler. `admitChat`
 * returns null when the turn may start now, else a promise that resolves when it may (rejects
 * when its signal aborts). Agent runs get their slot from the scheduler before they start.
 */
export interface TurnGate {
  admitChat(turn: {
    userId: number;
    conversationId: number;
    projectId: number;
    taskId: number;
    provider: string;
    signal: AbortSignal;
  }): Promise<void> | null;
  releaseChat(conversationId: number): void;
  /** A waiting chat turn's place, null when it is not waiting. */
  chatPlace(conversationId: number): RunQueueDto | null;
}

/** How a rate-limited or overloaded agent run waits before it tries again (docs/behaviour/capacity.md#backoff). */
export interface BackoffPolicy {
  /** Attempts after the first, for rate limits and overloads together. */
  retries: number;
  /** The first wait; each next one doubles, up to `capMs`. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { retries: 5, baseMs: 2000, capMs: 60_000 };

/**
 * The wait before attempt `attempt` (0-based): exponential, capped, with jitter (a random 50–100 %
 * of it, so runs limited together do not retry together), and never shorter than the vendor's own
 * Retry-After — itself bounded by the cap.
 */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | null,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  const jittered = Math.round(exp * (0.5 + random() * 0.5));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.capMs));
}

/** Where a turn runs and what it may do; the caller (chat route, run starter) decides. */
export interface TurnSetup {
  taskId: number;
  projectId: number;
  userId: number;
  cwd: string;
  /** The task's share of the sandbox (worktree, git metadata, archive folder, extra hosts). */
  confinement: Confinement;
  systemPrompt: SystemPrompt | null;
  permissionMode: PermissionMode;
  disallowedTools: readonly DisallowableTool[];
  /** Variables added to the provider's environment for this turn (e.g. the run's signal credentials). */
  extraEnv?: Readonly<Record<string, string>>;
  /** Transient provider failures are resumed in the same session this many times before the turn fails. */
  transientRetries?: number;
  /** Rate limits and overloads already waited out in this turn (agent runs, which have transient retries). */
  backoffAttempt?: number;
  /** Fired once the stream has ended and its outcome is recorded. */
  onComplete?: (conversationId: number) => Promise<void> | void;
  /** The agent run this turn belongs to, when it is one: the engine's transitions for its end. */
  linkedRun?: LinkedRun;
  /**
   * A provider process prepared for this turn (docs/behaviour/harness.md#warm-start): a new session's
   * turn of exactly its shape takes it; otherwise it is discarded and the turn starts cold.
   */
  warm?: WarmTurn;
}

/** A turn's shape as the runtime starts it: the one a warm process must have been prepared with. */
export function turnShapeOf(
  setup: Pick<TurnSetup, 'cwd' | 'confinement' | 'systemPrompt' | 'permissionMode' | 'disallowedTools' | 'extraEnv'>,
  env: AgentEnvironment,
  model: string,
  effort: string | null,
): TurnShape {
  return {
    cwd: setup.cwd,
    confinement: setup.confinement,
    model,
    effort,
    systemPrompt: setup.systemPrompt,
    permissionMode: setup.permissionMode,
    disallowedTools: setup.disallowedTools,
    env: setup.extraEnv ? { ...env, ...setup.extraEnv } : env,
  };
}

/**
 * How the runtime ends the agent run a turn belongs to. The engine owns run
 * transitions and hands these to the turn; the runtime only says when.
 */
export interface LinkedRun {
  /** Stop was pressed: called before the agent's process is ended. */
  stopped(): Promise<void>;
  /** The stream failed for good (no retry left); `error` is the classified failure (a usage limit parks the run). */
  failed(reason: string, error?: unknown): Promise<void>;
}

/** What a turn cut short by the server stopping (or dying) leaves in its transcript. */
export const INTERRUPTED_NOTE = 'The server stopped during this turn.';

export interface StartTurn extends TurnSetup {
  /** The provider environment when the caller already built it (to check credentials early). */
  env?: AgentEnvironment;
  kind: ConversationRow['kind'];
  provider: ProviderName;
  model: string;
  effort: string | null;
  title: string | null;
  prompt: string;
  /** Images with the prompt; only for providers with `supportsImages`. */
  images?: readonly PromptImage[];
  /** Where those images were kept, shown with the user's message. */
  storedImages?: readonly StoredImage[];
}

export interface ResumeTurn extends TurnSetup {
  conversation: ConversationRow;
  prompt: string | null;
  /** Images with the prompt; only for providers with `supportsImages`. */
  images?: readonly PromptImage[];
  /** Where those images were kept, shown with the user's message. */
  storedImages?: readonly StoredImage[];
  toolResult?: { toolUseId: string; content: string };
}

interface PendingQuestion extends QuestionRequest {
  resolve: (answers: QuestionAnswers) => void;
}

interface LiveTurn {
  route: { projectId: number; taskId: number; conversationId: number };
  controller: AbortController;
  handle: TurnHandle | null;
  view: LiveView;
  question: PendingQuestion | null;
  userId: number;
  linkedRun: LinkedRun | undefined;
  done: Promise<void>;
}

export class HarnessRuntime {
  private readonly live = new Map<number, LiveTurn>();
  /** Turns waiting out a rate limit before they try again (Stop and shutdown reach them here). */
  private readonly backingOff = new Map<number, LiveTurn>();
  /** Who pressed Stop on a live turn, for its marker. */
  private readonly stoppedBy = new Map<number, string>();
  private shuttingDown = false;
  /** Declared dead: turns end without a word written (another node owns their runs). */
  private relinquished = false;
  private readonly titles: TitleWriter;

  constructor(
    private readonly deps: RuntimeDeps,
    private readonly registry: ProviderRegistry,
    readonly store: TranscriptStore,
    options: { titleTimeoutMs?: number; gate?: TurnGate; backoff?: BackoffPolicy } = {},
  ) {
    this.titles = new TitleWriter(deps, registry, store, options.titleTimeoutMs);
    this.gate = options.gate ?? null;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  private readonly gate: TurnGate | null;
  private readonly backoff: BackoffPolicy;

  /** The agent process of a conversation's live turn, where the provider runs one per turn. */
  pidOf(conversationId: number): number | null {
    return this.live.get(conversationId)?.handle?.pid ?? null;
  }

  /** Creates the conversation and starts its first turn; resolves once the turn is under way. */
  async start(req: StartTurn): Promise<ConversationRow> {
    const provider = this.registry.get(req.provider);
    if (req.images?.length) assertCapability(provider, 'supportsImages');
    // Credentials first: a user who has not connected the provider gets nothing created.
    const env = req.env ?? (await provider.environmentFor(req.userId));
    const now = iso(this.deps.now());
    const conversation = await this.deps.db
      .insertInto('conversations')
      .values({
        task_id: req.taskId,
        kind: req.kind,
        provider: req.provider,
        model: req.model,
        effort: req.effort,
        title: req.title,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.deps.bus.publish({
      type: 'conversation.added',
      projectId: req.projectId,
      taskId: req.taskId,
      conversation: presentConversation(conversation),
    });
    await this.begin(conversation, req, env, req.prompt, null, undefined, req.images, undefined, req.storedImages);
    return conversation;
  }

  /**
   * Sends a follow-up on a stored conversation, on the provider and model
   * stamped on it. A conversation that never got a provider session (the
   * server stopped before the provider named one) starts afresh instead: a
   * new session on the same conversation, fed its earlier user messages and
   * the new prompt (see freshStartPrompt).
   */
  async resume(req: ResumeTurn): Promise<void> {
    const c = req.conversation;
    if (!c.provider || !c.model) throw new AppError('CONFLICT', 'this conversation has no provider or model recorded');
    const provider = this.registry.get(c.provider as ProviderName);
    if (req.images?.length) assertCapability(provider, 'supportsImages');
    if (!c.provider_session_id) {
      if (req.toolResult) throw new AppError('CONFLICT', 'this conversation has no session to answer in');
      if (this.live.has(c.id)) throw new AppError('RUN_IN_PROGRESS', 'this conversation is already running a turn');
      const earlier = (await this.store.all(c.id)).flatMap((m) => (m.type === 'user' ? [m.text] : []));
      const prompt = freshStartPrompt(earlier, req.prompt);
      if (prompt === null) throw new AppError('CONFLICT', 'this conversation has nothing to start again from');
      const env = await provider.environmentFor(req.userId);
      await this.begin(
        c,
        req,
        env,
        prompt,
        null,
        undefined,
        req.images,
        { shownPrompt: req.prompt, note: FRESH_START_NOTE },
        req.storedImages,
      );
      return;
    }
    const env = await provider.environmentFor(req.userId);
    await this.begin(c, req, env, req.prompt, c.provider_session_id, req.toolResult, req.images, undefined, req.storedImages);
  }

  private async begin(
    conversation: ConversationRow,
    setup: TurnSetup,
    env: Awaited<ReturnType<ReturnType<ProviderRegistry['get']>['environmentFor']>>,
    prompt: string | null,
    resumeSessionId: string | null,
    toolResult: ResumeTurn['toolResult'],
    images?: readonly PromptImage[],
    /** A fresh start shows a note and only the user's new words, not the whole replayed prompt. */
    fresh?: { shownPrompt: string | null; note: string },
    storedImages?: readonly StoredImage[],
  ): Promise<void> {
    if (this.live.has(conversation.id)) throw new AppError('RUN_IN_PROGRESS', 'this conversation is already running a turn');
    const providerName = conversation.provider as ProviderName;
    const provider = this.registry.get(providerName);
    const model = conversation.model ?? '';
    const route = { projectId: setup.projectId, taskId: setup.taskId, conversationId: conversation.id };
    const entry: LiveTurn = {
      route,
      controller: new AbortController(),
      handle: null,
      view: { thinking: '' },
      question: null,
      userId: setup.userId,
      linkedRun: setup.linkedRun,
      done: Promise.resolve(),
    };
    this.live.set(conversation.id, entry);

    // The user's own words are part of the transcript before anything streams.
    const opening: ProviderMessage[] = [];
    if (fresh)
      opening.push({
        type: 'system',
        subtype: 'restarted',
        text: fresh.note,
        id: `restart:${randomUUID()}`,
        providerSessionId: null,
        raw: null,
      });
    const shown = fresh ? fresh.shownPrompt : prompt;
    // An agent run's first prompt (or its replay in a new session) is its role prompt, not a person's words.
    const instructions = conversation.kind === 'agent_run' && resumeSessionId === null;
    if (shown !== null)
      opening.push({
        type: 'user',
        text: shown,
        ...(instructions ? { instructions: true as const } : {}),
        ...(storedImages?.length ? { images: [...storedImages] } : {}),
        id: `prompt:${randomUUID()}`,
        providerSessionId: resumeSessionId,
        raw: null,
      });
    if (toolResult)
      opening.push({
        type: 'tool_result',
        toolUseId: toolResult.toolUseId,
        output: toolResult.content,
        isError: false,
        id: `tool_result:${toolResult.toolUseId}`,
        providerSessionId: resumeSessionId,
        raw: null,
      });
    try {
      for (const m of await this.store.append(conversation.id, opening, providerName))
        this.deps.bus.publish({ type: 'message', ...route, message: m });
    } catch (err) {
      this.live.delete(conversation.id);
      throw err;
    }
    // A chat turn takes a run slot like an agent run (which got its own before it started).
    const admission =
      conversation.kind === 'chat' && this.gate
        ? this.gate.admitChat({ ...route, userId: setup.userId, provider: providerName, signal: entry.controller.signal })
        : null;
    const holdsSlot = conversation.kind === 'chat' && this.gate !== null;
    const launch = (): Promise<void> => {
      const options = {
        ...turnShapeOf(setup, env, model, conversation.effort),
        signal: entry.controller.signal,
        prompt,
        ...(images?.length ? { images } : {}),
        ...(toolResult ? { toolResult } : {}),
        onQuestion: (request: QuestionRequest) =>
          new Promise<QuestionAnswers>((resolve) => {
            entry.question = { ...request, resolve };
            // Remembered in the database too: the answer must still work after a restart.
            this.deps.background.track(
              `remember question conversation ${conversation.id}`,
              this.setPendingQuestion(conversation.id, request).then(() =>
                this.deps.bus.publish({ type: 'question.asked', ...route, toolUseId: request.toolUseId, questions: request.questions }),
              ),
            );
          }),
      };
      const warm = resumeSessionId === null && setup.warm?.fits(options) ? setup.warm : null;
      if (setup.warm && !warm)
        this.deps.background.track(`discard an unfit warm process, conversation ${conversation.id}`, setup.warm.discard());
      entry.handle = resumeSessionId
        ? provider.sendTurnMessage({ ...options, resumeSessionId })
        : warm
          ? warm.use(options)
          : provider.startTurn(options);
      this.deps.bus.publish({ type: 'streaming.started', ...route });
      // A question left open by a restart is answered by this turn's tool result: no longer waiting.
      if (toolResult)
        this.deps.background.track(
          `forget answered question conversation ${conversation.id}`,
          this.setPendingQuestion(conversation.id, null).then(() =>
            this.deps.bus.publish({ type: 'question.answered', ...route, toolUseId: toolResult.toolUseId }),
          ),
        );
      const handle = entry.handle;
      return consumeTurn(this.deps, this.store, { ...route, provider: providerName, model: conversation.model }, handle, entry.view).then(
        async (outcome) => {
          let retried = false;
          try {
            this.live.delete(conversation.id);
            // A turn that ended on its own (or was stopped) leaves no question open; a shutdown does.
            if (!this.shuttingDown) {
              await this.setPendingQuestion(conversation.id, null);
              // Stopped while it waited: the board, inbox and task page stop showing the question.
              if (entry.question) this.deps.bus.publish({ type: 'question.answered', ...route, toolUseId: entry.question.toolUseId });
            }
            // Stopped or shut down: some providers end the stream quietly, others with an error; the marker is the same.
            if (
              !outcome.ok &&
              !entry.controller.signal.aborted &&
              (await this.retryTransient(conversation.id, setup, route, outcome.error, entry))
            ) {
              retried = true;
              return;
            }
            const cut = entry.controller.signal.aborted;
            if (!outcome.ok || cut)
              await this.recordFailure(conversation.id, route, outcome.ok ? null : outcome.error, setup.linkedRun, cut);
            this.deps.bus.publish({ type: 'streaming.ended', ...route });
            // The first exchange of a chat is named in the background; nothing waits for it.
            if (outcome.ok && resumeSessionId === null && !this.shuttingDown) this.titles.schedule(route, setup.userId);
            // A turn cut short by shutdown is not finished: recovery marks its run interrupted at the next start.
            if (this.shuttingDown) return;
            try {
              await setup.onComplete?.(conversation.id);
            } catch (err) {
              this.deps.logger.error({ err, conversationId: conversation.id }, 'onComplete failed');
            }
          } finally {
            if (holdsSlot && !retried) this.gate?.releaseChat(conversation.id);
          }
        },
      );
    };
    if (admission === null) {
      try {
        entry.done = launch();
      } catch (err) {
        this.live.delete(conversation.id);
        if (holdsSlot) this.gate?.releaseChat(conversation.id);
        throw err;
      }
    } else {
      // The turn waits for a slot; the caller is answered now and the turn starts when one is free.
      entry.done = admission.then(
        () => {
          this.deps.bus.publish({ type: 'turn.queued', ...route, queue: null });
          return launch().catch(async (err: unknown) => {
            this.live.delete(conversation.id);
            this.gate?.releaseChat(conversation.id);
            await this.recordFailure(conversation.id, route, err, setup.linkedRun);
            this.deps.bus.publish({ type: 'streaming.ended', ...route });
          });
        },
        async () => {
          // Stopped (or shut down) before it got a slot: nothing ran.
          this.live.delete(conversation.id);
          this.deps.bus.publish({ type: 'turn.queued', ...route, queue: null });
          await this.recordFailure(conversation.id, route, null, setup.linkedRun, true);
          this.deps.bus.publish({ type: 'streaming.ended', ...route });
        },
      );
    }
    this.deps.background.track(`turn conversation ${conversation.id}`, entry.done);
  }

  async setPendingQuestion(conversationId: number, question: QuestionRequest | null): Promise<void> {
    await this.deps.db
      .updateTable('conversations')
      .set({ pending_question: question ? JSON.stringify({ toolUseId: question.toolUseId, questions: question.questions }) : null })
      .where('id', '=', conversationId)
      .execute();
  }

  /** The question a conversation is waiting on: the live one, else one left by a restart. */
  async pendingQuestion(conversationId: number): Promise<QuestionRequest | null> {
    const live = this.live.get(conversationId)?.question;
    if (live) return { toolUseId: live.toolUseId, questions: live.questions };
    const row = await this.deps.db
      .selectFrom('conversations')
      .select('pending_question')
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return row?.pending_question ? (JSON.parse(row.pending_question) as QuestionRequest) : null;
  }

  /**
   * A transient failure (rate limit, overload, network, stall) with retries
   * left resumes the same session with a short continuation; the caller sees
   * one turn. A rate limit or overload first waits (backoffDelay) — Stop ends
   * the wait. Returns false when the failure must be recorded instead.
   */
  private async retryTransient(
    conversationId: number,
    setup: TurnSetup,
    route: { projectId: number; taskId: number; conversationId: number },
    error: unknown,
    entry: LiveTurn,
  ): Promise<boolean> {
    const left = setup.transientRetries ?? 0;
    if (this.shuttingDown || left <= 0 || !(error instanceof ProviderError) || error.kind !== 'transient') return false;
    // A usage limit is not retried here: the run waits for its reset (the engine parks it).
    if (error.code === 'usage_limit') return false;
    const limited = error.code === 'rate_limit' || error.code === 'overloaded';
    const attempt = setup.backoffAttempt ?? 0;
    if (limited && attempt >= this.backoff.retries) return false;
    const conversation = await this.deps.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirst();
    if (!conversation?.provider_session_id) return false;
    const delay = limited ? backoffDelay(attempt, error.retryAfterMs, this.backoff) : 0;
    const note: ProviderMessage = {
      type: 'system',
      subtype: 'retry',
      text: limited
        ? `${error.message} — trying again in ${formatWait(delay)} (attempt ${attempt + 2} of ${this.backoff.retries + 1})`
        : `${error.message} — retrying (${left} left)`,
      id: `retry:${randomUUID()}`,
      providerSessionId: conversation.provider_session_id,
      raw: null,
    };
    for (const m of await this.store.append(conversationId, [note], conversation.provider as ProviderName))
      this.deps.bus.publish({ type: 'message', ...route, message: m });
    if (delay > 0 && !(await this.waitOut(conversationId, entry, delay))) return false;
    try {
      // The retry is a short continuation: the images went with the first attempt.
      await this.resume({
        ...setup,
        conversation,
        prompt: RETRY_PROMPT,
        images: undefined,
        storedImages: undefined,
        ...(limited ? { backoffAttempt: attempt + 1 } : { transientRetries: left - 1 }),
      });
      return true;
    } catch (err) {
      this.deps.logger.warn({ err, conversationId }, 'could not retry the turn');
      return false;
    }
  }

  /** Waits `ms` unless the turn is stopped or the server shuts down meanwhile (then false). */
  private async waitOut(conversationId: number, entry: LiveTurn, ms: number): Promise<boolean> {
    this.backingOff.set(conversationId, entry);
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        entry.controller.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      return !entry.controller.signal.aborted && !this.shuttingDown;
    } finally {
      this.backingOff.delete(conversationId);
    }
  }

  /**
   * A turn that did not finish: a failure's reason goes into the transcript and
   * onto a linked run; a stopped or shut-down turn (`cut`) gets its marker.
   */
  private async recordFailure(
    conversationId: number,
    route: { projectId: number; taskId: number; conversationId: number },
    error: unknown,
    linkedRun: LinkedRun | undefined,
    cut = false,
  ): Promise<void> {
    if (this.relinquished) return;
    const aborted = cut || (error instanceof ProviderError && error.code === 'aborted');
    const reason = error instanceof Error ? error.message : String(error);
    const stoppedBy = this.stoppedBy.get(conversationId);
    this.stoppedBy.delete(conversationId);
    if (!aborted) this.deps.logger.warn({ err: error, conversationId }, 'turn failed');
    const conversation = await this.deps.db
      .selectFrom('conversations')
      .select('provider')
      .where('id', '=', conversationId)
      .executeTakeFirst();
    const provider = (conversation?.provider ?? 'anthropic') as ProviderName;
    const note: ProviderMessage = {
      type: 'system',
      subtype: !aborted ? 'error' : this.shuttingDown ? 'interrupted' : 'stopped',
      text: !aborted ? reason : this.shuttingDown ? INTERRUPTED_NOTE : stoppedBy ? `Stopped by ${stoppedBy}.` : 'Stopped.',
      id: `error:${randomUUID()}`,
      providerSessionId: null,
      raw: null,
    };
    for (const m of await this.store.append(conversationId, [note], provider))
      this.deps.bus.publish({ type: 'message', ...route, message: m });
    // A stopped run was already failed by stop(), before its process was ended.
    if (!aborted) await linkedRun?.failed(reason, error);
  }

  /** Stops a live turn: the linked run is failed first, then the agent's process tree is ended. */
  async stop(conversationId: number, by?: string): Promise<boolean> {
    const entry = this.live.get(conversationId) ?? this.backingOff.get(conversationId);
    if (!entry) return false;
    if (by) this.stoppedBy.set(conversationId, by);
    // docs/behaviour/loop.md#stop: Stop fails the run first, so its end is not read as a completion.
    await entry.linkedRun?.stopped();
    entry.controller.abort();
    await entry.handle?.abort();
    await entry.done;
    return true;
  }

  /** Answers a question the live turn is waiting on; false when none is pending with that id. */
  answer(conversationId: number, toolUseId: string, answers: QuestionAnswers): boolean {
    const entry = this.live.get(conversationId);
    const q = entry?.question;
    if (!entry || !q || q.toolUseId !== toolUseId) return false;
    entry.question = null;
    q.resolve(answers);
    this.deps.background.track(`forget question conversation ${conversationId}`, this.setPendingQuestion(conversationId, null));
    this.deps.bus.publish({ type: 'question.answered', ...entry.route, toolUseId });
    return true;
  }

  isLive(conversationId: number): boolean {
    return this.live.has(conversationId) || this.backingOff.has(conversationId);
  }

  async liveState(
    conversationId: number,
  ): Promise<{ streaming: boolean; thinking: string; question: QuestionRequest | null; queue: RunQueueDto | null }> {
    const e = this.live.get(conversationId);
    const queue = e ? (this.gate?.chatPlace(conversationId) ?? null) : null;
    return {
      streaming: e !== undefined && queue === null,
      thinking: e?.view.thinking ?? '',
      question: await this.pendingQuestion(conversationId),
      queue,
    };
  }

  /**
   * This node was declared dead (docs/behaviour/deployment.md#worker-failure): every live turn
   * ends and writes nothing more, neither its transcript's end nor its run's, since another node
   * took those runs over and goes on with them.
   */
  async relinquish(): Promise<void> {
    this.relinquished = true;
    await this.shutdown();
  }

  /** Server shutdown: ends every live turn (no agent process may outlive the server). */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.titles.shutdown();
    await Promise.all(
      [...this.live.values(), ...this.backingOff.values()].map(async (e) => {
        e.controller.abort();
        await e.handle?.abort();
        await e.done;
      }),
    );
    await Promise.all(this.registry.names().map((name) => this.registry.get(name).shutdown()));
  }
}

/** "4 s", "1 min 30 s": a wait as a person reads it. */
function formatWait(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}
