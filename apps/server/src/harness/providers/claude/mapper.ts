// The only code that knows Claude Code's SDK message shapes: maps each SDK
// message to unified messages (docs/behaviour/harness.md#mappers). Exhaustive over `type`; anything not
// recognised becomes system/unknown, never dropped. Ids come from native ids
// (API message id + block index, tool_use_id, uuid) so re-emits are idempotent.
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { UserQuestion } from '@bottega/protocol';
import { z } from 'zod';
import type { ProviderMessage } from '../../contract';
import { blockIndexFor, contentId, createMapperContext, type MapperContext } from './mapper-context';
import { mapSystemMessage, systemMessage, unknownMessage } from './mapper-system';
import { mapResult } from './mapper-result';

export { createMapperContext, type MapperContext } from './mapper-context';

type AssistantMsg = Extract<SDKMessage, { type: 'assistant' }>;
type UserMsg = Extract<SDKMessage, { type: 'user' }>;
type StreamMsg = Extract<SDKMessage, { type: 'stream_event' }>;

/** The tool Claude Code uses to ask the user multiple-choice questions. */
export const ASK_USER_TOOL = 'AskUserQuestion';

const QuestionsInput = z.object({
  questions: z
    .array(
      z.object({
        question: z.string(),
        header: z.string(),
        options: z.array(z.object({ label: z.string(), description: z.string() })),
        multiSelect: z.boolean(),
      }),
    )
    .min(1),
});

/** The questions of an AskUserQuestion input, or null when it is malformed. */
export function parseQuestions(input: unknown): UserQuestion[] | null {
  const parsed = QuestionsInput.safeParse(input);
  if (!parsed.success) return null;
  return parsed.data.questions.map((q) => ({
    question: q.question,
    header: q.header,
    options: q.options.map((o) => ({ label: o.label, description: o.description })),
    multiSelect: q.multiSelect,
  }));
}

/** Maps one SDK message; `ctx` carries per-turn state (one per turn stream). */
export function mapClaudeMessage(msg: SDKMessage, ctx: MapperContext = createMapperContext()): ProviderMessage[] {
  switch (msg.type) {
    case 'assistant':
      return mapAssistant(msg, ctx);
    case 'user':
      return mapUser(msg);
    case 'result':
      return [mapResult(msg, ctx)];
    case 'system':
      return mapSystemMessage(msg);
    case 'stream_event':
      return mapStreamEvent(msg, ctx);
    case 'auth_status':
      return msg.error || msg.output.length > 0
        ? [systemMessage(msg.uuid, msg.session_id, msg.error ? 'error' : 'auth', msg.error ?? msg.output.join('\n'), msg)]
        : [];
    case 'tool_use_summary':
      return [systemMessage(msg.uuid, msg.session_id, 'tool_summary', msg.summary, msg)];
    case 'rate_limit_event': {
      const info = msg.rate_limit_info;
      if (info.status === 'allowed') return [];
      const resets = info.resetsAt ? `; resets at ${new Date(info.resetsAt * 1000).toISOString()}` : '';
      return [systemMessage(msg.uuid, msg.session_id, 'rate_limit', `rate limit ${info.status.replace('_', ' ')}${resets}`, msg)];
    }
    case 'conversation_reset':
      return [systemMessage(msg.uuid, msg.session_id, 'notice', `conversation reset (${msg.trigger ?? 'unknown trigger'})`, msg)];
    case 'tool_progress':
    case 'prompt_suggestion':
      return [];
    default: {
      const other: { type?: unknown; uuid?: unknown; session_id?: unknown } = msg satisfies never;
      const id = typeof other.uuid === 'string' ? other.uuid : contentId('unknown', msg);
      const sid = typeof other.session_id === 'string' ? other.session_id : null;
      return [unknownMessage(id, sid, `unrecognized Claude Code message "${String(other.type)}"`, msg)];
    }
  }
}

function mapAssistant(msg: AssistantMsg, ctx: MapperContext): ProviderMessage[] {
  const m = msg.message;
  const sid = msg.session_id;
  const content = Array.isArray(m.content) ? m.content : [];
  if (m.usage && m.model !== '<synthetic>') {
    ctx.lastCall = {
      model: m.model,
      input: m.usage.input_tokens ?? 0,
      output: m.usage.output_tokens ?? 0,
      cacheRead: m.usage.cache_read_input_tokens ?? 0,
      cacheWrite: m.usage.cache_creation_input_tokens ?? 0,
    };
  }
  if (msg.error) {
    const text = content
      .map((b) => (b.type === 'text' ? b.text : ''))
      .join('\n')
      .trim();
    return [systemMessage(`${m.id}:error`, sid, 'error', text || `model request failed: ${msg.error}`, msg)];
  }
  return content.map((block, i): ProviderMessage => {
    const id = `${m.id}:${blockIndexFor(ctx, m.id, i === 0 ? msg.uuid : `${msg.uuid}:${i}`)}`;
    const base = { id, providerSessionId: sid, raw: msg };
    switch (block.type) {
      case 'text':
        return { ...base, type: 'assistant', text: block.text };
      case 'thinking':
        return { ...base, type: 'assistant_thinking', text: block.thinking };
      case 'redacted_thinking':
        return { ...base, type: 'assistant_thinking', text: '[redacted thinking]' };
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use': {
        const question = block.name === ASK_USER_TOOL ? parseQuestions(block.input) : null;
        return {
          ...base,
          type: 'tool_use',
          toolUseId: block.id,
          name: block.name,
          input: block.input,
          ...(question ? { question } : {}),
        };
      }
      default:
        return unknownMessage(id, sid, `unrecognized assistant content block "${block.type}"`, msg);
    }
  });
}

/** A tool result's content as plain text (images and other blocks as placeholders). */
export function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content
    .map((b: { type?: unknown; text?: unknown }) => (b.type === 'text' && typeof b.text === 'string' ? b.text : `[${String(b.type)}]`))
    .join('\n');
}

function mapUser(msg: UserMsg): ProviderMessage[] {
  const sid = msg.session_id ?? null;
  const uuid = msg.uuid ?? contentId('user', msg.message);
  const content = msg.message.content;
  if (typeof content === 'string') return [{ type: 'user', text: content, id: `${uuid}:0`, providerSessionId: sid, raw: msg }];
  return content.map((block, i): ProviderMessage => {
    const base = { id: `${uuid}:${i}`, providerSessionId: sid, raw: msg };
    switch (block.type) {
      case 'text':
        return { ...base, type: 'user', text: block.text };
      case 'image':
        return { ...base, type: 'user', text: '[image]' };
      case 'tool_result':
        return {
          ...base,
          id: `${block.tool_use_id}:result`,
          type: 'tool_result',
          toolUseId: block.tool_use_id,
          output: toolResultText(block.content),
          isError: block.is_error === true,
        };
      default:
        return unknownMessage(base.id, sid, `unrecognized user content block "${block.type}"`, msg);
    }
  });
}

function mapStreamEvent(msg: StreamMsg, ctx: MapperContext): ProviderMessage[] {
  const ev = msg.event;
  switch (ev.type) {
    case 'message_start':
      ctx.currentMessageId = ev.message.id;
      return [];
    case 'content_block_start':
      if (ctx.currentMessageId) ctx.pendingStart.set(ctx.currentMessageId, ev.index);
      return [];
    case 'content_block_delta': {
      const parentId = ctx.currentMessageId ?? apiMessageId(msg);
      if (!parentId) return [];
      if (ev.delta.type === 'text_delta') {
        return [
          { type: 'stream_delta', kind: 'text', text: ev.delta.text, parentId, id: msg.uuid, providerSessionId: msg.session_id, raw: msg },
        ];
      }
      if (ev.delta.type === 'thinking_delta') {
        return [
          {
            type: 'stream_delta',
            kind: 'thinking',
            text: ev.delta.thinking,
            parentId,
            id: msg.uuid,
            providerSessionId: msg.session_id,
            raw: msg,
          },
        ];
      }
      return [];
    }
    case 'message_delta':
      if (ctx.lastCall && ev.usage.output_tokens !== null) ctx.lastCall.output = ev.usage.output_tokens;
      return [];
    case 'content_block_stop':
    case 'message_stop':
      return [];
    default:
      return [unknownMessage(msg.uuid, msg.session_id, `unrecognized stream event "${(ev as { type?: unknown }).type}"`, msg)];
  }
}

/** The CLI tags stream events with the API message id (not in the SDK's types). */
function apiMessageId(msg: StreamMsg): string | null {
  const v = (msg as { api_message_id?: unknown }).api_message_id;
  return typeof v === 'string' ? v : null;
}
