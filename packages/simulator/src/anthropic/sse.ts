// Turns a complete reply message into the Messages API's streaming events, in
// the order the real API sends them, and frames events as SSE text.
import type { ReplyContent, ReplyMessage } from './wire';

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** `event: <type>\ndata: <json>\n\n`, the framing of every event the API sends. */
export function encodeSse(ev: SseEvent): string {
  return `event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`;
}

/** Splits text into at most `parts` non-empty pieces (the API streams in chunks). */
export function chunk(text: string, parts: number): string[] {
  if (text.length === 0) return [''];
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function blockEvents(block: ReplyContent, index: number): SseEvent[] {
  const ev = (event: string, data: Record<string, unknown>): SseEvent => ({ event, data: { type: event, ...data } });
  const deltas: SseEvent[] = [];
  let start: Record<string, unknown>;
  switch (block.type) {
    case 'text':
      start = { type: 'text', text: '' };
      for (const text of chunk(block.text, 2)) {
        deltas.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
      break;
    case 'thinking':
      start = { type: 'thinking', thinking: '', signature: '' };
      for (const thinking of chunk(block.thinking, 2)) {
        deltas.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }));
      }
      deltas.push(ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }));
      break;
    case 'tool_use':
      start = { type: 'tool_use', id: block.id, name: block.name, input: {} };
      for (const partial_json of chunk(JSON.stringify(block.input), 3)) {
        deltas.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
      break;
  }
  return [ev('content_block_start', { index, content_block: start }), ...deltas, ev('content_block_stop', { index })];
}

/** The full event sequence for one message: start, ping, blocks, delta, stop. */
export function messageEvents(message: ReplyMessage): SseEvent[] {
  const startMessage = {
    ...message,
    content: [],
    stop_reason: null,
    usage: { ...message.usage, output_tokens: 1 },
  };
  return [
    { event: 'message_start', data: { type: 'message_start', message: startMessage } },
    { event: 'ping', data: { type: 'ping' } },
    ...message.content.flatMap((block, index) => blockEvents(block, index)),
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: message.usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/** Parses SSE text back into events (for tests and for clients of the fake). */
export function decodeSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim().length > 0)
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}
