// Test builders for the task screen's component and logic tests.
import type { AgentRunDto, AgentType, ConversationDto, RunStatus, TaskDto } from '@bottega/protocol';

export function makeTask(over: Partial<TaskDto> = {}): TaskDto {
  return {
    id: 7,
    projectId: 3,
    ownerId: 1,
    title: 'Add a French greeting',
    status: 'in_progress',
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
    branchName: 'task/7-add-a-french-greeting',
    worktreePath: null,
    workspaceStatus: 'ready',
    workspaceError: null,
    devServerPort: 3107,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    ...over,
  };
}

export function makeRun(id: number, agentType: AgentType, status: RunStatus, over: Partial<AgentRunDto> = {}): AgentRunDto {
  return {
    id,
    taskId: 7,
    agentType,
    status,
    conversationId: id * 10,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    effort: null,
    trigger: 'manual',
    triggerUrl: null,
    failureReason: null,
    startedAt: '2030-01-01T00:00:00.000Z',
    endedAt: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    usage: { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 5000, cacheWriteTokens: 800, costUsd: 0.0123 },
    queue: null,
    ...over,
  };
}

export function makeConversation(id: number, over: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id,
    taskId: 7,
    kind: 'agent_run',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    effort: null,
    providerSessionId: null,
    title: null,
    contextUsage: null,
    questionWaiting: false,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    ...over,
  };
}
