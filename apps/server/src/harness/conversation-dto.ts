// Conversation JSON: published by the runtime when a conversation is created
// and answered by the run and chat routes.
import type { ContextUsage, ConversationDto } from '@bottega/protocol';
import type { ConversationRow } from '../db/schema';

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
