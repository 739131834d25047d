// Hand-built Messages requests for the brain's unit tests: a tool list with
// schemas shaped like the CLI's, and helpers for history messages.
import type { MessagesRequest, WireBlock, WireMessage, WireTool } from './wire';

const option = {
  type: 'object',
  properties: { label: { type: 'string' }, description: { type: 'string' } },
  required: ['label', 'description'],
  additionalProperties: false,
};

export const tools: WireTool[] = [
  {
    name: 'Bash',
    input_schema: {
      type: 'object',
      properties: { command: { type: 'string' }, description: { type: 'string' }, timeout: { type: 'number' } },
      required: ['command'],
      additionalProperties: false,
    },
  },
  {
    name: 'AskUserQuestion',
    input_schema: {
      type: 'object',
      properties: {
        questions: {
          type: 'array',
          minItems: 1,
          maxItems: 4,
          items: {
            type: 'object',
            properties: {
              question: { type: 'string' },
              header: { type: 'string' },
              options: { type: 'array', minItems: 2, maxItems: 4, items: option },
              multiSelect: { type: 'boolean' },
            },
            required: ['question', 'header', 'options', 'multiSelect'],
            additionalProperties: false,
          },
        },
        answers: { type: 'object' },
      },
      required: ['questions'],
      additionalProperties: false,
    },
  },
  { name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
];

export function user(...content: (string | WireBlock)[]): WireMessage {
  return { role: 'user', content: content.map((c) => (typeof c === 'string' ? { type: 'text', text: c } : c)) };
}

export function assistant(...content: WireBlock[]): WireMessage {
  return { role: 'assistant', content };
}

export function toolUse(id: string, name: string, input: Record<string, unknown>): WireBlock {
  return { type: 'tool_use', id, name, input };
}

export function toolResult(id: string, content: string, isError = false): WireBlock {
  return { type: 'tool_result', tool_use_id: id, content, is_error: isError };
}

export function request(messages: WireMessage[], withTools = true): MessagesRequest {
  return { model: 'claude-sonnet-4-5', max_tokens: 1000, messages, ...(withTools ? { tools } : {}) };
}
