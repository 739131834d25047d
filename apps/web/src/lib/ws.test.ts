// The live socket against a stand-in for the browser's WebSocket (the wire
// boundary): subscriptions are reference-counted, released ones are
// unsubscribed, everything still wanted is re-sent after a reconnect, and
// event batches arrive in order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
import { LiveSocket } from './ws';

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const event = (taskId: number): ServerEvent => ({ type: 'task.deleted', projectId: 1, taskId });

describe('LiveSocket', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('counts subscriptions, unsubscribes the last release, and resubscribes after a reconnect', () => {
    const socket = new LiveSocket(() => 'ws://test/ws');
    const reconnected = vi.fn();
    socket.onReconnect(reconnected);
    socket.start();
    const first = FakeSocket.all[0]!;
    const a = socket.subscribeTask(7);
    const b = socket.subscribeTask(7);
    const p = socket.subscribeProject(3);
    first.open();
    expect(first.sent).toEqual([
      { action: 'subscribe', taskId: 7 },
      { action: 'subscribe-project', projectId: 3 },
    ]);
    expect(socket.getState()).toBe('open');
    a();
    expect(first.sent).toHaveLength(2);
    b();
    b();
    expect(first.sent.at(-1)).toEqual({ action: 'unsubscribe', taskId: 7 });
    expect(first.sent).toHaveLength(3);

    first.drop();
    expect(socket.getState()).toBe('closed');
    vi.advanceTimersByTime(15_000);
    const second = FakeSocket.all[1]!;
    second.open();
    expect(second.sent).toEqual([{ action: 'subscribe-project', projectId: 3 }]);
    expect(reconnected).toHaveBeenCalledTimes(1);
    p();
    socket.stop();
    expect(socket.getState()).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('delivers single events and batches in order, ignoring garbage', () => {
    const socket = new LiveSocket(() => 'ws://test/ws');
    const seen: number[] = [];
    socket.onEvent((e) => seen.push(e.taskId ?? -1));
    socket.start();
    const ws = FakeSocket.all[0]!;
    ws.open();
    ws.onmessage?.({ data: JSON.stringify({ kind: 'event', event: event(1) }) });
    ws.onmessage?.({ data: 'not json' });
    ws.onmessage?.({ data: JSON.stringify({ kind: 'events', events: [event(2), event(3)] }) });
    ws.onmessage?.({ data: JSON.stringify({ kind: 'ack', action: 'subscribe', taskId: 1 }) });
    expect(seen).toEqual([1, 2, 3]);
    socket.stop();
  });

  it('reports each confirmed subscription by its channel, with how long the channel had been quiet when the server said', () => {
    const socket = new LiveSocket(() => 'ws://test/ws');
    const confirmed: unknown[] = [];
    socket.onSubscribed((c) => confirmed.push(c));
    socket.start();
    const ws = FakeSocket.all[0]!;
    ws.open();
    ws.onmessage?.({ data: JSON.stringify({ kind: 'ack', action: 'subscribe-project', projectId: 4 }) });
    ws.onmessage?.({ data: JSON.stringify({ kind: 'ack', action: 'unsubscribe-project', projectId: 4 }) });
    ws.onmessage?.({ data: JSON.stringify({ kind: 'ack', action: 'subscribe', taskId: 9, quietMs: 1200 }) });
    expect(confirmed).toEqual([{ projectId: 4 }, { taskId: 9, quietMs: 1200, at: expect.any(Number) }]);
    socket.stop();
  });
});
