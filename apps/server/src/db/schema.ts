// Kysely table types: the whole domain model of docs/behaviour/domain.md. Booleans are stored
// as 0/1 integers and timestamps as ISO-8601 text so the same DDL and queries
// work on SQLite and PostgreSQL.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AgentType,
  CiRoundState,
  ConversationKind,
  PrCiState,
  PrMergeable,
  PrUpdateStrategy,
  RunStatus,
  RunTrigger,
  TaskStatus,
  WorkspaceStatus,
} from '@bottega/protocol';

type Bool = number; // 0 | 1

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  is_active: Bool;
  is_admin: Bool;
  is_technical: Bool;
  has_completed_onboarding: Bool;
  api_key_hash: string | null;
  api_key_prefix: string | null;
  api_key_created_at: string | null;
  api_key_last_used_at: string | null;
  git_name: string | null;
  git_email: string | null;
  token_version: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  repo_path: string;
  subproject_path: string | null;
  owner_id: number | null;
  created_at: string;
  updated_at: string;
  /** The URL a project created by cloning came from (kept for a retry). */
  clone_url: Generated<string | null>;
  /** null: a usable checkout; `cloning` in the background; `failed` (see clone_error). */
  clone_status: Generated<CloneStatus | null>;
  clone_error: Generated<string | null>;
  /** How the PR agent catches up with a moved default branch. */
  pr_update_strategy: Generated<PrUpdateStrategy>;
  /** The project's cap on CI rounds per PR run; null follows BOTTEGA_MAX_CI_ROUNDS. */
  pr_max_ci_rounds: Generated<number | null>;
  /** Work-in-progress limits of the board's columns; null where a column has none. */
  wip_limit_pending: Generated<number | null>;
  wip_limit_in_progress: Generated<number | null>;
  wip_limit_in_review: Generated<number | null>;
}

export type CloneStatus = 'cloning' | 'failed';
export type ProjectRole = 'owner' | 'member';

export interface ProjectMembersTable {
  project_id: number;
  user_id: number;
  role: Generated<ProjectRole>;
  created_at: string;
}

export interface TasksTable {
  id: Generated<number>;
  project_id: number;
  owner_id: number | null;
  title: string;
  status: TaskStatus;
  yolo_mode: Bool;
  planification_complete: Bool;
  workflow_complete: Bool;
  workflow_blocked: Bool;
  block_reason: string | null;
  workflow_run_count: number;
  refinement_complete: Bool;
  pr_agent_complete: Bool;
  pr_url: string | null;
  /** The task's pull request was closed without merging (seen through a webhook). */
  pr_closed: Generated<Bool>;
  /** The pull request's CI as last read from GitHub (after the PR agent, on a webhook); null before. */
  pr_ci_state: Generated<PrCiState | null>;
  /** Why the last PR agent run ended without `pr-complete`; null otherwise. */
  pr_stop_reason: Generated<string | null>;
  /** The pull request's mergeability as last read from GitHub; null before. */
  pr_mergeable: Generated<PrMergeable | null>;
  /** JSON array of the files conflicting with the default branch (when CONFLICTING); null otherwise. */
  pr_conflict_files: Generated<string | null>;
  /** Counts of `pr_ci_rounds` and `pr_review_threads` rows, kept for the board card. */
  pr_ci_rounds: Generated<number>;
  pr_threads_total: Generated<number>;
  pr_threads_open: Generated<number>;
  /** What stands behind a block beyond its reason (a failing log excerpt, conflicting files). */
  block_detail: Generated<string | null>;
  branch_name: string | null;
  worktree_path: string | null;
  workspace_status: Generated<WorkspaceStatus>;
  workspace_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConversationsTable {
  id: Generated<number>;
  task_id: number;
  kind: ConversationKind;
  provider: string | null;
  model: string | null;
  effort: string | null;
  provider_session_id: string | null;
  title: string | null;
  /** JSON snapshot of the last context-usage report. */
  context_usage: string | null;
  /** JSON {toolUseId, questions} of a question the agent is waiting on, else null. */
  pending_question: string | null;
  created_at: string;
  updated_at: string;
}

export interface AgentRunsTable {
  id: Generated<number>;
  task_id: number;
  agent_type: AgentType;
  status: RunStatus;
  conversation_id: number | null;
  provider: string | null;
  model: string | null;
  effort: string | null;
  trigger: RunTrigger;
  failure_reason: string | null;
  /** The acting user: who pressed Run, or whose run chained into this one. */
  started_by: number | null;
  /** SHA-256 of the run-scoped signal token (only while the run may signal). */
  signal_token_hash: string | null;
  /** The GitHub comment or review that started a webhook run. */
  trigger_url: string | null;
  started_at: string | null;
  ended_at: string | null;
  created_at: string;
  /** When the run was (last) queued for a slot (docs/behaviour/capacity.md). */
  queued_at: string | null;
  /** Within its user's queue: 1 for a chained or resumed run (ahead of new work), 0 for new work. */
  queue_priority: Generated<number>;
  /** JSON of what a queued start needs later (QueuePayload in engine/run-queue.ts). */
  queue_payload: string | null;
  /** While `waiting_for_quota`: when the provider's usage limit resets and the run goes on. */
  resume_at: string | null;
  /** The node executing the run while it is `running` (docs/deploy/cluster.md); null before and on a single server's older rows. */
  node_id: string | null;
  /** The node that took up the loop's next step after the run's own node died completing it (engine/node-takeover.ts). */
  taken_up_by: string | null;
}

export interface TranscriptEntriesTable {
  id: Generated<number>;
  conversation_id: number;
  seq: number;
  /** Stable id of the unified message (idempotent re-emits). */
  entry_id: string;
  type: string;
  /** JSON of the unified message. */
  payload: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  delivery_id: string;
  event: string;
  /** What became of it: `triggered`, `ignored`, `completed`, `closed`, or `processing` while it runs. */
  outcome: string;
  received_at: string;
  /** The GitHub object the delivery acts on (webhooks/dedupe.ts), unique; null when it acts on none. */
  subject: string | null;
}

/** One finished turn's token usage (docs/behaviour/usage.md#usage-records, issue 8); runs, tasks and projects sum these. */
export interface UsageRecordsTable {
  id: Generated<number>;
  conversation_id: number;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  /** The provider's own cost figure for the turn, when it gives one. */
  reported_cost_usd: number | null;
  created_at: string;
}

/** The admin-editable price table, US dollars per million tokens. */
export interface ModelPricesTable {
  provider: string;
  model: string;
  input_per_mtok: number;
  output_per_mtok: number;
  cache_read_per_mtok: number;
  cache_write_per_mtok: number;
  updated_at: string;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface UserAgentSettingsTable {
  user_id: number;
  agent_type: AgentType;
  provider: string;
  model: string;
  effort: string | null;
  updated_at: string;
}

/** Hosts an administrator lets one project's agents reach through the sandbox proxy. */
export interface ProjectAllowedHostsTable {
  project_id: number;
  host: string;
}

export interface Database {
  users: UsersTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  tasks: TasksTable;
  conversations: ConversationsTable;
  agent_runs: AgentRunsTable;
  transcript_entries: TranscriptEntriesTable;
  instance_settings: InstanceSettingsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  user_agent_settings: UserAgentSettingsTable;
  usage_records: UsageRecordsTable;
  model_prices: ModelPricesTable;
  project_allowed_hosts: ProjectAllowedHostsTable;
  pr_ci_rounds: PrCiRoundsTable;
  pr_review_threads: PrReviewThreadsTable;
  cluster_nodes: ClusterNodesTable;
  cluster_events: ClusterEventsTable;
  cluster_job_workers: ClusterJobWorkersTable;
}

/** One server process of the deployment (docs/deploy/cluster.md). */
export interface ClusterNodesTable {
  /** New at every start. */
  id: string;
  role: 'all' | 'api' | 'worker';
  hostname: string;
  pid: number;
  /** Bottega's version the node runs. */
  version: string;
  /** Where the node's HTTP listener is reached (API nodes; a worker's loopback listener). */
  url: string | null;
  /** Agent runs the node executes at once (0 for an API node). */
  slots: number;
  started_at: string;
  heartbeat_at: string;
  /** Set by a clean stop, or by another node when the lease expired. */
  stopped_at: string | null;
  stop_reason: 'stopped' | 'lease_expired' | null;
}

/** A job worker of a node (its Graphile Worker name): how a dead node's held jobs are found. */
export interface ClusterJobWorkersTable {
  worker_id: string;
  node_id: string;
}

/** An event or control message too large for a notification, read by the other nodes by its id (pruned after minutes). */
export interface ClusterEventsTable {
  id: Generated<number>;
  /** The node that wrote it. */
  origin: string;
  /** The JSON the notification would have carried. */
  payload: string;
  created_at: string;
}

/** One CI round of a task's pull request: the checks of one pushed head commit. */
export interface PrCiRoundsTable {
  id: Generated<number>;
  task_id: number;
  round: number;
  head_sha: string;
  state: CiRoundState;
  /** JSON array of failing check names. */
  failing_checks: Generated<string>;
  log_excerpt: string | null;
  details_url: string | null;
  agent_run_id: number | null;
  created_at: string;
  updated_at: string;
}

/** A review thread of a task's pull request as last read from GitHub. */
export interface PrReviewThreadsTable {
  task_id: number;
  thread_id: string;
  path: string;
  line: number | null;
  author: string;
  body: string;
  url: string;
  resolved: Bool;
  reply_count: number;
  last_reply_author: string | null;
  last_reply_body: string | null;
  /** Order on the pull request (GitHub's order of threads). */
  position: number;
  updated_at: string;
}

export type UserRow = Selectable<UsersTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type TaskRow = Selectable<TasksTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type AgentRunRow = Selectable<AgentRunsTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type Timestamp = ColumnType<string, string, string>;
