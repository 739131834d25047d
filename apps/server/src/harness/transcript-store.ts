// The transcript store (docs/behaviour/harness.md#transcript): the single source of truth for every
// conversation. Messages get a monotonic per-conversation `seq`, are written
// in batches (one multi-row INSERT per batch, idempotent on the stable entry
// id) and are only handed on for broadcast once they are committed, so a
// crash can never lose an entry somebody already saw. On PostgreSQL a batch is
// one INSERT whatever its size, its varying columns sent as four arrays
// (`unnest`): binding thousands of separate values took a third of the
// database's CPU per entry (bench/postgres.bench.ts).
import { MAX_ROW_ID, type TranscriptPageDto, type UnifiedMessage } from '@bottega/protocol';
import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import type { ProviderMessage } from './contract';
import { inTransaction } from '../db/transaction';

/** Rows per INSERT statement (well under SQLite's bound-variable limit). */
const MAX_ROWS_PER_STATEMENT = 400;

export type TranscriptPage = TranscriptPageDto;

export class TranscriptStore {
  private readonly nextSeq = new Map<number, number>();
  private readonly postgres: boolean;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  private async seqStart(conversationId: number): Promise<number> {
    const known = this.nextSeq.get(conversationId);
    if (known !== undefined) return known;
    const row = await this.db
      .selectFrom('transcript_entries')
      .select((eb) => eb.fn.max('seq').as('max'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    // Another batch may have initialised it while we awaited.
    const start = this.nextSeq.get(conversationId) ?? Number(row?.max ?? 0) + 1;
    this.nextSeq.set(conversationId, start);
    return start;
  }

  /**
   * Stores messages in order and returns the ones newly written (with their
   * seq) — re-emitted ids are skipped, so callers broadcast exactly once.
   */
  async append(conversationId: number, batch: readonly ProviderMessage[], provider: UnifiedMessage['provider']): Promise<UnifiedMessage[]> {
    if (batch.length === 0) return [];
    let seq = await this.seqStart(conversationId);
    const at = this.now().toISOString();
    const messages: UnifiedMessage[] = batch.map((m) => ({ ...m, provider, seq: seq++, at }) as UnifiedMessage);
    this.nextSeq.set(conversationId, seq);
    const written = new Set<string>();
    if (this.postgres) {
      await inTransaction(this.db, async (trx) => {
        for (const entryId of await insertAsArrays(trx, conversationId, messages, at)) written.add(entryId);
      });
      return messages.filter((m) => written.has(m.id));
    }
    await inTransaction(this.db, async (trx) => {
      for (let i = 0; i < messages.length; i += MAX_ROWS_PER_STATEMENT) {
        const rows = messages.slice(i, i + MAX_ROWS_PER_STATEMENT).map((m) => ({
          conversation_id: conversationId,
          seq: m.seq,
          entry_id: m.id,
          type: m.type,
          payload: JSON.stringify(m),
          created_at: at,
        }));
        const inserted = await trx
          .insertInto('transcript_entries')
          .values(rows)
          .onConflict((oc) => oc.columns(['conversation_id', 'entry_id']).doNothing())
          .returning('entry_id')
          .execute();
        for (const r of inserted) written.add(r.entry_id);
      }
    });
    return messages.filter((m) => written.has(m.id));
  }

  /** A page of history in order: after `afterSeq`, or the page just before `beforeSeq`. */
  async page(conversationId: number, opts: { afterSeq?: number; beforeSeq?: number; limit: number }): Promise<TranscriptPage> {
    let q = this.db.selectFrom('transcript_entries').select(['seq', 'payload']).where('conversation_id', '=', conversationId);
    const backwards = opts.beforeSeq !== undefined;
    // No seq is above MAX_ROW_ID (a 32-bit column on PostgreSQL): a larger bound means "the end".
    if (opts.beforeSeq !== undefined) q = q.where('seq', '<', Math.min(opts.beforeSeq, MAX_ROW_ID));
    if (opts.afterSeq !== undefined) q = q.where('seq', '>', Math.min(opts.afterSeq, MAX_ROW_ID));
    const rows = await q
      .orderBy('seq', backwards ? 'desc' : 'asc')
      .limit(opts.limit + 1)
      .execute();
    const hasMore = rows.length > opts.limit;
    if (hasMore) rows.pop();
    if (backwards) rows.reverse();
    return {
      messages: rows.map((r) => JSON.parse(r.payload) as UnifiedMessage),
      firstSeq: rows[0]?.seq ?? null,
      lastSeq: rows.at(-1)?.seq ?? null,
      hasMore,
    };
  }

  /** Every message of a conversation, in order (for resume-time lookups). */
  async all(conversationId: number): Promise<UnifiedMessage[]> {
    const rows = await this.db
      .selectFrom('transcript_entries')
      .select('payload')
      .where('conversation_id', '=', conversationId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.payload) as UnifiedMessage);
  }

  /**
   * The session running total the provider reported with the conversation's
   * latest `result` from `provider`, or null (none, or that result had none).
   */
  async lastRunningCost(conversationId: number, provider: UnifiedMessage['provider']): Promise<number | null> {
    const row = await this.db
      .selectFrom('transcript_entries')
      .select('payload')
      .where('conversation_id', '=', conversationId)
      .where('type', '=', 'result')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    const last = JSON.parse(row.payload) as UnifiedMessage;
    if (last.type !== 'result' || last.provider !== provider) return null;
    if (typeof last.runningCostUsd === 'number') return last.runningCostUsd;
    // Stored before `runningCostUsd` existed: Claude Code's `costUsd` was then its session's running total.
    if (last.runningCostUsd === undefined && provider === 'anthropic' && typeof last.costUsd === 'number') return last.costUsd;
    return null;
  }

  /** Forgets cached sequence counters (after a conversation is deleted). */
  forget(conversationId: number): void {
    this.nextSeq.delete(conversationId);
  }
}

/** PostgreSQL: a batch's rows in one INSERT of four array parameters; returns the entry ids written. */
async function insertAsArrays(
  trx: Transaction<Database>,
  conversationId: number,
  messages: UnifiedMessage[],
  at: string,
): Promise<string[]> {
  const seqs = messages.map((m) => m.seq);
  const ids = messages.map((m) => m.id);
  const types = messages.map((m) => m.type);
  const payloads = messages.map((m) => JSON.stringify(m));
  const { rows } = await sql<{ entry_id: string }>`
    insert into transcript_entries (conversation_id, seq, entry_id, type, payload, created_at)
    select ${conversationId}::integer, r.seq, r.entry_id, r.type, r.payload, ${at}::varchar
    from unnest(${seqs}::integer[], ${ids}::varchar[], ${types}::varchar[], ${payloads}::text[]) as r(seq, entry_id, type, payload)
    on conflict (conversation_id, entry_id) do nothing
    returning entry_id`.execute(trx);
  return rows.map((r) => r.entry_id);
}
