// Reads a Messages request's history the way the stateless brain needs it:
// the prompt that started the current turn, and the tool calls made since.
import { blocksOf, isText, isToolResult, isToolUse } from './wire';
import type { MessagesRequest, WireBlock } from './wire';

export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
  /** The tool_result text, when the result has come back. */
  result?: string;
  isError?: boolean;
}

/** The current turn: its prompt text and the tool calls after it (oldest first). */
export interface TurnView {
  prompt: string;
  calls: ToolCall[];
  /** Whether the request ends with tool results (a continuation, not a fresh prompt). */
  answeringToolResults: boolean;
}

const reminder = /^\s*<system-reminder>/;

const reminderBlocks = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

/** The plain text of a tool_result's content (string or text blocks), minus the CLI's `<system-reminder>`s. */
export function resultText(content: unknown): string {
  const raw =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? (content as WireBlock[])
            .filter(isText)
            .map((b) => b.text)
            .join('\n')
        : '';
  return raw.replace(reminderBlocks, '').trim();
}

/** The note Claude Code adds after a prompt's image blocks (where it saved the image), not the user's words. */
const imageNote = /^\s*\[Image: source: [^\]\n]*\]\s*$/;

/** The prompt message's text: its last text block that is not a `<system-reminder>` or an image note. */
function promptText(blocks: WireBlock[]): string {
  const texts = blocks.filter(isText).map((b) => b.text);
  return [...texts].reverse().find((t) => !reminder.test(t) && !imageNote.test(t)) ?? texts.at(-1) ?? '';
}

/**
 * Finds the turn in the request: the prompt is the last user message with
 * text and no tool_result; calls are the assistant tool_use blocks after it.
 * Returns undefined when no user message carries a prompt.
 */
export function readTurn(request: MessagesRequest): TurnView | undefined {
  const messages = request.messages;
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!m || m.role !== 'user') continue;
    const blocks = blocksOf(m);
    if (blocks.some(isText) && !blocks.some(isToolResult)) {
      start = i;
      break;
    }
  }
  const first = messages[start];
  if (!first) return undefined;
  const calls: ToolCall[] = [];
  const byId = new Map<string, ToolCall>();
  for (const m of messages.slice(start + 1)) {
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
  const last = messages.at(-1);
  const answeringToolResults = last !== undefined && last.role === 'user' && blocksOf(last).some(isToolResult);
  return { prompt: promptText(blocksOf(first)), calls, answeringToolResults };
}
