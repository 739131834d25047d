// SDK messages for the mapper tests, shaped as Claude Code 2.1.33x emits them
// (recorded from real runs against a local fake, trimmed to the fields read).
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';

export const SID = '65e07ba0-57d1-40ab-bb08-8773acf28660';

export const sdk = (m: Record<string, unknown>): SDKMessage => ({ session_id: SID, ...m }) as unknown as SDKMessage;

const usage = { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 2, cache_read_input_tokens: 3 };

export function assistant(
  messageId: string,
  uuid: string,
  block: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): SDKMessage {
  return sdk({
    type: 'assistant',
    message: { id: messageId, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [block], stop_reason: null, usage },
    parent_tool_use_id: null,
    uuid,
    ...extra,
  });
}

export function user(content: unknown, uuid: string | null = 'u-1', extra: Record<string, unknown> = {}): SDKMessage {
  return sdk({ type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, ...(uuid ? { uuid } : {}), ...extra });
}

export function stream(event: Record<string, unknown>, uuid: string, apiMessageId?: string): SDKMessage {
  return sdk({ type: 'stream_event', event, parent_tool_use_id: null, uuid, ...(apiMessageId ? { api_message_id: apiMessageId } : {}) });
}

export function result(extra: Record<string, unknown> = {}): SDKMessage {
  return sdk({
    type: 'result',
    subtype: 'success',
    is_error: false,
    api_error_status: null,
    duration_ms: 1068,
    duration_api_ms: 158,
    num_turns: 2,
    result: 'RESULT: done',
    stop_reason: 'end_turn',
    terminal_reason: 'completed',
    total_cost_usd: 0.0002268,
    usage: { input_tokens: 20, output_tokens: 10, cache_creation_input_tokens: 4, cache_read_input_tokens: 6 },
    modelUsage: { 'claude-sonnet-4-5': { inputTokens: 20, outputTokens: 10, contextWindow: 200000, costUSD: 0.0002268 } },
    permission_denials: [],
    uuid: 'r-1',
    ...extra,
  });
}

export const askInput = {
  questions: [
    {
      question: 'Which color?',
      header: 'Color',
      options: [
        { label: 'Red', description: 'warm' },
        { label: 'Blue', description: 'cool' },
      ],
      multiSelect: false,
    },
  ],
};

export const init = sdk({
  type: 'system',
  subtype: 'init',
  uuid: 'i-1',
  claude_code_version: '2.1.331',
  model: 'claude-sonnet-4-5',
  permissionMode: 'bypassPermissions',
  cwd: '/tmp/x',
  tools: ['Bash'],
  mcp_servers: [],
  apiKeySource: 'ANTHROPIC_API_KEY',
});

export const apiRetry = sdk({
  type: 'system',
  subtype: 'api_retry',
  attempt: 1,
  max_retries: 2,
  retry_delay_ms: 537,
  error_status: 401,
  error: 'authentication_failed',
  uuid: 'a-1',
});

/** The synthetic message the CLI emits when a model request finally fails. */
export const authErrorAssistant = sdk({
  type: 'assistant',
  message: {
    id: '69e96c23-19f5-4d44-a7d3-2b2b5a70839e',
    model: '<synthetic>',
    role: 'assistant',
    stop_reason: 'stop_sequence',
    type: 'message',
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    content: [{ type: 'text', text: 'Invalid API key · Fix external API key' }],
  },
  parent_tool_use_id: null,
  uuid: 'e-1',
  error: 'authentication_failed',
});

export const authErrorResult = result({
  is_error: true,
  api_error_status: 401,
  result: 'Invalid API key · Fix external API key',
  stop_reason: 'stop_sequence',
  terminal_reason: 'api_error',
  total_cost_usd: 0,
  modelUsage: {},
  uuid: 'r-err',
});
