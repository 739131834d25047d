// The seam between Bottega and the coding-agent harnesses (docs/behaviour/harness.md#provider-interface). Nothing
// above it imports an agent SDK. A provider turns one turn request into a
// stream of unified messages; everything else (storing, broadcasting, run
// bookkeeping) is the runtime's. The shape fits a process-per-turn CLI
// (Claude Code, Codex) as well as a long-lived server with events (OpenCode).
import type { ProviderCapabilities, ProviderName, UnifiedMessageBody, UserQuestion } from '@bottega/protocol';
import type { Confinement } from '../sandbox/confinement';

/** What a provider supports; the web app reads it from GET /api/providers, so it is an API type (packages/protocol). */
export type { ProviderCapabilities };

export type Capability = keyof ProviderCapabilities;

/**
 * How freely the agent may act. `bypass`: no permission prompts (agents run
 * confined, docs/behaviour/sandbox.md#confinement). `plan`: read-only exploration, no edits.
 */
export type PermissionMode = 'bypass' | 'plan';

/** Provider-neutral names of tools a role may be denied; each provider maps them to its own. */
export type DisallowableTool = 'subagents' | 'ask-user';

export interface SystemPrompt {
  /** `append` adds to the harness's own system prompt; `replace` stands alone. */
  mode: 'append' | 'replace';
  text: string;
}

/** A question the agent asked mid-turn, and how the runtime answers it. */
export interface QuestionRequest {
  toolUseId: string;
  questions: UserQuestion[];
}

/** The user's choice per question (question text → chosen label(s) or free text). */
export type QuestionAnswers = Record<string, string>;

/** An image sent with the user's message (base64 bytes, already checked against its type). */
export interface PromptImage {
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  data: string;
}

export interface TurnOptions {
  cwd: string;
  /** Always explicit: never defaulted or inferred. A provider that cannot honour it fails loud. */
  model: string;
  /** The provider's own effort vocabulary, or null where it has none. */
  effort: string | null;
  systemPrompt: SystemPrompt | null;
  permissionMode: PermissionMode;
  disallowedTools: readonly DisallowableTool[];
  /** The environment of the agent process, built for the acting user (credentials included). */
  env: AgentEnvironment;
  /** What the task's agent may touch inside the sandbox (the provider adds the user's own folder and endpoint). */
  confinement: Confinement;
  signal: AbortSignal;
  /**
   * The user's message. Null only when re-driving a parked tool call after a
   * restart (`toolResult` then carries the synthetic result).
   */
  prompt: string | null;
  /**
   * Images sent with `prompt`. Only ever given to a provider whose
   * `supportsImages` capability is true (the runtime refuses otherwise).
   */
  images?: readonly PromptImage[];
  toolResult?: { toolUseId: string; content: string };
  /** Called when the agent asks the user something; the turn waits for the promise. */
  onQuestion?: (request: QuestionRequest) => Promise<QuestionAnswers>;
}

/**
 * What a turn is before its prompt is known: everything a provider's process is started with.
 * A warm process is prepared from one and serves only a turn of exactly this shape.
 */
export type TurnShape = Omit<TurnOptions, 'prompt' | 'images' | 'toolResult' | 'signal' | 'onQuestion'>;

/** The shape of `options`, for comparing a turn with the one a warm process was prepared for. */
export function shapeOf(options: TurnShape): TurnShape {
  const { cwd, model, effort, systemPrompt, permissionMode, disallowedTools, env, confinement } = options;
  return { cwd, model, effort, systemPrompt, permissionMode, disallowedTools, env, confinement };
}

/**
 * A provider process started ahead of its turn (docs/behaviour/harness.md#warm-start): it has
 * initialised and waits for its prompt. It serves one new-session turn of the shape it was
 * prepared with, or is discarded.
 */
export interface WarmTurn {
  /** The process waiting (the sandbox's outermost process when confined); null before it is spawned. */
  readonly pid: number | null;
  /** True while it can still serve `options`: same shape, process alive, not used or discarded. */
  fits(options: TurnOptions): boolean;
  /** Hands it the prompt: the turn, as `startTurn(options)` would give it. Only after `fits`. */
  use(options: TurnOptions): TurnHandle;
  /** Ends it unused; resolves once its process tree is gone. */
  discard(): Promise<void>;
}

export interface ResumeOptions extends TurnOptions {
  /** The provider session to continue (stored on the conversation). */
  resumeSessionId: string;
}

/**
 * A provider's message before the runtime stores it: the runtime assigns
 * `seq` and `at`; the provider fills in the rest.
 */
export type ProviderMessage = UnifiedMessageBody & {
  id: string;
  providerSessionId: string | null;
  raw: unknown;
};

export interface TurnHandle {
  /** The turn's messages, in order; ends when the turn ends, throws a ProviderError on failure. */
  messages: AsyncIterable<ProviderMessage>;
  /** Resolves with the provider session id as soon as it is known. */
  sessionId: Promise<string>;
  /** Stops the turn; resolves once the agent's whole process tree is gone. */
  abort(): Promise<void>;
  /** The agent process id, where there is one process per turn. */
  readonly pid: number | null;
}

/** What an agent process gets as its environment: built from scratch, never inherited. */
export type AgentEnvironment = Readonly<Record<string, string>>;

/** The first exchange of a conversation, to be summed up as its title. */
export interface TitleRequest {
  userId: number;
  userText: string;
  assistantText: string;
  /** Aborted on timeout or server shutdown; the request must stop then. */
  signal: AbortSignal;
}

/**
 * Names conversations with a small, cheap model of the provider, using the
 * user's own credentials. Optional: a provider without it gets no automatic
 * titles (the user can still rename).
 */
export interface TitleGenerator {
  /** A short title (plain text, one line); throws when the model gives none. */
  generateTitle(request: TitleRequest): Promise<string>;
}

export interface LlmProvider {
  readonly name: ProviderName;
  readonly capabilities: Readonly<ProviderCapabilities>;
  /** Automatic conversation titles, where the provider offers them (docs/behaviour/chat.md#titles). */
  readonly titles?: TitleGenerator;
  /**
   * The agent environment for `userId` with that user's credentials. Throws
   * CredentialsMissingError when the user has not connected this provider.
   */
  environmentFor(userId: number): Promise<AgentEnvironment>;
  startTurn(options: TurnOptions): TurnHandle;
  /**
   * Starts the process of a new-session turn before its prompt is known, where the provider can
   * (docs/behaviour/harness.md#warm-start). Absent: every turn starts cold.
   */
  prepareTurn?(shape: TurnShape): WarmTurn;
  sendTurnMessage(options: ResumeOptions): TurnHandle;
  /** The provider's own record of a session, mapped (for providers that keep one). */
  loadTranscript(sessionId: string, env: AgentEnvironment): Promise<ProviderMessage[]>;
  /** Stops a turn of this provider by session id (for turns not held by a handle). */
  abortTurn(sessionId: string): Promise<void>;
  /**
   * Server shutdown: stops whatever the provider still runs (live turns,
   * leftovers of finished ones, long-lived servers) and resolves when it is gone.
   */
  shutdown(): Promise<void>;
}

export type ProviderErrorKind = 'transient' | 'fatal';

/** When the vendor said the request may be tried again (docs/behaviour/capacity.md#quota). */
export interface RetryTiming {
  /** A usage limit's reset (subscription window, "try again at …"): the run waits until then. */
  resetAt?: Date | null;
  /** A rate limit's or overload's own hint (Retry-After): the next attempt waits at least this long. */
  retryAfterMs?: number | null;
}

/**
 * A failure of the harness or the model vendor, classified: transient ones
 * (rate limit, overload, network, stale credential) may be retried; fatal ones
 * (no credentials, invalid model, repeated failure) end the run. A `usage_limit`
 * with a known `resetAt` parks the run until then; without one it is fatal.
 */
export class ProviderError extends Error {
  readonly resetAt: Date | null;
  readonly retryAfterMs: number | null;
  constructor(
    readonly provider: ProviderName,
    readonly kind: ProviderErrorKind,
    readonly code:
      | 'credentials_missing'
      | 'auth'
      | 'rate_limit'
      | 'usage_limit'
      | 'overloaded'
      | 'network'
      | 'invalid_request'
      | 'stalled'
      | 'aborted'
      | 'process'
      | 'unknown',
    message: string,
    timing: RetryTiming = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.resetAt = timing.resetAt ?? null;
    this.retryAfterMs = timing.retryAfterMs ?? null;
  }
}

export class CredentialsMissingError extends ProviderError {
  constructor(provider: ProviderName) {
    super(provider, 'fatal', 'credentials_missing', `connect ${provider} in Settings → Providers before starting an agent`);
    this.name = 'CredentialsMissingError';
  }
}

export function hasCapability(provider: Pick<LlmProvider, 'capabilities'>, capability: Capability): boolean {
  return provider.capabilities[capability];
}

export function assertCapability(provider: Pick<LlmProvider, 'name' | 'capabilities'>, capability: Capability): void {
  if (!provider.capabilities[capability]) {
    throw new ProviderError(provider.name, 'fatal', 'invalid_request', `${provider.name} does not support ${capability}`);
  }
}

/** Runs `fn` only where the provider has the capability; otherwise returns `fallback`. */
export function withCapability<T>(provider: Pick<LlmProvider, 'capabilities'>, capability: Capability, fn: () => T, fallback: T): T {
  return provider.capabilities[capability] ? fn() : fallback;
}
