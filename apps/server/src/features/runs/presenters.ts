// Agent-run and conversation JSON.
import type { AgentRunDto, ContextUsage, ConversationDto } from '@bottega/protocol';
import type { AgentRunRow, ConversationRow } from '../../db/schema';

export function presentRun(row: AgentRunRow): AgentRunDto {
  return {
    id: row.id,
    taskId: row.task_id,
    agentType: row.agent_type,
    status: row.status,
    conversationId: row.conversation_id,
    provider: row.provider,
    model: row.model,
    effort: row.effort,
    trigger: row.trigger,
    triggerUrl: row.trigger_url,
    failureReason: row.failure_reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    createdAt: row.created_at,
  };
}

export function presentConversation(row: ConversationRow): ConversationDto {
  return {
    id: row.id,
    taskId: row.task_id,
    kind: row.kind,
    provider: row.provider,
    model: row.model,
    effort: row.effort,
    providerSessionId: row.provider_session_id,
    title: row.title,
    contextUsage: row.context_usage ? (JSON.parse(row.context_usage) as ContextUsage) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
