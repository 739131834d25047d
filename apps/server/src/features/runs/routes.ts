// Read routes for a task's agent runs and conversations. Starting runs arrives
// with the orchestration loop; chat turns and transcripts are in features/chat.
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { presentConversation, presentRun } from './presenters';

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
  ];
}
