// Conversation JSON: published by the runtime when a conversation is created
// and answered by the run and chat routes.
import { agentRunTitle, agentTypes, type ContextUsage, type ConversationDto } from '@bottega/protocol';
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
    title: row.kind === 'agent_run' ? humanRunTitle(row.title) : row.title,
    contextUsage: row.context_usage ? (JSON.parse(row.context_usage) as ContextUsage) : null,
    questionWaiting: row.pending_question !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Agent runs were once titled with the role's code name ("planification run"); people see its name. */
function humanRunTitle(title: string | null): string | null {
  const role = agentTypes.find((t) => title === `${t} run`);
  return role ? agentRunTitle(role) : title;
}
