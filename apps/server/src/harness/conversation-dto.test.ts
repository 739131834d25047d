// Conversation JSON: an agent run's title names its role as people do, also
// for conversations titled with the role's code name before; chats and titles a
// user chose are left as they are. A question recorded for the conversation is
// said as `questionWaiting` (the task page's "What next" reads it).
import { describe, expect, it } from 'vitest';
import type { ConversationRow } from '../db/schema';
import { presentConversation } from './conversation-dto';

const row = (kind: ConversationRow['kind'], title: string | null): ConversationRow => ({
  id: 1,
  task_id: 2,
  kind,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  effort: null,
  provider_session_id: null,
  title,
  context_usage: null,
  pending_question: null,
  created_at: '2030-01-01T00:00:00.000Z',
  updated_at: '2030-01-01T00:00:00.000Z',
});

describe('conversation titles', () => {
  it('names an agent run by its role, whatever it was stored as', () => {
    expect(presentConversation(row('agent_run', 'planification run')).title).toBe('Planning run');
    expect(presentConversation(row('agent_run', 'pr run')).title).toBe('Pull request run');
    expect(presentConversation(row('agent_run', 'yolo run')).title).toBe('YOLO run');
    expect(presentConversation(row('agent_run', 'Review run')).title).toBe('Review run');
  });

  it('leaves chats and chosen titles alone', () => {
    expect(presentConversation(row('chat', 'planification run')).title).toBe('planification run');
    expect(presentConversation(row('agent_run', 'The login fix')).title).toBe('The login fix');
    expect(presentConversation(row('agent_run', null)).title).toBeNull();
  });
});

describe('a question waiting', () => {
  it('is said while a question is recorded, and not otherwise', () => {
    const asked = { ...row('agent_run', null), pending_question: JSON.stringify({ toolUseId: 't', questions: [] }) };
    expect(presentConversation(asked).questionWaiting).toBe(true);
    expect(presentConversation(row('agent_run', null)).questionWaiting).toBe(false);
  });
});
