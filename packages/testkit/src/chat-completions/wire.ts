// The subset of the OpenAI Chat Completions wire format the fake reads and
// writes (what `@ai-sdk/openai-compatible`, OpenCode's custom-provider client,
// sends). Loose on input, exact on output.

export type ChatContent = string | { type: string; text?: string; [key: string]: unknown }[] | null;

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: ChatContent }
  | { role: 'user'; content: ChatContent }
  | { role: 'assistant'; content?: ChatContent; tool_calls?: ChatToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; content: ChatContent };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** A `POST /v1/chat/completions` body, as far as the fake cares. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'tool_calls';

/** One streamed `chat.completion.chunk`. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: 0;
    delta: {
      role?: 'assistant';
      content?: string;
      reasoning_content?: string;
      tool_calls?: { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }[];
    };
    finish_reason: FinishReason | null;
  }[];
  usage?: ChatUsage | null;
}

/** The non-streaming `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: 0; message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }; finish_reason: FinishReason }[];
  usage: ChatUsage;
}

export function isChatRequest(body: unknown): body is ChatRequest {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.model === 'string' && Array.isArray(b.messages);
}

/** The plain text of a message's content (a string or text parts). */
export function contentText(content: ChatContent | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}
