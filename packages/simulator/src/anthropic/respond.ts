// Turns a brain's reply into the wire: a message with fresh ids, written as one
// JSON body or as an SSE stream (optionally cut short to simulate failures).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { BrainReply } from './brain';
import { errorBody } from './errors';
import { encodeSse, messageEvents } from './sse';
import type { SseEvent } from './sse';
import type { ReplyContent, ReplyMessage } from './wire';

let counter = 0;

/** A unique id with the API's prefix style (`msg_…`, `toolu_…`, `req_…`). */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}_fake${counter.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}

/** A rough token count (four characters a token), like a real estimate would be. */
export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

/** The complete message for a reply; ids are assigned once here. */
export function buildMessage(reply: BrainReply, model: string, inputTokens: number): ReplyMessage {
  const id = newId('msg');
  const content: ReplyContent[] = reply.content.map((block, index) => {
    switch (block.type) {
      case 'text':
        return { type: 'text', text: block.text };
      case 'thinking': {
        const signature = Buffer.from(`fake-signature:${id}:${index}`).toString('base64');
        return { type: 'thinking', thinking: block.thinking, signature };
      }
      case 'tool_use':
        return { type: 'tool_use', id: newId('toolu'), name: block.name, input: block.input };
    }
  });
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: inputTokens,
      output_tokens: estimateTokens(content),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': newId('req'),
  });
  res.end(text);
}

export function writeError(res: ServerResponse, status: number, message?: string, body?: object, headers?: Record<string, string>): void {
  writeJson(res, status, body ?? errorBody(status, message), headers);
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': newId('req'),
  });
}

/** The whole stream for a message, then the response ends. */
export function writeStream(res: ServerResponse, message: ReplyMessage): void {
  startStream(res);
  res.end(messageEvents(message).map(encodeSse).join(''));
}

/** Only the first `count` events; the response is left open (a stalled stream). */
export function writeStalledStream(res: ServerResponse, message: ReplyMessage, count: number): void {
  startStream(res);
  res.write(messageEvents(message).slice(0, count).map(encodeSse).join(''));
}

/** message_start, then an SSE `error` event, then the stream ends. */
export function writeStreamError(res: ServerResponse, message: ReplyMessage, status: number, body?: object): void {
  startStream(res);
  const [start] = messageEvents(message);
  const error: SseEvent = { event: 'error', data: { ...(body ?? errorBody(status)) } };
  res.end((start ? encodeSse(start) : '') + encodeSse(error));
}
