import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
import { captureLogs } from '../testing/log-capture';
import { EventBus } from './bus';

const event: ServerEvent = { type: 'task.deleted', projectId: 1, taskId: 2 };

describe('EventBus', () => {
  it('logs a throwing listener with the event type and still delivers the event to the others', () => {
    const { logger, lines } = captureLogs();
    const bus = new EventBus(logger);
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`first:${e.type}`));
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    bus.subscribe((e) => seen.push(`last:${e.type}`));

    expect(() => bus.publish(event)).not.toThrow();

    expect(seen).toEqual(['first:task.deleted', 'last:task.deleted']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'event listener failed',
      eventType: 'task.deleted',
      err: { message: 'listener broke' },
    });
  });

  it('logs nothing when every listener succeeds, and an unsubscribed listener hears nothing', () => {
    const { logger, lines } = captureLogs();
    const bus = new EventBus(logger);
    const seen: ServerEvent[] = [];
    const off = bus.subscribe((e) => seen.push(e));
    bus.publish(event);
    off();
    bus.publish(event);
    expect(seen).toEqual([event]);
    expect(lines).toEqual([]);
  });

  it('tells listeners whether an event is local or came from another node', () => {
    const bus = new EventBus(captureLogs().logger);
    const seen: [string, boolean][] = [];
    bus.subscribe((e, origin) => seen.push([e.type, origin.remote]));
    bus.publish(event);
    bus.publishRemote(event);
    expect(seen).toEqual([
      ['task.deleted', false],
      ['task.deleted', true],
    ]);
  });
});
