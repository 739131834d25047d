// The answer of every API route, named `XxxResponse` (contract.ts says which
// route answers which). Most wrap the presenters' DTOs (presenters.ts) in the
// one-key envelope the route returns; the few shapes that exist only as an
// answer (connection states, sign-in flows, prompts) are defined here.
import type { AgentType, PrCiState, ProviderName } from './domain';
import type { RoleModel } from './api';
import type {
  AgentRunDto,
  ApiKeyStatusDto,
  ConversationDto,
  ConversationLiveDto,
  InputFileDto,
  MemberDto,
  ModelPriceDto,
  ProjectDto,
  ProjectUsageDto,
  SlashCommandDto,
  TaskDiffDto,
  TaskDto,
  TaskPageDto,
  TaskUsageDto,
  TranscriptPageDto,
  UserDto,
} from './presenters';
import type { AllowedHostsDto, SandboxStatusDto } from './sandbox';
import type { PrSettingsDto, PullRequestStageDto } from './pull-request';
import type { WipLimitsDto } from './wip-limits';

/** A bare acknowledgement. */
export interface OkResponse {
  ok: true;
}

// ── Accounts and administration ──────────────────────────────────────────────

export interface AuthStatusResponse {
  /** No user exists yet: the first registration creates the administrator. */
  needsSetup: boolean;
  authenticated: boolean;
  user: UserDto | null;
}
export interface UserResponse {
  user: UserDto;
}
export interface UsersResponse {
  users: UserDto[];
}
export type ApiKeyStatusResponse = ApiKeyStatusDto;
/** A new API key: shown exactly once, only its hash is stored. */
export interface NewApiKeyResponse {
  key: string;
  status: ApiKeyStatusDto;
  createdAt: string;
}
export interface MembersResponse {
  members: MemberDto[];
}
export interface InstanceSettingsResponse {
  /** GitHub handle that summons the PR agent from review comments. */
  triggerHandle: string;
}

// ── Projects, tasks, runs and chats ──────────────────────────────────────────

export interface ProjectsResponse {
  projects: ProjectDto[];
}
export interface ProjectResponse {
  project: ProjectDto;
}
export type TaskPageResponse = TaskPageDto;
export interface TaskResponse {
  task: TaskDto;
}
/** One task as its page loads it, with the instance's iteration cap (the strip's "n of max"). */
export interface TaskDetailResponse extends TaskResponse {
  maxIterations: number;
}
export type TaskDiffResponse = TaskDiffDto;
/** The task document: its markdown and where it lives on the server. */
export interface TaskDocumentResponse {
  content: string;
  path: string;
}
export interface SavedTaskDocumentResponse extends TaskDocumentResponse {
  task: TaskDto;
}
export interface InputFilesResponse {
  files: InputFileDto[];
}
/** Files attached to the worktree's `tmp/`, with the path an agent reads them at. */
export interface TmpFilesResponse {
  files: (InputFileDto & { path: string })[];
}
export interface RunResponse {
  run: AgentRunDto;
}
export interface RunsResponse {
  runs: AgentRunDto[];
}
export interface SignalResponse {
  ok: true;
  /** What the signal did, for the agent's transcript. */
  message: string;
}
export interface ConversationsResponse {
  conversations: ConversationDto[];
}
export interface ConversationResponse {
  conversation: ConversationDto;
}
export type ConversationLiveResponse = ConversationLiveDto;
export type TranscriptPageResponse = TranscriptPageDto;
export interface SlashCommandsResponse {
  commands: SlashCommandDto[];
}
export interface StopResponse {
  /** False when nothing was running. */
  stopped: boolean;
}
/** `resumed`: the agent had already ended its turn, so the answers started a new one. */
export interface AnswerResponse {
  outcome: 'answered' | 'resumed';
}

// ── Providers and agent settings ─────────────────────────────────────────────

/** What a provider's harness supports; the web app adapts the chat to it. */
export interface ProviderCapabilities {
  /** The agent can pause a turn to ask the user a multiple-choice question. */
  supportsAskUserQuestion: boolean;
  /** Thinking arrives as incremental deltas while the model works. */
  supportsThinkingDelta: boolean;
  /** The provider reports context use per category, not just a total. */
  supportsContextUsageBreakdown: boolean;
  /** The agent can use MCP servers from the user's configuration. */
  supportsMcpServers: boolean;
  /** Prompts may carry images. */
  supportsImages: boolean;
}

export type ClaudeConnectionMethod = 'api-key' | 'oauth-token';
export type CodexConnectionMethod = 'api-key' | 'chatgpt';
export type OpencodeConnectionMethod = 'zen' | 'custom';
export type ConnectionMethod = ClaudeConnectionMethod | CodexConnectionMethod | OpencodeConnectionMethod;

/** Whether the caller connected a provider, how, and through which base URL. Secrets never come out. */
export interface ConnectionStatusDto<M extends ConnectionMethod = ConnectionMethod> {
  connected: boolean;
  method: M | null;
  baseUrl: string | null;
}
export type ClaudeConnectionResponse = ConnectionStatusDto<ClaudeConnectionMethod>;
export type CodexConnectionResponse = ConnectionStatusDto<CodexConnectionMethod>;
export interface OpencodeConnectionResponse extends ConnectionStatusDto<OpencodeConnectionMethod> {
  /** The custom provider's models as the user listed them (Zen's come from the live catalog). */
  models: string[];
}
/** The offline demo: connected to the simulated model, labelled so. */
export interface SimulatedConnectionResponse extends ClaudeConnectionResponse {
  simulated: true;
}

export interface ProviderInfoDto extends ConnectionStatusDto {
  name: ProviderName;
  /** Whether this server build can run the provider at all. */
  available: boolean;
  /** Null when the provider is not available. */
  capabilities: ProviderCapabilities | null;
  /** Connected to the offline demo's simulated model rather than a real vendor. */
  simulated: boolean;
}
export interface ProvidersResponse {
  providers: ProviderInfoDto[];
}

/** The in-app `claude setup-token` sign-in, step by step. */
export type SetupTokenStatusResponse =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'awaiting-code'; url: string }
  | { status: 'verifying' }
  | { status: 'connected' }
  | { status: 'failed'; error: string };
export interface SetupTokenStartResponse {
  status: 'awaiting-code';
  /** The sign-in page; it shows the code the user types back. */
  url: string;
  /** The vendor-terms notice shown beside the link. */
  notice: string;
}
export interface SetupTokenCompleteResponse {
  status: 'connected';
}

/** The in-app `codex login --device-auth` sign-in, step by step. */
export type DeviceLoginStatusResponse =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'awaiting-approval'; url: string; code: string }
  | { status: 'connected' }
  | { status: 'failed'; error: string };
export type DeviceLoginStartResponse = Extract<DeviceLoginStatusResponse, { status: 'awaiting-approval' }>;

/** A model of the caller's live OpenCode catalog. */
export interface OpencodeModelDto {
  /** `providerID/modelID`, the form a run's model takes. */
  id: string;
  name: string;
  provider: string;
  /** The context window, when the catalog says. */
  contextTokens: number | null;
}
export interface OpencodeModelsResponse {
  models: OpencodeModelDto[];
}

export type AgentSettingsDto = Record<AgentType, RoleModel>;
/** The caller's model per agent role; null until a provider is connected or settings are saved. */
export interface AgentSettingsResponse {
  settings: AgentSettingsDto | null;
}

/** `prompt`: a role prompt rendered with variables; `template`: a document skeleton used as is. */
export type PromptKind = 'prompt' | 'template';
export interface PromptSummaryDto {
  name: string;
  label: string;
  kind: PromptKind;
  customized: boolean;
}
export interface PromptDetailDto extends PromptSummaryDto {
  /** The effective content: the override if there is one, else the default. */
  content: string;
  defaultContent: string;
  /** The variables the content may use (empty for templates, which are not rendered). */
  variables: readonly string[];
  /** The override file's modification time in ms, or null when not customized; sent back when saving. */
  mtime: number | null;
}
export interface PromptsResponse {
  prompts: PromptSummaryDto[];
}
export interface PromptResponse {
  prompt: PromptDetailDto;
}

// ── Webhooks, usage and the sandbox ──────────────────────────────────────────

export interface WebhookHealthResponse {
  secretConfigured: boolean;
  triggerHandle: string;
  /** The events to subscribe the GitHub webhook to. */
  events: readonly string[];
  /** Where GitHub delivers. */
  path: string;
}
/** What a GitHub delivery led to. */
export type WebhookDeliveryResponse =
  | { status: 'ignored'; reason: string }
  | { status: 'triggered'; taskId: number; conversationId: number | null; runId: number }
  | { status: 'completed'; taskId: number }
  | { status: 'closed'; taskId: number }
  | { status: 'reopened'; taskId: number }
  /** The pull request changed or its checks ran: its CI state was read again and stored on the task. */
  | { status: 'ci'; taskId: number; ci: PrCiState | null };

export interface TaskUsageResponse {
  usage: TaskUsageDto;
}
export interface ProjectUsageResponse {
  usage: ProjectUsageDto;
}
export interface PricesResponse {
  prices: ModelPriceDto[];
}
export interface PriceResponse {
  price: ModelPriceDto;
}
export interface PriceDeletedResponse {
  /** False when no price was set for that model. */
  deleted: boolean;
}
export interface SandboxStatusResponse {
  sandbox: SandboxStatusDto;
}
export interface AllowedHostsResponse {
  allowedHosts: AllowedHostsDto;
}

// ── The pull-request stage ───────────────────────────────────────────────────

export interface PullRequestStageResponse {
  pullRequest: PullRequestStageDto;
}
export interface PrSettingsResponse {
  prSettings: PrSettingsDto;
}
export interface WipLimitsResponse {
  wipLimits: WipLimitsDto;
}
