// Maps Claude Code's end-of-turn `result` message: status, final text, token
// usage, cost, duration, and the context-window figure taken from the LAST
// model call of the turn (the result's own usage sums every call).
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ContextUsage } from '@bottega/protocol';
import type { ProviderMessage } from '../../contract';
import type { MapperContext } from './mapper-context';

type ResultMsg = Extract<SDKMessage, { type: 'result' }>;

export function resultStatus(msg: ResultMsg): 'success' | 'error' | 'interrupted' {
  if (msg.subtype === 'success' && !msg.is_error) return 'success';
  if (msg.terminal_reason === 'aborted_streaming' || msg.terminal_reason === 'aborted_tools') return 'interrupted';
  return 'error';
}

function resultText(msg: ResultMsg): string {
  if (msg.subtype === 'success') return msg.result;
  return msg.errors.length > 0 ? msg.errors.join('\n') : `turn ended: ${msg.subtype}`;
}

function contextUsage(msg: ResultMsg, ctx: MapperContext): ContextUsage | null {
  const last = ctx.lastCall;
  if (!last) return null;
  const models = msg.modelUsage ?? {};
  const entry = (last.model ? models[last.model] : undefined) ?? Object.values(models)[0];
  return {
    usedTokens: last.input + last.cacheRead + last.cacheWrite + last.output,
    windowTokens: entry && entry.contextWindow > 0 ? entry.contextWindow : null,
    breakdown: null,
  };
}

export function mapResult(msg: ResultMsg, ctx: MapperContext): ProviderMessage {
  const u = msg.usage;
  return {
    type: 'result',
    status: resultStatus(msg),
    text: resultText(msg),
    usage: u
      ? {
          inputTokens: u.input_tokens ?? 0,
          outputTokens: u.output_tokens ?? 0,
          cacheReadTokens: u.cache_read_input_tokens ?? 0,
          cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
        }
      : null,
    contextUsage: contextUsage(msg, ctx),
    // The session's running total (a resumed session continues from the earlier turns):
    // the harness keeps the turn's share of it as the turn's cost.
    costUsd: null,
    runningCostUsd: typeof msg.total_cost_usd === 'number' ? msg.total_cost_usd : null,
    durationMs: typeof msg.duration_ms === 'number' ? msg.duration_ms : null,
    id: `${msg.session_id}:${msg.uuid}`,
    providerSessionId: msg.session_id,
    raw: msg,
  };
}
