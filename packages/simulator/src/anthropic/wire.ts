// The subset of the Anthropic Messages API wire format the fake server reads
// and writes. Loose on input (the CLI sends much more), exact on output.

/** One content block of a request message; unknown block types pass through. */
export type WireBlock =
  | { type: 'text'; text: string; [key: string]: unknown }
  | { type: 'thinking'; thinking: string; signature?: string; [key: string]: unknown }
  | { type: 'tool_use'; id: string; name: string; input: unknown; [key: string]: unknown }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content?: string | WireBlock[];
      is_error?: boolean;
      [key: string]: unknown;
    }
  | { type: string; [key: string]: unknown };

export interface WireMessage {
  role: 'user' | 'assistant';
  content: string | WireBlock[];
}

export interface WireTool {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A `POST /v1/messages` body, as far as the fake cares. */
export interface MessagesRequest {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
  system?: unknown;
  stream?: boolean;
  max_tokens?: number;
  thinking?: unknown;
  [key: string]: unknown;
}

/** A content block of a reply, ids already assigned. */
export type ReplyContent =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type StopReason = 'end_turn' | 'tool_use';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** A complete `message` object, as a non-streaming response returns it. */
export interface ReplyMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ReplyContent[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: Usage;
}

/** Anthropic error types, keyed from HTTP status by `errorTypeForStatus`. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface ApiErrorBody {
  type: 'error';
  error: { type: ApiErrorType | string; message: string };
}

/** Type guard helpers for the loosely typed request blocks. */
export function isToolResult(block: WireBlock): block is Extract<WireBlock, { type: 'tool_result' }> {
  return block.type === 'tool_result';
}

export function isToolUse(block: WireBlock): block is Extract<WireBlock, { type: 'tool_use' }> {
  return block.type === 'tool_use';
}

export function isText(block: WireBlock): block is Extract<WireBlock, { type: 'text' }> {
  return block.type === 'text' && typeof block.text === 'string';
}

/** A message's content as a block list (a bare string is one text block). */
export function blocksOf(message: WireMessage): WireBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}
