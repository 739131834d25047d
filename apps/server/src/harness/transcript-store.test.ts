// The transcript store: monotonic seq per conversation, idempotent on the
// stable entry id, paging forwards and backwards, sequence resumed after a
// restart (a fresh store over the same database).
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ProviderMessage } from './contract';
import { TranscriptStore } from './transcript-store';
import { createTestContext, type TestContext } from '../testing/context';

let ctx: TestContext;
let conversationId: number;
beforeEach(async () => {
  ctx = await createTestContext();
  const u = await ctx.user();
  const p = await ctx.project({ members: [u] });
  const t = await ctx.task(p, u);
  conversationId = (await ctx.conversation(t)).id;
});
afterEach(async () => ctx.close());

const text = (id: string, t = id): ProviderMessage => ({ type: 'assistant', text: t, id, providerSessionId: 's', raw: { native: id } });

it('assigns increasing seq and skips re-emitted ids', async () => {
  const store = new TranscriptStore(ctx.deps.db, () => new Date());
  const first = await store.append(conversationId, [text('a'), text('b')], 'anthropic');
  expect(first.map((m) => [m.id, m.seq])).toEqual([
    ['a', 1],
    ['b', 2],
  ]);
  const again = await store.append(conversationId, [text('b', 'changed'), text('c')], 'anthropic');
  expect(again.map((m) => m.id)).toEqual(['c']);
  const all = await store.all(conversationId);
  expect(all.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  expect(all[1]).toMatchObject({ type: 'assistant', text: 'b', provider: 'anthropic', raw: { native: 'b' } });
  expect(all.map((m) => m.seq)).toEqual([...all.map((m) => m.seq)].sort((x, y) => x - y));
});

it('continues the sequence in a new process and pages both ways', async () => {
  const before = new TranscriptStore(ctx.deps.db, () => new Date());
  await before.append(
    conversationId,
    Array.from({ length: 25 }, (_, i) => text(`m${i}`)),
    'anthropic',
  );
  const after = new TranscriptStore(ctx.deps.db, () => new Date());
  const more = await after.append(conversationId, [text('late')], 'anthropic');
  expect(more[0]?.seq).toBe(26);

  const head = await after.page(conversationId, { limit: 10 });
  expect(head.messages.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  expect(head.hasMore).toBe(true);
  const next = await after.page(conversationId, { afterSeq: head.lastSeq ?? 0, limit: 10 });
  expect(next.firstSeq).toBe(11);
  const tail = await after.page(conversationId, { beforeSeq: Number.MAX_SAFE_INTEGER, limit: 3 });
  expect(tail.messages.map((m) => m.id)).toEqual(['m23', 'm24', 'late']);
  const older = await after.page(conversationId, { beforeSeq: tail.firstSeq ?? 0, limit: 30 });
  expect(older.messages).toHaveLength(23);
  expect(older.hasMore).toBe(false);
});

it('writes a large batch in one go', async () => {
  const store = new TranscriptStore(ctx.deps.db, () => new Date());
  const stored = await store.append(
    conversationId,
    Array.from({ length: 1500 }, (_, i) => text(`x${i}`)),
    'anthropic',
  );
  expect(stored).toHaveLength(1500);
  expect((await store.page(conversationId, { beforeSeq: Number.MAX_SAFE_INTEGER, limit: 1 })).lastSeq).toBe(1500);
});

it('stores any text and id byte for byte', async () => {
  const store = new TranscriptStore(ctx.deps.db, () => new Date());
  const awkward = ['quote " and \\ backslash', '{braces}, commas, NULL', '', 'line\nbreak\ttab', 'naïve — 漢字 🎨', "it's 'quoted'"];
  const stored = await store.append(
    conversationId,
    awkward.map((t, i) => text(`${t}#${i}`, t)),
    'anthropic',
  );
  expect(stored.map((m) => m.id)).toEqual(awkward.map((t, i) => `${t}#${i}`));
  const all = await store.all(conversationId);
  expect(all.map((m) => (m.type === 'assistant' ? m.text : null))).toEqual(awkward);
  expect(all.map((m) => m.id)).toEqual(stored.map((m) => m.id));
});
