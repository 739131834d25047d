// Per-turn costs for turns recorded before the one cost rule
// (docs/behaviour/usage.md#usage-records). Claude Code reports its session's
// running total; until the rule, that total was stored as each turn's own
// figure — in the usage record (`reported_cost_usd`) and in the transcript's
// `result` (`costUsd`) — so totals counted earlier turns again and the chat
// showed $0.05, $0.10, $0.15 for three equal turns. Each such figure becomes
// the turn's share: its total minus the conversation's previous total (the
// whole figure when the total went down: the count started again), the rule
// `turnShareOfRunningTotal` applies to new turns. A result keeps the total it
// reported as `runningCostUsd`, as new results do.
//
// Which figures are old: a result without a `runningCostUsd` key, and a usage
// record written before its conversation's first result that has one (a
// record is written right after its result). Everything newer is already per
// turn and stays as it is. Portable: read, reckoned here, written back row by row.
import type { Kysely } from 'kysely';
import type { Dialect } from '../ddl';

interface Tables {
  transcript_entries: { id: number; conversation_id: number; seq: number; type: string; payload: string; created_at: string };
  usage_records: { id: number; conversation_id: number; provider: string; reported_cost_usd: number | null; created_at: string };
}

/** The only provider that reported a running total. */
const RUNNING_TOTAL_PROVIDER = 'anthropic';

const usable = (usd: unknown): usd is number => typeof usd === 'number' && Number.isFinite(usd) && usd >= 0;

/** The rule as it stood when this migration was written (a shipped migration never changes). */
function turnShare(total: number | null, previous: number | null): number | null {
  if (!usable(total)) return null;
  if (!usable(previous) || total < previous) return total;
  return total - previous;
}

/** The transcript's old results, made per turn; answers when each conversation's first new-style result was stored. */
async function rewriteResults(db: Kysely<Tables>): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('transcript_entries')
    .select(['id', 'conversation_id', 'payload', 'created_at'])
    .where('type', '=', 'result')
    .orderBy('conversation_id')
    .orderBy('seq')
    .execute();
  const firstNew = new Map<number, string>();
  let conversation: number | null = null;
  let previous: number | null = null;
  for (const row of rows) {
    if (row.conversation_id !== conversation) {
      conversation = row.conversation_id;
      previous = null;
    }
    const message = JSON.parse(row.payload) as { provider?: string; costUsd?: unknown; runningCostUsd?: unknown };
    if (message.provider !== RUNNING_TOTAL_PROVIDER) continue;
    if ('runningCostUsd' in message) {
      if (!firstNew.has(row.conversation_id)) firstNew.set(row.conversation_id, row.created_at);
      if (usable(message.runningCostUsd)) previous = message.runningCostUsd;
      continue;
    }
    const total = usable(message.costUsd) ? message.costUsd : null;
    const payload = JSON.stringify({ ...message, costUsd: turnShare(total, previous), runningCostUsd: total });
    await db.updateTable('transcript_entries').set({ payload }).where('id', '=', row.id).execute();
    if (total !== null) previous = total;
  }
  return firstNew;
}

async function rewriteRecords(db: Kysely<Tables>, firstNew: Map<number, string>): Promise<void> {
  const rows = await db
    .selectFrom('usage_records')
    .select(['id', 'conversation_id', 'reported_cost_usd', 'created_at'])
    .where('provider', '=', RUNNING_TOTAL_PROVIDER)
    .orderBy('conversation_id')
    .orderBy('id')
    .execute();
  let conversation: number | null = null;
  let previous: number | null = null;
  for (const row of rows) {
    if (row.conversation_id !== conversation) {
      conversation = row.conversation_id;
      previous = null;
    }
    const since = firstNew.get(row.conversation_id);
    if (since !== undefined && row.created_at >= since) continue;
    const total = usable(row.reported_cost_usd) ? row.reported_cost_usd : null;
    const share = turnShare(total, previous);
    if (share !== row.reported_cost_usd)
      await db.updateTable('usage_records').set({ reported_cost_usd: share }).where('id', '=', row.id).execute();
    if (total !== null) previous = total;
  }
}

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const tables = db as Kysely<Tables>;
  await rewriteRecords(tables, await rewriteResults(tables));
}
