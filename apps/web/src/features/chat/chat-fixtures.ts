// Message builders for the chat tests: each returns a complete UnifiedMessage
// with the given seq (stored) or seq 0 (a live stream delta).
import type { UnifiedMessage, UserQuestion } from '@bottega/protocol';
import type { StoredMessage } from './transcript';

const base = (id: string, seq: number) => ({
  id,
  seq,
  provider: 'anthropic' as const,
  providerSessionId: 's1',
  at: '2025-01-01T00:00:00.000Z',
  raw: null,
});

export const msg = {
  user: (seq: number, text: string, id = `u${seq}`): StoredMessage => ({ ...base(id, seq), type: 'user', text }),
  assistant: (seq: number, text: string, id = `a${seq}`): StoredMessage => ({ ...base(id, seq), type: 'assistant', text }),
  thinking: (seq: number, text: string, id = `t${seq}`): StoredMessage => ({ ...base(id, seq), type: 'assistant_thinking', text }),
  toolUse: (seq: number, toolUseId: string, name: string, input: unknown, question?: UserQuestion[]): StoredMessage => ({
    ...base(`${toolUseId}:use`, seq),
    type: 'tool_use',
    toolUseId,
    name,
    input,
    ...(question ? { question } : {}),
  }),
  toolResult: (seq: number, toolUseId: string, output: string, isError = false): StoredMessage => ({
    ...base(`${toolUseId}:result`, seq),
    type: 'tool_result',
    toolUseId,
    output,
    isError,
  }),
  system: (seq: number, text: string, subtype = 'init'): StoredMessage => ({ ...base(`s${seq}`, seq), type: 'system', subtype, text }),
  instructions: (seq: number, text: string): StoredMessage => ({ ...base(`u${seq}`, seq), type: 'user', text, instructions: true }),
  result: (seq: number): StoredMessage => ({
    ...base(`r${seq}`, seq),
    type: 'result',
    status: 'success',
    text: 'done',
    usage: null,
    contextUsage: null,
    costUsd: 0.0123,
    durationMs: 4200,
  }),
  delta: (parentId: string, kind: 'text' | 'thinking', text: string, id = `d-${parentId}-${text}`): UnifiedMessage => ({
    ...base(id, 0),
    type: 'stream_delta',
    kind,
    text,
    parentId,
  }),
};

export const colourQuestion: UserQuestion = {
  question: 'Which colour?',
  header: 'Colour',
  options: [
    { label: 'Blue', description: 'Calm and cool' },
    { label: 'Green', description: 'Fresh' },
  ],
  multiSelect: false,
};

export const toppingsQuestion: UserQuestion = {
  question: 'Which toppings?',
  header: 'Toppings',
  options: [
    { label: 'Cheese', description: 'Melted' },
    { label: 'Olives', description: 'Black ones' },
    { label: 'Basil', description: 'Fresh leaves' },
  ],
  multiSelect: true,
};
