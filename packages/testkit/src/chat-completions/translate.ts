// Chat Completions ↔ the scripted brain: a request becomes a neutral
// conversation (then a Messages request, see brain-adapter.ts), and the
// brain's reply becomes a completion — streamed as `chat.completion.chunk`s
// or whole. OpenCode's `bash {command, description}` is the brain's `Bash`.
import { randomBytes } from 'node:crypto';
import type { ToolAlias, NeutralItem, NeutralReply, NeutralRequest } from '../brain-adapter';
import type { ChatChunk, ChatCompletion, ChatRequest, ChatToolCall, ChatUsage } from './wire';
import { contentText } from './wire';

/**
 * OpenCode shows the model a command's output but never its exit status, and
 * the brains decide on failures the way Claude Code reports them (an error
 * result starting `Exit code N`). So the fake's commands end by printing
 * their status on a marker line; the marker is removed again, turned into
 * the error flag, before the brain sees the result.
 */
const STATUS_MARKER = '[fake-exit-status: ';
const STATUS_LINE = /\n?\[fake-exit-status: (\d+)\]\n?$/;

export function withExitStatus(command: string): string {
  return `(\n${command}\n); printf '\\n${STATUS_MARKER}%d]\\n' "$?"`;
}

export function withoutExitStatus(command: string): string {
  const m = /^\(\n([\s\S]*)\n\); printf '.*\[fake-exit-status: %d\]\\n' "\$\?"$/.exec(command);
  return m?.[1] ?? command;
}

/** A bash result: the output without the status line, and whether the command failed. */
export function readExitStatus(output: string): { output: string; isError: boolean } {
  const m = STATUS_LINE.exec(output);
  if (!m) return { output, isError: false };
  const code = Number(m[1]);
  const rest = output.slice(0, m.index);
  return code === 0 ? { output: rest, isError: false } : { output: `Exit code ${code}\n${rest}`, isError: true };
}

/** OpenCode's shell tool is `bash` with `{command, description}`: the brain's `Bash`. */
export const CHAT_TOOL_ALIASES: readonly ToolAlias[] = [
  {
    vendor: 'bash',
    brain: 'Bash',
    toBrain: (input) => (typeof input.command === 'string' ? { ...input, command: withoutExitStatus(input.command) } : input),
    toVendor: (input) => (typeof input.command === 'string' ? { ...input, command: withExitStatus(input.command) } : input),
  },
];

let counter = 0;

export function chatId(prefix: string): string {
  counter += 1;
  return `${prefix}-fake${counter.toString(36)}${randomBytes(6).toString('hex')}`;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

/** The request as the neutral conversation the brain adapter reads. */
export function neutralRequest(request: ChatRequest): NeutralRequest {
  const system: string[] = [];
  const items: NeutralItem[] = [];
  const bashCalls = new Set<string>();
  for (const m of request.messages) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(contentText(m.content));
        break;
      case 'user':
        items.push({ kind: 'user', text: contentText(m.content) });
        break;
      case 'assistant': {
        const text = contentText(m.content);
        if (text.length > 0) items.push({ kind: 'assistant', text });
        for (const call of m.tool_calls ?? []) {
          if (call.function.name === 'bash') bashCalls.add(call.id);
          items.push({ kind: 'call', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) });
        }
        break;
      }
      case 'tool': {
        const output = contentText(m.content);
        items.push({
          kind: 'result',
          callId: m.tool_call_id,
          ...(bashCalls.has(m.tool_call_id) ? readExitStatus(output) : { output, isError: false }),
        });
        break;
      }
    }
  }
  const tools = (request.tools ?? []).map((t) => ({
    name: t.function.name,
    ...(t.function.description === undefined ? {} : { description: t.function.description }),
    ...(t.function.parameters === undefined ? {} : { parameters: t.function.parameters }),
  }));
  return { model: request.model, system: system.filter((s) => s.length > 0).join('\n\n'), items, tools };
}

export function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

/** A completion with ids assigned once (stream and JSON forms derive from it). */
export interface BuiltCompletion {
  id: string;
  created: number;
  model: string;
  reasoning: string;
  text: string;
  calls: ChatToolCall[];
  finish: NeutralReply['finish'];
  usage: ChatUsage;
}

export function buildCompletion(reply: NeutralReply, request: ChatRequest): BuiltCompletion {
  const calls: ChatToolCall[] = reply.calls.map((c) => ({
    id: chatId('call'),
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.input) },
  }));
  const prompt = estimateTokens([request.messages, request.tools]);
  const completion = estimateTokens([reply.text, calls]);
  return {
    id: chatId('chatcmpl'),
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    reasoning: reply.thinking.join('\n\n'),
    text: reply.text,
    calls,
    finish: reply.finish,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** The chunks of a streamed completion, in the real order; the usage chunk only when asked for. */
export function completionChunks(c: BuiltCompletion, includeUsage: boolean): ChatChunk[] {
  const chunk = (
    delta: ChatChunk['choices'][number]['delta'],
    finish: ChatChunk['choices'][number]['finish_reason'] = null,
  ): ChatChunk => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const out: ChatChunk[] = [chunk({ role: 'assistant', content: '' })];
  if (c.reasoning) out.push(chunk({ reasoning_content: c.reasoning }));
  if (c.finish === 'stop' || c.text) {
    // Text in two pieces, as a real stream delivers it in many.
    const half = Math.ceil(c.text.length / 2);
    for (const piece of [c.text.slice(0, half), c.text.slice(half)]) if (piece) out.push(chunk({ content: piece }));
  }
  c.calls.forEach((call, index) => {
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    out.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
  });
  out.push(chunk({}, c.finish));
  if (includeUsage)
    out.push({ id: c.id, object: 'chat.completion.chunk', created: c.created, model: c.model, choices: [], usage: c.usage });
  return out;
}

export function completionJson(c: BuiltCompletion): ChatCompletion {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: c.text || null, ...(c.calls.length > 0 ? { tool_calls: c.calls } : {}) },
        finish_reason: c.finish,
      },
    ],
    usage: c.usage,
  };
}

export function encodeChunk(chunk: ChatChunk | '[DONE]'): string {
  return `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`;
}
