// Streaming events for a plain text answer, and the SSE framing round trip.
import { describe, expect, it } from 'vitest';
import { chunk, decodeSse, encodeSse, messageEvents } from './sse';
import type { ReplyMessage } from './wire';

const message: ReplyMessage = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'm',
  content: [{ type: 'text', text: 'Hello there' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
};

describe('messageEvents', () => {
  it('streams text as text_delta chunks and ends the turn', () => {
    const events = decodeSse(messageEvents(message).map(encodeSse).join(''));
    expect(events[2]?.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { type: string; text: string }).text)
      .join('');
    expect(text).toBe('Hello there');
    expect(events.at(-2)?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 3 },
    });
    expect(events.at(-1)?.event).toBe('message_stop');
  });

  it('chunks text into at most n non-empty parts', () => {
    expect(chunk('abcde', 2)).toEqual(['abc', 'de']);
    expect(chunk('', 3)).toEqual(['']);
    expect(chunk('ab', 5)).toEqual(['a', 'b']);
  });
});
