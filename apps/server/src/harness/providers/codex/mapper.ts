// The only code that knows Codex's event shapes (docs/behaviour/harness.md#mappers): maps the SDK's
// thread events to unified messages. Only completed items become messages;
// a command execution becomes a tool_use/tool_result pair; file changes, MCP
// calls, web searches and to-do lists get the tool names the rest of Bottega
// knows (Edit, mcp__server__tool, WebSearch, TodoWrite). Anything unknown
// becomes system/unknown, never dropped. Ids are `codex:<turn>:<item id>`:
// Codex numbers items per turn, so each turn carries its own key.
import type { ThreadEvent, ThreadItem, Usage } from '@openai/codex-sdk';
import type { TokenUsage } from '@bottega/protocol';
import type { ProviderMessage } from '../../contract';

export interface CodexMapperContext {
  /** Unique per turn (item ids restart at item_0 every turn). */
  turnKey: string;
  sessionId: string | null;
  /** The last agent message of the turn: the result text. */
  lastText: string;
  startedAt: number;
  /** Failures seen (turn.failed / error events), for the turn to classify. */
  failures: string[];
  /** Numbers items and events that carry no id of their own. */
  anonymous: number;
}

export function createCodexMapperContext(turnKey: string, sessionId: string | null, now = Date.now()): CodexMapperContext {
  return { turnKey, sessionId, lastText: '', startedAt: now, failures: [], anonymous: 0 };
}

type Body = ProviderMessage extends infer M ? (M extends ProviderMessage ? Omit<M, 'id' | 'providerSessionId' | 'raw'> : never) : never;

function message(ctx: CodexMapperContext, suffix: string, body: Body, raw: unknown): ProviderMessage {
  return { ...body, id: `codex:${ctx.turnKey}:${suffix}`, providerSessionId: ctx.sessionId, raw } as ProviderMessage;
}

export function mapUsage(u: Usage): TokenUsage {
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheReadTokens: u.cached_input_tokens,
    cacheWriteTokens: u.cache_write_input_tokens ?? 0,
  };
}

/** A tool_use and its tool_result, with ids from the item id. */
function pair(
  ctx: CodexMapperContext,
  item: ThreadItem,
  name: string,
  input: unknown,
  output: string,
  isError: boolean,
): ProviderMessage[] {
  const toolUseId = `codex:${ctx.turnKey}:${item.id}`;
  return [
    message(ctx, `${item.id}:use`, { type: 'tool_use', toolUseId, name, input }, item),
    message(ctx, `${item.id}:result`, { type: 'tool_result', toolUseId, output, isError }, item),
  ];
}

/** Reads one POSIX shell word (quotes and backslashes resolved); null when `text` is not exactly one word. */
function shellWord(text: string): string | null {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) return null;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      out += text.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) i++;
        out += text[i];
        i++;
      }
      if (i >= text.length) return null;
      i++;
    } else if (ch === '\\' && i + 1 < text.length) {
      out += text[i + 1];
      i += 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Codex reports commands as `/bin/bash -lc '<cmd>'` (or `"…"`); the model wrote `<cmd>`. */
export function unwrapShell(command: string): string {
  const m = /^\S*\/(?:ba|z)?sh -l?c ([\s\S]+)$/.exec(command);
  const word = m?.[1] === undefined ? null : shellWord(m[1]);
  return word ?? command;
}

function mcpOutput(item: Extract<ThreadItem, { type: 'mcp_tool_call' }>): string {
  if (item.error) return item.error.message;
  const blocks = item.result?.content ?? [];
  return blocks.map((b) => (b.type === 'text' ? b.text : `[${b.type}]`)).join('\n');
}

function mapItem(item: ThreadItem, ctx: CodexMapperContext): ProviderMessage[] {
  switch (item.type) {
    case 'agent_message':
      ctx.lastText = item.text;
      return [message(ctx, item.id, { type: 'assistant', text: item.text }, item)];
    case 'reasoning':
      return [message(ctx, item.id, { type: 'assistant_thinking', text: item.text }, item)];
    case 'command_execution': {
      const failed = item.status === 'failed' || (item.exit_code !== undefined && item.exit_code !== 0);
      return pair(ctx, item, 'Bash', { command: unwrapShell(item.command) }, item.aggregated_output, failed);
    }
    case 'file_change': {
      const summary = item.changes.map((c) => `${c.kind} ${c.path}`).join('\n');
      return pair(ctx, item, 'Edit', { file_path: item.changes[0]?.path ?? '', changes: item.changes }, summary, item.status === 'failed');
    }
    case 'mcp_tool_call':
      return pair(
        ctx,
        item,
        `mcp__${item.server}__${item.tool}`,
        item.arguments,
        mcpOutput(item),
        item.status === 'failed' || item.error !== undefined,
      );
    case 'web_search':
      return pair(ctx, item, 'WebSearch', { query: item.query }, '', false);
    case 'todo_list': {
      const todos = item.items.map((t) => ({ content: t.text, status: t.completed ? 'completed' : 'pending' }));
      return pair(ctx, item, 'TodoWrite', { todos }, `${todos.filter((t) => t.status === 'completed').length}/${todos.length} done`, false);
    }
    case 'error':
      return [message(ctx, item.id, { type: 'system', subtype: 'warning', text: item.message }, item)];
    default: {
      const other: { id?: unknown; type?: unknown } = item satisfies never;
      const id = typeof other.id === 'string' ? other.id : `unknown-${++ctx.anonymous}`;
      return [message(ctx, id, { type: 'system', subtype: 'unknown', text: `unrecognised Codex item ${String(other.type)}` }, item)];
    }
  }
}

/** Maps one thread event; `ctx` is the turn's state. */
export function mapCodexEvent(event: ThreadEvent, ctx: CodexMapperContext, now = Date.now()): ProviderMessage[] {
  switch (event.type) {
    case 'thread.started':
      ctx.sessionId = event.thread_id;
      return [];
    case 'turn.started':
    case 'item.started':
    case 'item.updated':
      return [];
    case 'item.completed':
      return mapItem(event.item, ctx);
    case 'turn.completed':
      return [
        message(
          ctx,
          'result',
          {
            type: 'result',
            status: 'success',
            text: ctx.lastText,
            usage: mapUsage(event.usage),
            contextUsage: null,
            costUsd: null,
            durationMs: now - ctx.startedAt,
          },
          event,
        ),
      ];
    case 'turn.failed':
      ctx.failures.push(event.error.message);
      return [
        message(
          ctx,
          'result',
          {
            type: 'result',
            status: 'error',
            text: event.error.message,
            usage: null,
            contextUsage: null,
            costUsd: null,
            durationMs: now - ctx.startedAt,
          },
          event,
        ),
      ];
    case 'error':
      ctx.failures.push(event.message);
      return [message(ctx, `error:${ctx.failures.length}`, { type: 'system', subtype: 'error', text: event.message }, event)];
    default: {
      const other: { type?: unknown } = event satisfies never;
      return [
        message(
          ctx,
          `unknown-event-${++ctx.anonymous}`,
          { type: 'system', subtype: 'unknown', text: `unrecognised Codex event ${String(other.type)}` },
          event,
        ),
      ];
    }
  }
}
