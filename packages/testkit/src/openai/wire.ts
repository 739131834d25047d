// The subset of the OpenAI Responses API wire format the fake reads and
// writes. Loose on input (Codex sends much more), exact on output.

/** One content part of an input message. */
export interface InputContent {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** One item of a request's `input`; unknown item types pass through. */
export type InputItem =
  | { type: 'message'; role: string; content: string | InputContent[]; [key: string]: unknown }
  | { type: 'function_call'; name: string; arguments: string; call_id: string; [key: string]: unknown }
  | { type: 'function_call_output'; call_id: string; output: unknown; [key: string]: unknown }
  | { type: 'reasoning'; summary?: unknown; [key: string]: unknown }
  | { type: string; [key: string]: unknown };

export interface ResponsesTool {
  type: string;
  name?: string;
  description?: string;
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A `POST /v1/responses` body, as far as the fake cares. */
export interface ResponsesRequest {
  model: string;
  instructions?: string;
  input: InputItem[];
  tools?: ResponsesTool[];
  stream?: boolean;
  reasoning?: unknown;
  [key: string]: unknown;
}

/** An output item of a reply, as `response.output_item.done` carries it. */
export type OutputItem =
  | {
      type: 'message';
      id: string;
      role: 'assistant';
      status: 'completed';
      content: { type: 'output_text'; text: string; annotations: [] }[];
    }
  | { type: 'reasoning'; id: string; summary: { type: 'summary_text'; text: string }[] }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'completed' };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function isResponsesRequest(body: unknown): body is ResponsesRequest {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.model === 'string' && Array.isArray(b.input);
}
