// The user's own conversation title (docs/behaviour/chat.md#titles): replaces an automatic one
// (or none) and is published as `conversation.renamed` for live headers.
import type { ConversationRow, ProjectRow } from '../../db/schema';
import type { Deps } from '../../deps';
import { iso } from '../../time';

export async function renameConversation(
  deps: Pick<Deps, 'db' | 'bus' | 'now'>,
  project: ProjectRow,
  conversation: ConversationRow,
  title: string,
): Promise<ConversationRow> {
  const row = await deps.db
    .updateTable('conversations')
    .set({ title, updated_at: iso(deps.now()) })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  deps.bus.publish({ type: 'conversation.renamed', projectId: project.id, taskId: row.task_id, conversationId: row.id, title });
  return row;
}
