// What a board (project) subscription receives: the events that move cards and
// change what they show — including a question waiting — but not transcripts;
// and how long each channel has been quiet.
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
import { Channels, isBoardEvent, QUIET_HORIZON_MS } from './ws-channels';

describe('isBoardEvent', () => {
  it('sends task, run and question events to the board, and keeps transcript traffic on the task channel', () => {
    for (const type of [
      'task.created',
      'task.updated',
      'task.deleted',
      'task.blocked',
      'agent-run.updated',
      'question.asked',
      'question.answered',
    ] as const)
      expect(isBoardEvent(type), type).toBe(true);
    for (const type of ['message', 'streaming.started', 'streaming.ended', 'conversation.usage', 'session.created'] as const)
      expect(isBoardEvent(type), type).toBe(false);
  });
});

describe('Channels.quietMs', () => {
  const message = { type: 'message', taskId: 7, projectId: 3 } as ServerEvent;
  const blocked = { type: 'task.blocked', taskId: 8, projectId: 3 } as ServerEvent;

  it("counts a task's every event and a project's board events, no longer than the node has been up, at most the horizon", () => {
    let now = 1_000;
    const channels = new Channels<string>(() => now);
    now += 400;
    expect(channels.quietMs({ taskId: 7 })).toBe(400);
    channels.sawEvent(message);
    now += 250.7;
    expect(channels.quietMs({ taskId: 7 })).toBe(250);
    // A transcript message is not a board event.
    expect(channels.quietMs({ projectId: 3 })).toBe(650);
    channels.sawEvent(blocked);
    now += 10;
    expect([channels.quietMs({ projectId: 3 }), channels.quietMs({ taskId: 8 }), channels.quietMs({ taskId: 7 })]).toEqual([10, 10, 260]);
    now += 2 * QUIET_HORIZON_MS;
    expect(channels.quietMs({ taskId: 7 })).toBe(QUIET_HORIZON_MS);
  });

  it('forgets channels quiet past the horizon, and they read as quiet for the horizon', () => {
    let now = 0;
    const channels = new Channels<string>(() => now);
    channels.sawEvent(message);
    now += QUIET_HORIZON_MS / 2;
    channels.sawEvent(blocked);
    now += QUIET_HORIZON_MS / 2 + 1;
    channels.forgetQuiet();
    expect(channels.quietMs({ taskId: 7 })).toBe(QUIET_HORIZON_MS);
    expect(channels.quietMs({ taskId: 8 })).toBe(QUIET_HORIZON_MS / 2 + 1);
  });
});
