// Closed vocabularies of the domain (docs/behaviour/domain.md#vocabularies), shared by server and web.
import { z } from 'zod';

export const taskStatuses = ['pending', 'in_progress', 'in_review', 'completed'] as const;
export const TaskStatus = z.enum(taskStatuses);
export type TaskStatus = z.infer<typeof TaskStatus>;

/**
 * A task's worktree: none (not a git project), preparing (files being checked
 * out in the background), ready, or failed (see the task's workspaceError).
 */
export const workspaceStatuses = ['none', 'preparing', 'ready', 'failed'] as const;
export const WorkspaceStatus = z.enum(workspaceStatuses);
export type WorkspaceStatus = z.infer<typeof WorkspaceStatus>;

/** A pull request's CI as last read from GitHub: no checks, some pending, any failed, all green. */
export const prCiStates = ['none', 'pending', 'failure', 'success'] as const;
export const PrCiState = z.enum(prCiStates);
export type PrCiState = z.infer<typeof PrCiState>;

export const agentTypes = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'] as const;
export const AgentType = z.enum(agentTypes);
export type AgentType = z.infer<typeof AgentType>;

/** How the six agent roles are named to people (screens, conversation titles). */
export const AGENT_LABELS: Record<AgentType, string> = {
  planification: 'Planning',
  implementation: 'Implementation',
  review: 'Review',
  refinement: 'Refinement',
  pr: 'Pull request',
  yolo: 'YOLO',
};

/** The title of an agent run's conversation ("Planning run"). */
export const agentRunTitle = (agentType: AgentType): string => `${AGENT_LABELS[agentType]} run`;

/**
 * `queued`: waiting for a run slot (docs/behaviour/capacity.md); `waiting_for_quota`: parked until
 * its provider's usage limit resets, then it resumes its session.
 */
export const runStatuses = ['pending', 'queued', 'running', 'waiting_for_quota', 'completed', 'failed', 'blocked', 'interrupted'] as const;
export const RunStatus = z.enum(runStatuses);
export type RunStatus = z.infer<typeof RunStatus>;

export const runTriggers = ['manual', 'chain', 'webhook'] as const;
export const RunTrigger = z.enum(runTriggers);
export type RunTrigger = z.infer<typeof RunTrigger>;

/** A member's role in a project: its owner (deletes it, moves its path) or a member. */
export const projectRoles = ['owner', 'member'] as const;
export const ProjectRole = z.enum(projectRoles);
export type ProjectRole = z.infer<typeof ProjectRole>;

/** A project cloned from a URL: `cloning` in the background, or `failed`. */
export const cloneStatuses = ['cloning', 'failed'] as const;
export const CloneStatus = z.enum(cloneStatuses);
export type CloneStatus = z.infer<typeof CloneStatus>;

export const conversationKinds = ['chat', 'agent_run'] as const;
export const ConversationKind = z.enum(conversationKinds);
export type ConversationKind = z.infer<typeof ConversationKind>;

export const providerNames = ['anthropic', 'openai', 'opencode'] as const;
export const ProviderName = z.enum(providerNames);
export type ProviderName = z.infer<typeof ProviderName>;

/**
 * Each provider's effort vocabulary (docs/behaviour/providers.md#models-and-effort): the closed set `effort` may be
 * for it, or null where the provider has no effort knob.
 */
export const EFFORT_LEVELS: Record<ProviderName, readonly string[] | null> = {
  anthropic: ['low', 'medium', 'high', 'xhigh', 'max'],
  openai: ['minimal', 'low', 'medium', 'high'],
  opencode: null,
};

/** Live runs: at most one per task (a queued or waiting run holds its task too). */
export function isLiveRunStatus(status: RunStatus): boolean {
  return status === 'running' || status === 'pending' || status === 'queued' || status === 'waiting_for_quota';
}

/** Runs that have not started yet or wait to go on: they take no run slot and can be cancelled. */
export function isWaitingRunStatus(status: RunStatus): boolean {
  return status === 'queued' || status === 'waiting_for_quota';
}

/**
 * The largest row id (and transcript seq) there can be: ids are 32-bit integers on PostgreSQL.
 * Larger numbers are refused at the edge rather than reaching the database.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** A row id in a request body or frame. */
export const RowId = z.number().int().positive().max(MAX_ROW_ID);
