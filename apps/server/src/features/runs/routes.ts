// Agent runs: start one by hand (the loop's one entry point does the rest; it may
// wait in the run queue), resume an interrupted one, cancel a queued or waiting
// one, receive agents' signals, and read runs and
// conversations — per task, or the live ones of a whole project for the board
// and dashboard. Chat turns and transcripts are in features/chat.
import { isLiveRunStatus, runStatuses, StartRunBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { cancelQueuedRun, resumeInterruptedRun, startRun } from '../../engine/run-starter';
import { applySignal, SignalBody } from '../../engine/signals';
import { readJson } from '../../http/validate';
import { access, type RouteDef } from '../../http/routes';
import { presentConversation, presentRuns, presentRunWithUsage } from './presenters';

/**
 * Where agents report a stage. Served by every node that executes runs: an API node, and a
 * worker's own loopback listener (its agents signal the node they run on).
 */
export function signalRoute(deps: Deps): RouteDef {
  return {
    method: 'POST',
    path: '/api/signals',
    access: access.agent,
    body: 'json',
    handler: async (c) => {
      const body = await readJson(c, SignalBody);
      const token = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '');
      return c.json({ ok: true, message: await applySignal(deps, token, body) });
    },
  };
}

export function runRoutes(deps: Deps): RouteDef[] {
  const { db } = deps;
  const placeOf = (runId: number) => deps.scheduler.placeOf(runId);
  return [
    {
      method: 'POST',
      path: '/api/tasks/:taskId/agent-runs',
      access: access.task,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, StartRunBody);
        const run = await startRun(deps, {
          taskId: c.get('task').id,
          agentType: body.agentType,
          trigger: 'manual',
          actingUserId: c.get('user').id,
          ...(body.note !== undefined ? { note: body.note } : {}),
        });
        return c.json({ run: await presentRunWithUsage(db, run, placeOf) }, 201);
      },
    },
    {
      method: 'POST',
      path: '/api/agent-runs/:runId/resume',
      access: access.run,
      handler: async (c) =>
        c.json({ run: await presentRunWithUsage(db, await resumeInterruptedRun(deps, c.get('run'), c.get('user').id), placeOf) }),
    },
    {
      method: 'POST',
      path: '/api/agent-runs/:runId/cancel',
      access: access.run,
      handler: async (c) =>
        c.json({ run: await presentRunWithUsage(db, await cancelQueuedRun(deps, c.get('run'), c.get('user').username), placeOf) }),
    },
    signalRoute(deps),
    {
      method: 'GET',
      path: '/api/tasks/:taskId/agent-runs',
      access: access.task,
      handler: async (c) => {
        const rows = await db.selectFrom('agent_runs').selectAll().where('task_id', '=', c.get('task').id).orderBy('id', 'desc').execute();
        return c.json({ runs: await presentRuns(db, rows, placeOf) });
      },
    },
    {
      method: 'GET',
      path: '/api/projects/:projectId/active-runs',
      access: access.project,
      handler: async (c) => {
        const rows = await db
          .selectFrom('agent_runs')
          .innerJoin('tasks', 'tasks.id', 'agent_runs.task_id')
          .selectAll('agent_runs')
          .where('tasks.project_id', '=', c.get('project').id)
          .where('agent_runs.status', 'in', runStatuses.filter(isLiveRunStatus))
          .orderBy('agent_runs.id', 'desc')
          .execute();
        return c.json({ runs: await presentRuns(db, rows, placeOf) });
      },
    },
    {
      method: 'GET',
      path: '/api/agent-runs/:runId',
      access: access.run,
      handler: async (c) => c.json({ run: await presentRunWithUsage(db, c.get('run'), placeOf) }),
    },
    {
      method: 'GET',
      path: '/api/tasks/:taskId/conversations',
      access: access.task,
      handler: async (c) => {
        const rows = await db
          .selectFrom('conversations')
          .selectAll()
          .where('task_id', '=', c.get('task').id)
          .orderBy('id', 'desc')
          .execute();
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
