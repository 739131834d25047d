// The inbox (docs/behaviour/web-app.md#inbox): across the projects the user is a
// member of, every task that waits for them and why — by the same rule as the
// board cards' markers (protocol `needsYou`). One SQL statement reads the
// candidate tasks with their project and the facts the rule needs; the rule
// then picks the reasons.
import { sql } from 'kysely';
import { isLiveRunStatus, needsYou, runStatuses, type InboxItemDto, type NeedsYouReason } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { presentTask } from '../../engine/presenters';

const urgency: Record<NeedsYouReason, number> = { question: 0, blocked: 1, plan: 2, pr: 3 };
const liveStatuses = runStatuses.filter(isLiveRunStatus);

export async function readInbox(deps: Pick<Deps, 'db'>, userId: number): Promise<InboxItemDto[]> {
  const rows = await deps.db
    .selectFrom('tasks as t')
    .innerJoin('project_members as m', (j) => j.onRef('m.project_id', '=', 't.project_id').on('m.user_id', '=', userId))
    .innerJoin('projects as p', 'p.id', 't.project_id')
    .selectAll('t')
    .select([
      'p.name as project_name',
      sql<number | null>`(select min(q.id) from conversations q where q.task_id = t.id and q.pending_question is not null)`.as(
        'question_conversation_id',
      ),
      sql<string | null>`(select max(q.updated_at) from conversations q where q.task_id = t.id and q.pending_question is not null)`.as(
        'question_since',
      ),
      sql<number>`exists (select 1 from agent_runs w where w.task_id = t.id and w.agent_type <> 'planification')`.as('work_started'),
      sql<number>`exists (select 1 from agent_runs r where r.task_id = t.id and r.status in (${sql.join(liveStatuses)}))`.as('live_run'),
    ])
    .where((eb) =>
      eb.or([
        eb.exists(
          eb.selectFrom('conversations as c').select('c.id').whereRef('c.task_id', '=', 't.id').where('c.pending_question', 'is not', null),
        ),
        eb.and([
          eb('t.status', '<>', 'completed'),
          eb.or([eb('t.workflow_blocked', '=', 1), eb('t.planification_complete', '=', 1), eb('t.pr_agent_complete', '=', 1)]),
        ]),
      ]),
    )
    .execute();

  const items: InboxItemDto[] = [];
  for (const row of rows) {
    const task = presentTask(row);
    const reasons = needsYou(
      { ...task, questionWaiting: row.question_conversation_id !== null, workStarted: Number(row.work_started) === 1 },
      Number(row.live_run) === 1,
    );
    for (const r of reasons) {
      const question = r.reason === 'question';
      items.push({
        projectId: task.projectId,
        projectName: row.project_name,
        taskId: task.id,
        taskTitle: task.title,
        reason: r.reason,
        label: r.label,
        detail: r.detail,
        since: question && row.question_since ? row.question_since : task.updatedAt,
        conversationId: question ? row.question_conversation_id : null,
      });
    }
  }
  return items.sort((a, b) => urgency[a.reason] - urgency[b.reason] || a.since.localeCompare(b.since) || a.taskId - b.taskId);
}
