// JSON shapes the API returns. The server's presenters build exactly these;
// the web app reads them. Raw rows never leave the server.
import type { RunQueueDto } from './capacity';
import type { ContextUsage, UnifiedMessage, UserQuestion } from './messages';
import type {
  AgentType,
  CloneStatus,
  ConversationKind,
  PrCiState,
  ProjectRole,
  ProviderName,
  RunStatus,
  RunTrigger,
  TaskStatus,
  WorkspaceStatus,
} from './domain';
import type { PrMergeable } from './pull-request';

export interface UserDto {
  id: number;
  username: string;
  isActive: boolean;
  isAdmin: boolean;
  isTechnical: boolean;
  hasCompletedOnboarding: boolean;
  gitName: string | null;
  gitEmail: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface ApiKeyStatusDto {
  hasKey: boolean;
  prefix: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
}

export type TaskCounts = Record<TaskStatus, number>;

/** Where a clone by URL stands; a project without one is a usable checkout. */
export interface ProjectCloneDto {
  status: CloneStatus;
  /** git's current phase while cloning ("Receiving objects", "Resolving deltas", …). */
  phase: string | null;
  /** Percent of the current phase, when git reports one. */
  percent: number | null;
  /** Why the clone failed (authentication, not found, network, …). */
  error: string | null;
}

export interface ProjectDto {
  id: number;
  name: string;
  repoPath: string;
  subprojectPath: string | null;
  ownerId: number | null;
  /** The URL the project was cloned from, if it was. */
  cloneUrl: string | null;
  clone: ProjectCloneDto | null;
  /** The viewer's role in the project; null for an administrator who is not a member. */
  role: ProjectRole | null;
  /** Whether the viewer may delete the project or change its path (its owner, or an administrator). */
  canManage: boolean;
  isGitRepo: boolean;
  taskCounts: TaskCounts;
  createdAt: string;
  updatedAt: string;
}

export interface MemberDto {
  userId: number;
  username: string;
  role: ProjectRole;
  addedAt: string;
}

export interface TaskDto {
  id: number;
  projectId: number;
  ownerId: number | null;
  title: string;
  status: TaskStatus;
  yoloMode: boolean;
  planificationComplete: boolean;
  workflowComplete: boolean;
  workflowBlocked: boolean;
  blockReason: string | null;
  workflowRunCount: number;
  refinementComplete: boolean;
  prAgentComplete: boolean;
  prUrl: string | null;
  /** The pull request was closed without merging. */
  prClosed: boolean;
  /** The pull request's CI as last read from GitHub (when the PR agent ended, on a webhook); null before. */
  prCiState: PrCiState | null;
  /** Why the last PR agent run ended without reporting its pull request complete (e.g. no GitHub remote); null otherwise. */
  prStopReason: string | null;
  /** The pull request's mergeability as last read from GitHub; null before. */
  prMergeable: PrMergeable | null;
  /** CI rounds recorded for the pull request (one per pushed head commit that ran checks). */
  prCiRounds: number;
  /** Review threads of the pull request, and how many of them are still unresolved. */
  prThreadsTotal: number;
  prThreadsOpen: number;
  /**
   * What stands behind a block, beyond its one-line reason: the last failing CI log excerpt,
   * or the files that conflict with the default branch; null otherwise.
   */
  blockDetail: string | null;
  branchName: string | null;
  worktreePath: string | null;
  workspaceStatus: WorkspaceStatus;
  workspaceError: string | null;
  devServerPort: number;
  createdAt: string;
  updatedAt: string;
  /**
   * What a board card shows beyond the task's own columns; only the board's
   * list (GET /api/projects/:projectId/tasks) carries it, events and the other
   * routes leave it out.
   */
  board?: TaskBoardFactsDto;
}

/** A board card's extra facts, read with the list in the same SQL statement. */
export interface TaskBoardFactsDto {
  /** The username of the task's creator; null when that account was deleted. */
  creatorName: string | null;
  /** Every turn of the task so far: its agent runs and its manual chats. */
  usage: UsageTotalsDto;
  /** An agent or chat of the task is waiting for an answer to its question. */
  questionWaiting: boolean;
  /** An agent other than the planner has run on the task: the plan gate was passed. */
  workStarted: boolean;
}

export interface TaskPageDto {
  tasks: TaskDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** The instance's cap on agent runs per task before the loop blocks (the card's "n of max"). */
  maxIterations: number;
}

export interface InputFileDto {
  name: string;
  size: number;
  modifiedAt: string;
}

/** A slash command the chat input offers (GET /api/tasks/:taskId/commands). */
export interface SlashCommandDto {
  /** `name` or `folder:name`, typed as `/name`. */
  name: string;
  description: string;
  /** `project`: the worktree's `.claude/commands`; `user`: the user's own commands folder. */
  source: 'project' | 'user';
}

/** Where a chat attachment went (POST /api/tasks/:taskId/tmp-files and …/files). */
export type AttachmentTarget = 'tmp' | 'input_files';

export interface ConversationDto {
  id: number;
  taskId: number;
  kind: ConversationKind;
  provider: string | null;
  model: string | null;
  effort: string | null;
  providerSessionId: string | null;
  title: string | null;
  contextUsage: ContextUsage | null;
  /** Its agent asked a question and waits for the user's answer (the live events `question.asked` and `question.answered` change it). */
  questionWaiting: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What is happening in a conversation right now. */
export interface ConversationLiveDto {
  streaming: boolean;
  /** Thinking streamed so far for the message in progress. */
  thinking: string;
  /** A question the agent is waiting on. */
  question: { toolUseId: string; questions: UserQuestion[] } | null;
  /** A chat turn waiting for a run slot: its place (docs/behaviour/capacity.md#chat-turns); `streaming` is false meanwhile. */
  queue: RunQueueDto | null;
}

export interface AgentRunDto {
  id: number;
  taskId: number;
  agentType: AgentType;
  status: RunStatus;
  conversationId: number | null;
  provider: string | null;
  model: string | null;
  effort: string | null;
  trigger: RunTrigger;
  /** For runs started by a GitHub comment or review: a link to it. */
  triggerUrl: string | null;
  failureReason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  /** Tokens and cost of every turn of the run (zero before its first turn ends). */
  usage: UsageTotalsDto;
  /** Where a queued or waiting run stands (docs/behaviour/capacity.md); null for any other. */
  queue: RunQueueDto | null;
}

/**
 * Tokens and cost of a set of turns. `costUsd` is null as soon as one of the
 * turns has a model without a price (never a partial or guessed cost).
 */
export interface UsageTotalsDto {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
}

/** GET /api/tasks/:taskId/usage: the task's agent runs per role, their total, and its manual chats apart. */
export interface TaskUsageDto {
  taskId: number;
  /** Agent roles that ran on the task, each with the sum of its runs. */
  byRole: { agentType: AgentType; runs: number; usage: UsageTotalsDto }[];
  /** The sum of every run of the task. */
  total: UsageTotalsDto;
  /** Manual chat conversations on the task (not part of `total`). */
  chats: UsageTotalsDto;
}

/** GET /api/projects/:projectId/usage: the sum of every run of every task of the project. */
export interface ProjectUsageDto {
  projectId: number;
  total: UsageTotalsDto;
  /** Manual chat conversations of the project's tasks (not part of `total`). */
  chats: UsageTotalsDto;
}

/** One row of the admin-editable price table, in US dollars per million tokens. */
export interface ModelPriceDto {
  provider: ProviderName;
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok: number;
  cacheWritePerMTok: number;
  updatedAt: string;
}

/** One page of a conversation's stored transcript. */
export interface TranscriptPageDto {
  messages: UnifiedMessage[];
  /** Seq of the first and last message on the page (null when empty). */
  firstSeq: number | null;
  lastSeq: number | null;
  /** More messages exist beyond this page in the direction it was read. */
  hasMore: boolean;
}

export type DiffFileStatus = 'added' | 'modified' | 'deleted' | 'type_changed';

/** One changed file of a task's branch diff; binary files count no lines. */
export interface DiffFileDto {
  path: string;
  status: DiffFileStatus;
  additions: number;
  deletions: number;
  binary: boolean;
}

/**
 * A task branch's changes against its base (GET /api/tasks/:taskId/diff):
 * from the merge-base with the base branch to the worktree as it is on disk,
 * uncommitted and untracked (not ignored) files included. `head` is the
 * branch's commit, null when the task has no ready worktree (then the diff is
 * empty). `truncated`: the patch (or the file list) was cut at the size cap.
 */
export interface TaskDiffDto {
  base: string;
  head: string | null;
  files: DiffFileDto[];
  patch: string;
  truncated: boolean;
}
