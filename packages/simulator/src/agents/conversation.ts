// The role brain's view of a request: the latest Bottega role prompt in the
// history and every tool call since (across resumed turns), looked up by the
// `description` each step gave its Bash call — so the brain stays stateless.
import { resultText } from '../anthropic/history';
import type { ToolCall } from '../anthropic/history';
import { blocksOf, isText, isToolResult, isToolUse } from '../anthropic/wire';
import type { MessagesRequest, WireBlock, WireMessage } from '../anthropic/wire';
import { detectRole, readPromptFacts } from './prompt-facts';
import type { PromptFacts } from './prompt-facts';

export interface RoleConversation {
  facts: PromptFacts;
  prompt: string;
  calls: ToolCall[];
}

const reminder = /^\s*<system-reminder>/;

function promptOf(message: WireMessage): string | undefined {
  if (message.role !== 'user') return undefined;
  const blocks = blocksOf(message);
  if (blocks.some(isToolResult)) return undefined;
  const texts = blocks
    .filter(isText)
    .map((b) => b.text)
    .filter((t) => !reminder.test(t));
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

function callsIn(messages: readonly WireMessage[]): ToolCall[] {
  const calls: ToolCall[] = [];
  const byId = new Map<string, ToolCall>();
  for (const m of messages) {
    for (const b of blocksOf(m)) {
      if (m.role === 'assistant' && isToolUse(b)) {
        const call: ToolCall = { id: b.id, name: b.name, input: b.input };
        calls.push(call);
        byId.set(b.id, call);
      } else if (m.role === 'user' && isToolResult(b)) {
        const call = byId.get(b.tool_use_id);
        if (call) {
          call.result = resultText(b.content);
          call.isError = b.is_error === true;
        }
      }
    }
  }
  return calls;
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return (system as WireBlock[])
    .filter(isText)
    .map((b) => b.text)
    .join('\n\n');
}

/**
 * The latest role prompt and the calls after it (a resumed session's later
 * prompts, such as "continue", do not reset them). A role prompt appended to
 * the system prompt counts too, with every call of the conversation.
 * Undefined when nothing is a Bottega role prompt.
 */
export function readRoleConversation(request: MessagesRequest): RoleConversation | undefined {
  const messages = request.messages;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    const prompt = m ? promptOf(m) : undefined;
    const role = prompt === undefined ? undefined : detectRole(prompt);
    if (prompt !== undefined && role !== undefined)
      return { facts: readPromptFacts(prompt, role), prompt, calls: callsIn(messages.slice(i + 1)) };
  }
  const system = systemText(request.system);
  const role = detectRole(system);
  return role === undefined ? undefined : { facts: readPromptFacts(system, role), prompt: system, calls: callsIn(messages) };
}

/** The `description` a call's input carries (the role brain's step key). */
export function descriptionOf(call: ToolCall | undefined): string | undefined {
  const input = call?.input;
  if (typeof input !== 'object' || input === null) return undefined;
  const d = (input as Record<string, unknown>).description;
  return typeof d === 'string' ? d : undefined;
}

/** Lookups over the calls made so far, keyed by step description. */
export interface StepLog {
  readonly calls: readonly ToolCall[];
  /** The latest call with this description. */
  find(description: string): ToolCall | undefined;
  has(description: string): boolean;
  count(description: string): number;
  /** The latest call of all. */
  last(): ToolCall | undefined;
  /** The latest call of this tool (e.g. `AskUserQuestion`). */
  lastOfTool(name: string): ToolCall | undefined;
  /** How many calls with this description end the log, uninterrupted. */
  trailing(description: string): number;
}

export function stepLog(calls: readonly ToolCall[]): StepLog {
  const matching = (d: string) => calls.filter((c) => descriptionOf(c) === d);
  return {
    calls,
    find: (d) => matching(d).at(-1),
    has: (d) => matching(d).length > 0,
    count: (d) => matching(d).length,
    last: () => calls.at(-1),
    lastOfTool: (name) => calls.filter((c) => c.name === name).at(-1),
    trailing: (d) => {
      let n = 0;
      for (let i = calls.length - 1; i >= 0 && descriptionOf(calls[i]) === d; i--) n++;
      return n;
    },
  };
}

/** Claude Code's text for a Bash call that printed nothing. */
export function isEmptyOutput(result: string | undefined): boolean {
  const t = (result ?? '').trim();
  return t.length === 0 || /^\(Bash completed with no output\)$/.test(t);
}

/** A failed Bash call's output without the CLI's leading `Exit code N` line. */
export function outputOf(call: ToolCall | undefined): string {
  const text = call?.result ?? '';
  return isEmptyOutput(text) ? '' : text.replace(/^Exit code \d+\n?/, '');
}

/** The exit status the CLI reported (`Exit code N`), 0 for a successful call. */
export function exitCodeOf(call: ToolCall | undefined): number {
  if (!call?.isError) return 0;
  const m = /^Exit code (\d+)/.exec(call.result ?? '');
  return m ? Number(m[1]) : 1;
}
