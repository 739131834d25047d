// Read routes for a task's agent runs and conversations, and a conversation's
// transcript (paged by sequence number). Starting and stopping runs arrives
// with the orchestration loop.
import { z } from 'zod';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readQuery } from '../../http/validate';
import { presentConversation, presentRun } from './presenters';

const TranscriptQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export function runRoutes(deps: Deps): RouteDef[] {
  const { db } = deps;
  return [
    {
      method: 'GET',
      path: '/api/tasks/:taskId/agent-runs',
      access: access.task,
      handler: async (c) => {
        const rows = await db.selectFrom('agent_runs').selectAll().where('task_id', '=', c.get('task').id).orderBy('id', 'desc').execute();
        return c.json({ runs: rows.map(presentRun) });
      },
    },
    {
      method: 'GET',
      path: '/api/agent-runs/:runId',
      access: access.run,
      handler: (c) => c.json({ run: presentRun(c.get('run')) }),
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/conversations',
      access: access.task,
      handler: async (c) => {
        const rows = await db.selectFrom('conversations').selectAll().where('task_id', '=', c.get('task').id).orderBy('id', 'desc').execute();
        return c.json({ conversations: rows.map(presentConversation) });
      },
    },
    {
      method: 'GET',
      path: '/api/conversations/:conversationId',
      access: access.conversation,
      handler: (c) => c.json({ conversation: presentConversation(c.get('conversation')) }),
    },
    {
      method: 'GET',
      path: '/api/conversations/:conversationId/messages',
      access: access.conversation,
      handler: async (c) => {
        const q = readQuery(c, TranscriptQuery);
        const rows = await db
          .selectFrom('transcript_entries')
          .select(['seq', 'payload'])
          .where('conversation_id', '=', c.get('conversation').id)
          .where('seq', '>', q.afterSeq)
          .orderBy('seq')
          .limit(q.limit)
          .execute();
        const messages = rows.map((r) => JSON.parse(r.payload) as unknown);
        return c.json({ messages, lastSeq: rows.at(-1)?.seq ?? q.afterSeq });
      },
    },
  ];
}
