// The receiving side of the event bridge (docs/decisions/0015-events-across-nodes.md): another
// node's events are published here as remote, in order; a missing sequence number or an event
// that can no longer be read makes this node's clients resync; a node's own notifications are
// ignored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
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
const note = (o: string, n: number, body: object) => JSON.stringify({ o, n, ...body });

describe('EventBridge receiving', () => {
  it('publishes another node’s events as remote in order, ignores its own, and resyncs on a gap', async () => {
    bridge.receive(note('other', 7, { e: blocked('a') }));
    bridge.receive(note('self', 1, { e: blocked('own') }));
    bridge.receive(note('other', 8, { e: blocked('b') }));
    expect(resyncs).toEqual([]);
    bridge.receive(note('other', 10, { e: blocked('d') }));
    expect(resyncs).toEqual(['events missed']);
    await bridge.received();
    expect(published).toEqual([
      [blocked('a'), true],
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
});
