// Test builders for board tasks, column pages and runs (used by the board's
// component and logic tests only).
import type { AgentRunDto, TaskDto, TaskStatus } from '@bottega/protocol';
import type { ColumnData } from './columns';

export function buildTask(id: number, status: TaskStatus, over: Partial<TaskDto> = {}): TaskDto {
  return {
    id,
    projectId: 1,
    ownerId: 1,
    title: `Task ${id}`,
    status,
    yoloMode: false,
    planificationComplete: false,
    workflowComplete: false,
    workflowBlocked: false,
    blockReason: null,
    workflowRunCount: 0,
    refinementComplete: false,
    prAgentComplete: false,
    prUrl: null,
    prClosed: false,
    prCiState: null,
    prStopReason: null,
    prMergeable: null,
    prCiRounds: 0,
    prThreadsTotal: 0,
    prThreadsOpen: 0,
    blockDetail: null,
    branchName: null,
    worktreePath: null,
    workspaceStatus: 'none',
    workspaceError: null,
    devServerPort: 0,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: `2030-01-01T00:00:${String(id).padStart(2, '0')}.000Z`,
    ...over,
  };
}

export function pages(...taskPages: TaskDto[][]): ColumnData {
  return {
    pages: taskPages.map((tasks, i) => ({ tasks, nextCursor: i < taskPages.length - 1 ? `c${i + 1}` : null, maxIterations: 25 })),
    pageParams: taskPages.map((_, i) => (i === 0 ? null : `c${i}`)),
  };
}

export function buildRun(id: number, taskId: number, status: AgentRunDto['status']): AgentRunDto {
  return {
    id,
    taskId,
    agentType: 'implementation',
    status,
    queue: null,
    conversationId: null,
    provider: null,
    model: null,
    effort: null,
    trigger: 'manual',
    triggerUrl: null,
    failureReason: null,
    startedAt: null,
    endedAt: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
  };
}
