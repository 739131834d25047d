// Lets the scripted brain (which thinks in Anthropic Messages terms) answer
// other vendors' wire formats. A fake describes its request as a neutral
// conversation (user text, assistant text, tool calls and their results, tools
// offered) plus tool aliases (`bash {command}` ↔ the brain's `Bash {command}`);
// this turns it into a MessagesRequest, and the brain's reply back into
// neutral calls under the vendor's tool names.
import type { BrainReply } from '@bottega/simulator';
import type { MessagesRequest, WireBlock, WireMessage, WireTool } from '@bottega/simulator';

/** One entry of a vendor conversation, in order. */
export type NeutralItem =
  | { kind: 'user'; text: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'call'; id: string; name: string; input: unknown }
  | { kind: 'result'; callId: string; output: string; isError: boolean };

export interface NeutralTool {
  name: string;
  description?: string;
  /** The tool's JSON Schema as the vendor sent it. */
  parameters?: Record<string, unknown>;
}

export interface NeutralRequest {
  model: string;
  /** The system/developer instructions joined; empty when none. */
  system: string;
  items: NeutralItem[];
  tools: NeutralTool[];
}

/**
 * A vendor tool the brain knows under another name. The inputs are converted
 * both ways (e.g. Codex's `{cmd}` ↔ the brain's `{command}`); omit them when
 * the shapes agree.
 */
export interface ToolAlias {
  vendor: string;
  brain: string;
  toBrain?: (input: Record<string, unknown>) => Record<string, unknown>;
  toVendor?: (input: Record<string, unknown>) => Record<string, unknown>;
  /** The schema the brain checks its input against; default: the vendor's parameters. */
  brainSchema?: (vendorSchema: Record<string, unknown> | undefined) => Record<string, unknown> | undefined;
}

/** The brain's reply in neutral terms: tool calls carry vendor names and inputs. */
export interface NeutralReply {
  thinking: string[];
  text: string;
  calls: { name: string; input: Record<string, unknown> }[];
  finish: 'tool_calls' | 'stop';
  delayMs: number;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The conversation as a Messages request: consecutive same-role entries share one message. */
export function toMessagesRequest(request: NeutralRequest, aliases: readonly ToolAlias[] = []): MessagesRequest {
  const byVendor = new Map(aliases.map((a) => [a.vendor, a]));
  const messages: WireMessage[] = [];
  const push = (role: WireMessage['role'], block: WireBlock): void => {
    const last = messages.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const item of request.items) {
    switch (item.kind) {
      case 'user':
        // A user message after tool results starts a new message, as the API requires text apart from results.
        if (messages.at(-1)?.role === 'user' && blocksHaveResult(messages.at(-1)))
          messages.push({ role: 'user', content: [{ type: 'text', text: item.text }] });
        else push('user', { type: 'text', text: item.text });
        break;
      case 'assistant':
        push('assistant', { type: 'text', text: item.text });
        break;
      case 'call': {
        const alias = byVendor.get(item.name);
        const input = asObject(item.input);
        push('assistant', {
          type: 'tool_use',
          id: item.id,
          name: alias?.brain ?? item.name,
          input: alias?.toBrain ? alias.toBrain(input) : input,
        });
        break;
      }
      case 'result':
        push('user', { type: 'tool_result', tool_use_id: item.callId, content: item.output, is_error: item.isError });
        break;
    }
  }
  const tools: WireTool[] = request.tools.map((t) => {
    const alias = byVendor.get(t.name);
    const schema = alias?.brainSchema ? alias.brainSchema(t.parameters) : t.parameters;
    return {
      name: alias?.brain ?? t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      ...(schema ? { input_schema: schema } : {}),
    };
  });
  return {
    model: request.model,
    messages,
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.system.length > 0 ? { system: [{ type: 'text', text: request.system }] } : {}),
    stream: true,
  };
}

function blocksHaveResult(message: WireMessage | undefined): boolean {
  return Array.isArray(message?.content) && message.content.some((b) => b.type === 'tool_result');
}

/** The brain's reply under the vendor's tool names and input shapes. */
export function fromBrainReply(reply: BrainReply, aliases: readonly ToolAlias[] = []): NeutralReply {
  const byBrain = new Map(aliases.map((a) => [a.brain, a]));
  const thinking: string[] = [];
  const texts: string[] = [];
  const calls: NeutralReply['calls'] = [];
  for (const block of reply.content) {
    if (block.type === 'thinking') thinking.push(block.thinking);
    else if (block.type === 'text') texts.push(block.text);
    else {
      const alias = byBrain.get(block.name);
      calls.push({ name: alias?.vendor ?? block.name, input: alias?.toVendor ? alias.toVendor(block.input) : block.input });
    }
  }
  return { thinking, text: texts.join('\n\n'), calls, finish: calls.length > 0 ? 'tool_calls' : 'stop', delayMs: reply.delayMs };
}
