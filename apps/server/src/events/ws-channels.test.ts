// What a board (project) subscription receives: the events that move cards and
// change what they show — including a question waiting — but not transcripts.
import { describe, expect, it } from 'vitest';
import { isBoardEvent } from './ws-channels';

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
