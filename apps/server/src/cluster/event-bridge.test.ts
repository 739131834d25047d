// The receiving side of the event bridge (docs/decisions/0015-events-across-nodes.md): another
// node's events are published here as remote, in order, several to a notification and stored
// transcript entries as seq ranges; a missing sequence number or an event that can no longer be
// read makes this node's clients resync; a node's own notifications are ignored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
import type { ProviderMessage } from '../harness/contract';
import { EventBus } from '../events/bus';
import { silentLogger } from '../logger';
import { createTestContext, type TestContext } from '../testing/context';
import { EventBridge } from './event-bridge';

let ctx: TestContext;
let bus: EventBus;
let bridge: EventBridge;
let resyncs: string[];
let published: [ServerEvent, boolean][];

beforeEach(async () => {
  ctx = await createTestContext();
  bus = new EventBus(silentLogger());
  resyncs = [];
  published = [];
  bus.subscribe((event, origin) => published.push([event, origin.remote]));
  bridge = new EventBridge({
    db: ctx.deps.db,
    bus,
    logger: silentLogger(),
    now: () => new Date(),
    nodeId: 'self',
    channel: 'unused',
    resync: (reason) => resyncs.push(reason),
  });
});

afterEach(async () => {
  await bridge.stop();
  await ctx.close();
});

const blocked = (reason: string): ServerEvent => ({ type: 'task.blocked', projectId: 1, taskId: 2, reason });
const note = (o: string, n: number, ...items: object[]) => JSON.stringify({ o, n, b: items });

describe('EventBridge receiving', () => {
  it('publishes another node’s events as remote in order, ignores its own and unreadable notifications, and resyncs on a gap', async () => {
    bridge.receive(note('other', 7, { e: blocked('a') }, { e: blocked('a2') }));
    bridge.receive(note('self', 1, { e: blocked('own') }));
    bridge.receive(note('other', 8, { e: blocked('b') }));
    bridge.receive('{"o":"other","n":9,"e":{}}');
    bridge.receive('not json');
    expect(resyncs).toEqual([]);
    bridge.receive(note('other', 10, { e: blocked('d') }));
    expect(resyncs).toEqual(['events missed']);
    await bridge.received();
    expect(published).toEqual([
      [blocked('a'), true],
      [blocked('a2'), true],
      [blocked('b'), true],
      [blocked('d'), true],
    ]);
  });

  it('reads an outboxed event by id, and resyncs when the row is gone', async () => {
    const row = await ctx.deps.db
      .insertInto('cluster_events')
      .values({ origin: 'other', payload: JSON.stringify(blocked('large')), created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    bridge.receive(note('other', 1, { x: row.id }));
    bridge.receive(note('other', 2, { x: row.id + 1000 }));
    bridge.receive(note('other', 3, { e: blocked('after') }));
    await bridge.received();
    expect(published).toEqual([
      [blocked('large'), true],
      [blocked('after'), true],
    ]);
    expect(resyncs).toEqual(['event unreadable']);
  });

  it('after a reset, accepts any next number from a known origin', async () => {
    bridge.receive(note('other', 1, { e: blocked('a') }));
    bridge.reset();
    bridge.receive(note('other', 40, { e: blocked('b') }));
    await bridge.received();
    expect(resyncs).toEqual([]);
    expect(published.map(([e]) => e.type === 'task.blocked' && e.reason)).toEqual(['a', 'b']);
  });

  it('publishes a range of stored entries read with one query, in seq order, among the other events of its notification', async () => {
    const owner = await ctx.user();
    const project = await ctx.project({ members: [owner] });
    const task = await ctx.task(project, owner);
    const conversation = await ctx.conversation(task, { kind: 'chat' });
    const entry = (id: string, body: Record<string, unknown>): ProviderMessage =>
      ({ id, providerSessionId: 'session-1', raw: null, ...body }) as ProviderMessage;
    const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const stored = await ctx.deps.harness.store.append(
      conversation.id,
      [
        ...Array.from({ length: 5 }, (_, i) => entry(`a${i}`, { type: 'assistant', text: `answer ${i}` })),
        entry('res', { type: 'result', status: 'success', text: 'done', usage, contextUsage: null, costUsd: 0.5, durationMs: 10 }),
      ],
      'anthropic',
    );
    const route = { projectId: project.id, taskId: task.id, conversationId: conversation.id };
    const seqs = stored.map((m) => m.seq);
    bridge.receive(
      note(
        'other',
        1,
        { e: blocked('before') },
        { m: { ...route, from: seqs[0], to: seqs[2] } },
        { m: { ...route, from: seqs[3], to: seqs[5] } },
        { e: blocked('after') },
      ),
    );
    await bridge.received();

    const history = await ctx.request('GET', `/api/conversations/${conversation.id}/messages?limit=100`, { as: owner });
    const { messages } = (await history.json()) as { messages: unknown[] };
    expect(messages).toHaveLength(6);
    expect(published).toEqual([
      [blocked('before'), true],
      ...messages.map((message) => [{ type: 'message', ...route, message }, true]),
      [blocked('after'), true],
    ]);
    expect(resyncs).toEqual([]);
  });
});
