// Usage totals, always computed by SQL sums over the per-turn usage records
// (never counted separately): per run, per role and per task, per project,
// and the manual chats of a task or project. A turn's cost is the provider's
// own figure when it gave one, else tokens × the price table; a turn whose
// model has no price row has no cost, and neither has any total containing
// it — tokens are shown, a guessed or partial cost never is.
import { sql, type RawBuilder } from 'kysely';
import type { AgentType, UsageTotalsDto } from '@bottega/protocol';
import type { Deps } from '../deps';

type Db = Deps['db'];

/** The cost of one usage record `u` priced by the joined row `p` (null when unpriced). */
const turnCost = sql<number | null>`case
  when p.model is null then null
  when u.reported_cost_usd is not null then u.reported_cost_usd
  else (u.input_tokens * p.input_per_mtok + u.output_tokens * p.output_per_mtok
        + u.cache_read_tokens * p.cache_read_per_mtok + u.cache_write_tokens * p.cache_write_per_mtok) / 1000000.0
end`;

const sums = [
  sql<number | string>`coalesce(sum(u.input_tokens), 0)`.as('input'),
  sql<number | string>`coalesce(sum(u.output_tokens), 0)`.as('output'),
  sql<number | string>`coalesce(sum(u.cache_read_tokens), 0)`.as('cache_read'),
  sql<number | string>`coalesce(sum(u.cache_write_tokens), 0)`.as('cache_write'),
  sql<number | string | null>`sum(${turnCost})`.as('cost'),
  sql<number | string>`count(u.id)`.as('turns'),
  sql<number | string>`count(p.model)`.as('priced'),
] as const;

export interface SumRow {
  input: number | string;
  output: number | string;
  cache_read: number | string;
  cache_write: number | string;
  cost: number | string | null;
  turns: number | string;
  priced: number | string;
}

export const ZERO_USAGE: Readonly<UsageTotalsDto> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
});

/** PostgreSQL returns bigint sums as strings; SQLite as numbers. */
export function totalsOf(row: SumRow | undefined): UsageTotalsDto {
  if (!row) return { ...ZERO_USAGE };
  const priced = Number(row.priced) === Number(row.turns);
  return {
    inputTokens: Number(row.input),
    outputTokens: Number(row.output),
    cacheReadTokens: Number(row.cache_read),
    cacheWriteTokens: Number(row.cache_write),
    costUsd: priced ? Number(row.cost ?? 0) : null,
  };
}

/** Agent runs joined to the usage of their conversation and its prices. */
function runsWithUsage(db: Db) {
  return db
    .selectFrom('agent_runs as r')
    .leftJoin('usage_records as u', 'u.conversation_id', 'r.conversation_id')
    .leftJoin('model_prices as p', (j) => j.onRef('p.provider', '=', 'u.provider').onRef('p.model', '=', 'u.model'));
}

/** Usage of each run, by run id (runs without any turn yet get zeros). */
export async function usageOfRuns(db: Db, runIds: readonly number[]): Promise<Map<number, UsageTotalsDto>> {
  const out = new Map<number, UsageTotalsDto>();
  if (runIds.length === 0) return out;
  const rows = await runsWithUsage(db)
    .select(['r.id as run_id', ...sums])
    .where('r.id', 'in', [...runIds])
    .groupBy('r.id')
    .execute();
  for (const row of rows) out.set(row.run_id, totalsOf(row));
  return out;
}

/** Usage of the manual chat conversations of one task or of one project's tasks. */
async function chatUsage(db: Db, scope: { column: 't.id' | 't.project_id'; id: number }): Promise<UsageTotalsDto> {
  const row = await db
    .selectFrom('conversations as c')
    .innerJoin('tasks as t', 't.id', 'c.task_id')
    .innerJoin('usage_records as u', 'u.conversation_id', 'c.id')
    .leftJoin('model_prices as p', (j) => j.onRef('p.provider', '=', 'u.provider').onRef('p.model', '=', 'u.model'))
    .select([...sums])
    .where('c.kind', '=', 'chat')
    .where(scope.column, '=', scope.id)
    .executeTakeFirst();
  return totalsOf(row);
}

/**
 * Every turn of each task (agent runs and manual chats alike), one row per
 * task with any turn: a derived table to join to a list of tasks, restricted
 * by `taskIds` (SQL naming the task ids, e.g. a page selected in the same
 * statement) so the sums cover only the tasks asked for.
 */
export function usageByTask(db: Db, taskIds: RawBuilder<unknown>) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('usage_records as u', 'u.conversation_id', 'c.id')
    .leftJoin('model_prices as p', (j) => j.onRef('p.provider', '=', 'u.provider').onRef('p.model', '=', 'u.model'))
    .select(['c.task_id', ...sums])
    .where(sql<boolean>`c.task_id in (${taskIds})`)
    .groupBy('c.task_id');
}

export interface TaskUsage {
  byRole: { agentType: AgentType; runs: number; usage: UsageTotalsDto }[];
  total: UsageTotalsDto;
  chats: UsageTotalsDto;
}

export async function usageOfTask(db: Db, taskId: number): Promise<TaskUsage> {
  const roles = await runsWithUsage(db)
    .select(['r.agent_type', sql<number | string>`count(distinct r.id)`.as('runs'), ...sums])
    .where('r.task_id', '=', taskId)
    .groupBy('r.agent_type')
    .orderBy('r.agent_type')
    .execute();
  const total = await runsWithUsage(db)
    .select([...sums])
    .where('r.task_id', '=', taskId)
    .executeTakeFirst();
  const chats = await chatUsage(db, { column: 't.id', id: taskId });
  return {
    byRole: roles.map((r) => ({ agentType: r.agent_type, runs: Number(r.runs), usage: totalsOf(r) })),
    total: totalsOf(total),
    chats,
  };
}

export async function usageOfProject(db: Db, projectId: number): Promise<{ total: UsageTotalsDto; chats: UsageTotalsDto }> {
  const total = await runsWithUsage(db)
    .innerJoin('tasks as t', 't.id', 'r.task_id')
    .select([...sums])
    .where('t.project_id', '=', projectId)
    .executeTakeFirst();
  const chats = await chatUsage(db, { column: 't.project_id', id: projectId });
  return { total: totalsOf(total), chats };
}
