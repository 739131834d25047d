// The stream consumer against a scripted turn (docs/behaviour/harness.md#stream-consumer): every message a
// provider emits is stored — same order, same ids, contiguous sequence numbers
// — and broadcast exactly once, and only after it is committed: a bus listener
// looks each broadcast message up synchronously through a second SQLite
// connection at the moment it sees the event. Deltas are broadcast, not stored.
import type { ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BackgroundWork } from '../background';
import { openDatabase } from '../db/open';
import { createTestContext, type TestContext } from '../testing/context';
import { captureLogs } from '../testing/log-capture';
import { consumeTurn, type ConsumeTarget } from './consumer';
import type { ProviderMessage, TurnHandle } from './contract';
import { TranscriptStore } from './transcript-store';

let ctx: TestContext;
let target: ConsumeTarget;
beforeEach(async () => {
  ctx = await createTestContext();
  const u = await ctx.user();
  const p = await ctx.project({ members: [u] });
  const t = await ctx.task(p, u);
  const c = await ctx.conversation(t);
  target = { conversationId: c.id, projectId: p.id, taskId: t.id, provider: 'anthropic', model: 'test-model' };
});
afterEach(async () => ctx.close());

const base = (id: string) => ({ id, providerSessionId: 'sess-1', raw: { native: id } });

/** 25 stored messages of every stored type, with deltas between them (which are never stored). */
function script(): ProviderMessage[] {
  const out: ProviderMessage[] = [];
  for (let i = 0; i < 25; i++) {
    const id = `m${String(i).padStart(2, '0')}`;
    switch (i % 7) {
      case 0:
        out.push({ ...base(id), type: 'user', text: `user ${i}` });
        break;
      case 1:
        out.push({ ...base(`${id}-d`), type: 'stream_delta', kind: 'thinking', text: 'hmm', parentId: id });
        out.push({ ...base(id), type: 'assistant_thinking', text: `thinking ${i}` });
        break;
      case 2:
        out.push({ ...base(`${id}-d`), type: 'stream_delta', kind: 'text', text: 'par', parentId: id });
        out.push({ ...base(id), type: 'assistant', text: `assistant ${i}` });
        break;
      case 3:
        out.push({ ...base(id), type: 'tool_use', toolUseId: `tool-${i}`, name: 'Bash', input: { command: `echo ${i}` } });
        break;
      case 4:
        out.push({ ...base(id), type: 'tool_result', toolUseId: `tool-${i - 1}`, output: `${i - 1}\n`, isError: false });
        break;
      case 5:
        out.push({ ...base(id), type: 'system', subtype: 'init', text: `system ${i}` });
        break;
      default:
        out.push({
          ...base(id),
          type: 'result',
          status: 'success',
          text: `result ${i}`,
          usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
          contextUsage: { usedTokens: 100 + i, windowTokens: null, breakdown: null },
          costUsd: 0.001,
          durationMs: 12,
        });
    }
  }
  return out;
}

/** A turn that emits `messages`, some in the same tick (one batch) and some a tick apart. */
function scriptedTurn(messages: ProviderMessage[]): TurnHandle {
  async function* stream(): AsyncGenerator<ProviderMessage> {
    for (const [i, m] of messages.entries()) {
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
      yield m;
    }
  }
  return { messages: stream(), sessionId: Promise.resolve('sess-1'), abort: async () => undefined, pid: null };
}

it('stores every emitted message in order with contiguous seq, and broadcasts each once, only after it is committed', async () => {
  const emitted = script();
  const storedKinds = emitted.filter((m) => m.type !== 'stream_delta');
  expect(storedKinds).toHaveLength(25);
  expect(new Set(storedKinds.map((m) => m.type)).size).toBe(7);

  // A second connection looks each broadcast message up the moment it is broadcast: it must be committed by then.
  const reader = openDatabase(ctx.deps.config.database);
  const lookups: Promise<void>[] = [];
  const broadcast: UnifiedMessage[] = [];
  const notYetStored: string[] = [];
  const unsubscribe = ctx.deps.bus.subscribe((event: ServerEvent) => {
    if (event.type !== 'message' || event.conversationId !== target.conversationId) return;
    broadcast.push(event.message);
    if (event.message.type === 'stream_delta') return;
    const { id, seq } = event.message;
    lookups.push(
      reader.db
        .selectFrom('transcript_entries')
        .select('seq')
        .where('conversation_id', '=', target.conversationId)
        .where('entry_id', '=', id)
        .executeTakeFirst()
        .then((row) => {
          if (row?.seq !== seq) notYetStored.push(`${id} (seq ${seq}, stored ${row?.seq ?? 'no'})`);
        }),
    );
  });
  try {
    const store = new TranscriptStore(ctx.deps.db, () => new Date());
    const outcome = await consumeTurn(ctx.deps, store, target, scriptedTurn(emitted), { thinking: '' });
    expect(outcome).toEqual({ ok: true });

    const stored = await store.all(target.conversationId);
    expect(stored.map((m) => m.id)).toEqual(storedKinds.map((m) => m.id));
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    for (const [i, m] of stored.entries()) expect(m).toMatchObject({ ...storedKinds[i], provider: 'anthropic' });

    await Promise.all(lookups);
    expect(notYetStored).toEqual([]);
    const broadcastStored = broadcast.filter((m) => m.type !== 'stream_delta');
    expect(broadcastStored.map((m) => [m.id, m.seq])).toEqual(stored.map((m) => [m.id, m.seq]));
    expect(broadcast.filter((m) => m.type === 'stream_delta').map((m) => m.id)).toEqual(
      emitted.filter((m) => m.type === 'stream_delta').map((m) => m.id),
    );
  } finally {
    unsubscribe();
    await reader.close();
  }
});

it('logs a failed write of the session id as background work (never an unhandled rejection), and shutdown waits for it', async () => {
  // The database itself refuses the write: a trigger on the conversations table.
  await sql
    .raw(
      ctx.deps.dialect === 'sqlite'
        ? `CREATE TRIGGER refuse_session BEFORE UPDATE OF provider_session_id ON conversations BEGIN SELECT RAISE(ABORT, 'session write refused'); END`
        : `CREATE FUNCTION refuse_session() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'session write refused'; END $$;
           CREATE TRIGGER refuse_session BEFORE UPDATE OF provider_session_id ON conversations FOR EACH ROW EXECUTE FUNCTION refuse_session()`,
    )
    .execute(ctx.deps.db);
  const { logger, lines } = captureLogs();
  const background = new BackgroundWork(logger);
  const store = new TranscriptStore(ctx.deps.db, () => new Date());

  const outcome = await consumeTurn({ ...ctx.deps, logger, background }, store, target, scriptedTurn([]), { thinking: '' });
  expect(outcome).toEqual({ ok: true });
  await background.drain();

  expect(lines).toContainEqual(
    expect.objectContaining({
      level: 50,
      msg: 'background work failed',
      label: `session id conversation ${target.conversationId}`,
      err: expect.objectContaining({ message: 'session write refused' }),
    }),
  );
  const row = await ctx.deps.db
    .selectFrom('conversations')
    .select('provider_session_id')
    .where('id', '=', target.conversationId)
    .executeTakeFirstOrThrow();
  expect(row.provider_session_id).toBeNull();
});
