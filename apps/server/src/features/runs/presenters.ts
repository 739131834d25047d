// Agent-run and conversation JSON.
import type { AgentRunDto, ContextUsage, ConversationDto, UsageTotalsDto } from '@bottega/protocol';
import type { AgentRunRow, ConversationRow } from '../../db/schema';
import type { Deps } from '../../deps';
import { usageOfRuns, ZERO_USAGE } from '../usage/totals';

/** Runs with their usage summed from their turns (one query for all of them). */
export async function presentRuns(db: Deps['db'], rows: readonly AgentRunRow[]): Promise<AgentRunDto[]> {
  const usage = await usageOfRuns(db, rows.map((r) => r.id));
  return rows.map((r) => presentRun(r, usage.get(r.id) ?? { ...ZERO_USAGE }));
}

export async function presentRunWithUsage(db: Deps['db'], row: AgentRunRow): Promise<AgentRunDto> {
  const [dto] = await presentRuns(db, [row]);
  return dto ?? presentRun(row, { ...ZERO_USAGE });
}

export function presentRun(row: AgentRunRow, usage: UsageTotalsDto): AgentRunDto {
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
    usage,
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
