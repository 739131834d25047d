// Every query key the app uses, in one place, so event handlers and screens
// agree on where each piece of server state lives in the cache.
import type { TaskStatus } from '@bottega/protocol';

export const keys = {
  authStatus: ['auth-status'] as const,
  me: ['me'] as const,
  projects: ['projects'] as const,
  /** What needs the user across their projects (GET /api/inbox). */
  inbox: ['inbox'] as const,
  /** The command palette's task search across projects (GET /api/search/tasks). */
  taskSearch: (q: string) => ['search', 'tasks', q] as const,
  project: (id: number) => ['project', id] as const,
  members: (projectId: number) => ['project', projectId, 'members'] as const,
  /** Board column: an infinite query of TaskPageDto pages. */
  taskColumn: (projectId: number, status: TaskStatus) => ['tasks', projectId, status] as const,
  taskColumns: (projectId: number) => ['tasks', projectId] as const,
  activeRuns: (projectId: number) => ['project', projectId, 'active-runs'] as const,
  task: (id: number) => ['task', id] as const,
  /** The instance's iteration cap, learnt with each task read (see lib/task-read.ts). */
  maxIterations: ['max-iterations'] as const,
  taskRuns: (taskId: number) => ['task', taskId, 'runs'] as const,
  taskConversations: (taskId: number) => ['task', taskId, 'conversations'] as const,
  taskDocument: (taskId: number) => ['task', taskId, 'document'] as const,
  taskDiff: (taskId: number) => ['task', taskId, 'diff'] as const,
  taskFiles: (taskId: number) => ['task', taskId, 'files'] as const,
  taskUsage: (taskId: number) => ['task', taskId, 'usage'] as const,
  /** The pull-request stage as Bottega last read it (GET /api/tasks/:taskId/pull-request). */
  taskPullRequest: (taskId: number) => ['task', taskId, 'pull-request'] as const,
  projectUsage: (projectId: number) => ['project', projectId, 'usage'] as const,
  adminPrices: ['admin', 'prices'] as const,
  /** The slash commands the chat input offers for a task. */
  taskCommands: (taskId: number) => ['task', taskId, 'commands'] as const,
  conversation: (id: number) => ['conversation', id] as const,
  conversationLive: (id: number) => ['conversation', id, 'live'] as const,
  /** A chat turn waiting for a run slot: its place (RunQueueDto), null once it got one (turn.queued events only). */
  conversationQueue: (id: number) => ['conversation', id, 'queue'] as const,
  /** ChatTranscript (see features/chat/transcript.ts). */
  messages: (conversationId: number) => ['conversation', conversationId, 'messages'] as const,
  providers: ['providers'] as const,
  setupToken: ['providers', 'anthropic', 'setup-token'] as const,
  agentSettings: ['agent-settings'] as const,
  prompts: ['prompts'] as const,
  prompt: (name: string) => ['prompts', name] as const,
  apiKey: ['api-key'] as const,
  adminUsers: ['admin', 'users'] as const,
  adminSettings: ['admin', 'settings'] as const,
  webhookHealth: ['webhooks', 'health'] as const,
  adminSandbox: ['admin', 'sandbox'] as const,
  /** Admin → Capacity (GET /api/admin/capacity): the CapacityDto. */
  adminCapacity: ['admin', 'capacity'] as const,
  /** Admin → Cluster (GET /api/admin/cluster): the ClusterDto. */
  adminCluster: ['admin', 'cluster'] as const,
  allowedHosts: (projectId: number) => ['project', projectId, 'allowed-hosts'] as const,
  prSettings: (projectId: number) => ['project', projectId, 'pr-settings'] as const,
  wipLimits: (projectId: number) => ['project', projectId, 'wip-limits'] as const,
};
