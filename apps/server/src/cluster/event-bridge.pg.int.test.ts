// The event bus across nodes (docs/decisions/0015-events-across-nodes.md): two nodes booted on one
// PostgreSQL schema and home, each with its HTTP server and WebSocket hub. A client on node A sees
// every event published on node B — stored transcript entries read back from the store, in order,
// events larger than a notification whole, a burst in few notifications (entries as seq ranges) —
// nothing comes back to its origin, and a dropped listening connection makes node A's clients
// reconnect and reload.
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { boot, type Booted } from '../app/boot';
import { startServer, type RunningServer } from '../app/server';
import type { ConversationRow, ProjectRow, TaskRow } from '../db/schema';
import { RESYNC_CLOSE_CODE } from '../events/ws-hub';
import { TestClient } from '../events/ws-hub.fixture';
import type { ProviderMessage } from '../harness/contract';
import { silentLogger } from '../logger';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import { channelNames, listenerApplicationName, MAX_NOTIFY_BYTES } from './notify';

let ctx: TestContext;
let serverB: RunningServer;
let nodeA: Booted;
let serverA: RunningServer;
let owner: TestUser;
let project: ProjectRow;
let task: TaskRow;
let conversation: ConversationRow;
const clients: TestClient[] = [];

beforeEach(async () => {
  // Node B is the test context's own boot; node A boots over the same home, configuration and schema.
  ctx = await createTestContext();
  serverB = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
  nodeA = await boot(ctx.deps.config, silentLogger());
  serverA = await startServer(nodeA.deps, { host: '127.0.0.1', port: 0 });
  owner = await ctx.user();
  project = await ctx.project({ members: [owner] });
  task = await ctx.task(project, owner);
  conversation = await ctx.conversation(task, { kind: 'chat' });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await serverA.close();
  await nodeA.close();
  await serverB.close();
  await ctx.close();
});

/** A WebSocket client on `server` subscribed to the task. */
async function subscribed(server: RunningServer): Promise<TestClient> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { authorization: owner.auth } });
  const client = new TestClient(ws);
  clients.push(client);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  expect(await client.request({ action: 'subscribe', taskId: task.id })).toMatchObject({
    kind: 'ack',
    action: 'subscribe',
    taskId: task.id,
  });
  return client;
}

/** The events `client` receives until one matches `last` (that one included). */
async function eventsUntil(client: TestClient, last: (e: ServerEvent) => boolean): Promise<ServerEvent[]> {
  const out: ServerEvent[] = [];
  for (;;) {
    const frame = await client.next(10_000);
    if (frame.kind !== 'event') continue;
    out.push(frame.event);
    if (last(frame.event)) return out;
  }
}

const route = () => ({ projectId: project.id, taskId: task.id, conversationId: conversation.id });

/** Appends entries on node B and publishes them as the runtime does: once stored, with their seq. */
async function appendOnB(batch: ProviderMessage[]): Promise<UnifiedMessage[]> {
  const stored = await ctx.deps.harness.store.append(conversation.id, batch, 'anthropic');
  for (const message of stored) ctx.deps.bus.publish({ type: 'message', ...route(), message });
  return stored;
}

const entry = (id: string, body: Record<string, unknown>): ProviderMessage =>
  ({ id, providerSessionId: 'session-1', raw: null, ...body }) as ProviderMessage;

async function storedHistory(): Promise<UnifiedMessage[]> {
  const res = await fetch(`${serverA.url}/api/conversations/${conversation.id}/messages?limit=1000`, {
    headers: { authorization: owner.auth },
  });
  return ((await res.json()) as { messages: UnifiedMessage[] }).messages;
}

describe('events across nodes', () => {
  it('a client on node A receives every transcript entry appended on node B, in order, equal to the store', async () => {
    const client = await subscribed(serverA);
    const big = 'x'.repeat(3 * MAX_NOTIFY_BYTES);
    await appendOnB([entry('u1', { type: 'user', text: 'hello' })]);
    // A stream delta is not stored: it travels inline.
    ctx.deps.bus.publish({
      type: 'message',
      ...route(),
      message: {
        type: 'stream_delta',
        kind: 'text',
        text: 'partial',
        parentId: 'a1',
        id: 'd1',
        provider: 'anthropic',
        providerSessionId: null,
        seq: 0,
        at: new Date().toISOString(),
        raw: null,
      },
    });
    await appendOnB([
      entry('t1', { type: 'tool_use', toolUseId: 'tool-1', name: 'Bash', input: { command: 'ls' } }),
      entry('r1', { type: 'tool_result', toolUseId: 'tool-1', output: big, isError: false }),
    ]);
    for (let i = 0; i < 20; i++) await appendOnB([entry(`a${i}`, { type: 'assistant', text: `answer ${i}` })]);
    const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0 };
    const last = await appendOnB([
      entry('res', { type: 'result', status: 'success', text: 'done', usage, contextUsage: null, costUsd: 0.5, durationMs: 10 }),
    ]);

    const received = await eventsUntil(client, (e) => e.type === 'message' && e.message.seq === last[0]?.seq);
    const messages = received.flatMap((e) => (e.type === 'message' ? [e.message] : []));
    expect(messages.filter((m) => m.type === 'stream_delta').map((m) => m.type === 'stream_delta' && m.text)).toEqual(['partial']);
    const entries = messages.filter((m) => m.type !== 'stream_delta');
    expect(entries).toEqual(await storedHistory());
    expect(entries).toHaveLength(24);
    expect(entries.find((m) => m.type === 'tool_result')).toMatchObject({ output: big });
    expect(received.every((e) => e.type === 'message' && e.conversationId === conversation.id && e.taskId === task.id)).toBe(true);
  });

  it('a fast stream’s deltas arrive merged per message, text whole and in order, never across an entry or another event', async () => {
    const client = await subscribed(serverA);
    const other = await ctx.conversation(task, { kind: 'chat' });
    const delta = (conversationId: number, parentId: string, text: string): ServerEvent => ({
      type: 'message',
      projectId: project.id,
      taskId: task.id,
      conversationId,
      message: {
        type: 'stream_delta',
        kind: 'text',
        text,
        parentId,
        id: `${parentId}-${text}`,
        provider: 'anthropic',
        providerSessionId: 'session-1',
        seq: 0,
        at: new Date().toISOString(),
        raw: { native: text },
      },
    });
    const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i} `);
    const [answer] = await ctx.deps.harness.store.append(
      conversation.id,
      [entry('p1:0', { type: 'assistant', text: 'whole' })],
      'anthropic',
    );
    // Published in one go, as a CLI's stream arrives faster than the notifications leave: two conversations interleaved.
    const first = words('a', 40);
    const beside = words('b', 40);
    first.forEach((text, i) => {
      ctx.deps.bus.publish(delta(conversation.id, 'p1', text));
      ctx.deps.bus.publish(delta(other.id, 'q1', beside[i]!));
    });
    ctx.deps.bus.publish({ type: 'message', ...route(), message: answer! });
    const before = words('c', 10);
    const after = words('d', 10);
    for (const text of before) ctx.deps.bus.publish(delta(conversation.id, 'p2', text));
    ctx.deps.bus.publish({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason: 'between' });
    for (const text of after) ctx.deps.bus.publish(delta(conversation.id, 'p2', text));
    ctx.deps.bus.publish({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason: 'last' });

    const received = await eventsUntil(client, (e) => e.type === 'task.blocked' && e.reason === 'last');
    const shown = received.map((e) =>
      e.type === 'message'
        ? `${e.conversationId === other.id ? 'other' : 'this'} ${e.message.type === 'stream_delta' ? `${e.message.parentId} ${e.message.text}` : e.message.id}`
        : `${e.type} ${e.type === 'task.blocked' ? e.reason : ''}`,
    );
    expect(shown).toEqual([
      `this p1 ${first.join('')}`,
      `other q1 ${beside.join('')}`,
      'this p1:0',
      `this p2 ${before.join('')}`,
      'task.blocked between',
      `this p2 ${after.join('')}`,
      'task.blocked last',
    ]);
    // A merged delta stands for several native payloads: it carries none.
    expect(
      received.filter((e) => e.type === 'message' && e.message.type === 'stream_delta').map((e) => e.type === 'message' && e.message.raw),
    ).toEqual([null, null, null, null]);
  });

  it('an event larger than a notification arrives whole, and nothing comes back to the node that published it', async () => {
    const client = await subscribed(serverA);
    const onA: [string, boolean][] = [];
    nodeA.deps.bus.subscribe((e, origin) => {
      if (e.type === 'task.blocked') onA.push([e.reason ?? '', origin.remote]);
    });
    const onB: string[] = [];
    const reachedB = (reason: string) =>
      new Promise<void>((resolve) => {
        ctx.deps.bus.subscribe((e, origin) => {
          if (e.type === 'task.blocked' && origin.remote) onB.push(e.reason ?? '');
          if (e.type === 'task.blocked' && e.reason === reason && origin.remote) resolve();
        });
      });

    // Published on A: it reaches B once, and never returns to A.
    const fromA = reachedB('from A');
    nodeA.deps.bus.publish({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason: 'from A' });
    await fromA;
    // Published on B after that: large, through the outbox. A's own event would have come back before it.
    const large = 'é'.repeat(2 * MAX_NOTIFY_BYTES);
    ctx.deps.bus.publish({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason: large });
    const received = await eventsUntil(client, (e) => e.type === 'task.blocked' && e.reason === large);

    expect(received.map((e) => e.type === 'task.blocked' && e.reason)).toEqual(['from A', large]);
    expect(onA).toEqual([
      ['from A', false],
      [large, true],
    ]);
    expect(onB).toEqual(['from A']);
    expect(await ctx.deps.db.selectFrom('cluster_events').select('payload').execute()).toEqual([
      { payload: JSON.stringify({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason: large }) },
    ]);
  });

  it('a burst travels in few notifications, entries as one seq range, and arrives in publish order', async () => {
    const client = await subscribed(serverA);
    const database = ctx.deps.config.database;
    if (database.kind !== 'postgres') throw new Error('a PostgreSQL test');
    // A listener of our own sees what node B sends.
    const listener = new pg.Client({ connectionString: database.url });
    const payloads: string[] = [];
    listener.on('notification', (msg) => payloads.push(msg.payload ?? ''));
    await listener.connect();
    try {
      await listener.query(`LISTEN "${channelNames(database.schema).events}"`);
      const first = await ctx.deps.harness.store.append(
        conversation.id,
        Array.from({ length: 30 }, (_, i) => entry(`a${i}`, { type: 'assistant', text: `answer ${i}` })),
        'anthropic',
      );
      const reasons = Array.from({ length: 60 }, (_, i) => `${i} ${'r'.repeat(200)}`);
      const large = 'l'.repeat(2 * MAX_NOTIFY_BYTES);
      const second = await ctx.deps.harness.store.append(conversation.id, [entry('b', { type: 'assistant', text: 'later' })], 'anthropic');
      // Published in one go, as the runtime publishes a stored batch: the sender takes them together.
      for (const message of first) ctx.deps.bus.publish({ type: 'message', ...route(), message });
      for (const reason of [...reasons, large])
        ctx.deps.bus.publish({ type: 'task.blocked', projectId: project.id, taskId: task.id, reason });
      for (const message of second) ctx.deps.bus.publish({ type: 'message', ...route(), message });

      const received = await eventsUntil(client, (e) => e.type === 'message' && e.message.seq === second[0]?.seq);
      expect(received.map((e) => (e.type === 'message' ? e.message.seq : e.type === 'task.blocked' && e.reason))).toEqual([
        ...first.map((m) => m.seq),
        ...reasons,
        large,
        second[0]?.seq,
      ]);
      const entries = received.flatMap((e) => (e.type === 'message' ? [e.message] : []));
      expect(entries).toEqual(await storedHistory());

      // Node B's notifications from the one carrying the burst's first entries (anything either node sent before is not the subject).
      const fromB = payloads
        .map((p) => JSON.parse(p) as { o: string; n: number; b: Record<string, unknown>[] })
        .filter((note) => note.o === ctx.deps.node.id);
      const range = { m: { ...route(), from: first[0]?.seq, to: first.at(-1)?.seq } };
      const start = fromB.findIndex((note) => note.b.some((item) => JSON.stringify(item) === JSON.stringify(range)));
      expect(start).toBeGreaterThanOrEqual(0);
      const notes = fromB.slice(start);
      expect(payloads.every((p) => Buffer.byteLength(p) <= MAX_NOTIFY_BYTES)).toBe(true);
      expect(notes.map((note) => note.n)).toEqual(notes.map((_, i) => notes[0]!.n + i));
      const items = notes.flatMap((note) => note.b);
      const burst = items.slice(items.findIndex((item) => JSON.stringify(item) === JSON.stringify(range)));
      // 92 events in a handful of notifications (five at today's sizes): as many as fit in each, the large one alone (through the outbox).
      expect(burst.map((item) => Object.keys(item)[0])).toEqual(['m', ...reasons.map(() => 'e'), 'x', 'm']);
      expect(notes.length).toBeLessThanOrEqual(6);
    } finally {
      await listener.end();
    }
  });

  it('when node A’s listening connection drops, it listens again and its clients reconnect and reload', async () => {
    const client = await subscribed(serverA);
    const killed = await sql<{ ok: boolean }>`
      select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = ${listenerApplicationName(nodeA.deps.node.id)}`.execute(
      ctx.deps.db,
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    // Events published meanwhile may be lost to A: its clients are told to reconnect (and the web app refetches).
    expect(await client.closed).toEqual({ code: RESYNC_CLOSE_CODE, reason: 'resync' });

    const again = await subscribed(serverA);
    const [stored] = await appendOnB([entry('after', { type: 'assistant', text: 'after the drop' })]);
    const received = await eventsUntil(again, (e) => e.type === 'message');
    expect(received).toEqual([{ type: 'message', ...route(), message: stored }]);
  });
});
