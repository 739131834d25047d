// Maps Claude Code's `system` messages (init, retries, tasks, hooks, notices…)
// to unified `system` messages. Pure heartbeats (status "requesting", thinking
// token counts, session state) carry nothing for the transcript and map to [].
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ProviderMessage } from '../../contract';
import { contentId } from './mapper-context';

export type SdkSystemMessage = Extract<SDKMessage, { type: 'system' }>;

/** A unified system message carrying `raw` untouched. */
export function systemMessage(id: string, sessionId: string | null, subtype: string, text: string, raw: unknown): ProviderMessage {
  return { type: 'system', subtype, text, id, providerSessionId: sessionId, raw };
}

/** What to show for a message or block this mapper does not know. */
export function unknownMessage(id: string, sessionId: string | null, description: string, raw: unknown): ProviderMessage {
  return systemMessage(id, sessionId, 'unknown', description.slice(0, 200), raw);
}

export function mapSystemMessage(msg: SdkSystemMessage): ProviderMessage[] {
  const sys = (subtype: string, text: string) => [systemMessage(msg.uuid, msg.session_id, subtype, text, msg)];
  switch (msg.subtype) {
    case 'init':
      return sys('init', `Claude Code ${msg.claude_code_version} · ${msg.model}`);
    case 'api_retry':
      return sys(
        'retry',
        `model request failed (${msg.error_status ?? 'no response'}, ${msg.error}); retry ${msg.attempt} of ${msg.max_retries} in ${msg.retry_delay_ms} ms`,
      );
    case 'compact_boundary':
      return sys('compact', `conversation compacted (${msg.compact_metadata.trigger}, ${msg.compact_metadata.pre_tokens} tokens before)`);
    case 'status':
      if (msg.status === 'compacting') return sys('status', 'compacting the conversation');
      if (msg.compact_result === 'failed') return sys('error', `compaction failed: ${msg.compact_error ?? 'unknown reason'}`);
      return [];
    case 'thinking_tokens':
    case 'session_state_changed':
    case 'control_request_progress':
    case 'commands_changed':
    case 'background_tasks_changed':
      return [];
    case 'model_refusal_fallback':
      return sys('notice', `the model refused; falling back from ${msg.original_model} to ${msg.fallback_model}`);
    case 'model_refusal_no_fallback':
      return sys('error', msg.content || `the model ${msg.original_model} refused`);
    case 'local_command_output':
      return sys('command_output', msg.content);
    case 'hook_started':
      return sys('hook', `hook ${msg.hook_name} (${msg.hook_event}) started`);
    case 'hook_progress':
      return sys('hook', `hook ${msg.hook_name}: ${msg.output}`);
    case 'hook_response':
      return sys('hook', `hook ${msg.hook_name} (${msg.hook_event}) ${msg.outcome}`);
    case 'plugin_install':
      return sys('plugin', `plugin ${msg.name ?? ''} ${msg.status}${msg.error ? `: ${msg.error}` : ''}`.replace('  ', ' '));
    case 'task_started':
      return sys('task', `task started: ${msg.description}`);
    case 'task_progress':
      return sys('task', `task progress: ${msg.summary ?? msg.description}`);
    case 'task_updated':
      return sys('task', `task ${msg.task_id} ${msg.patch.status ?? 'updated'}${msg.patch.error ? `: ${msg.patch.error}` : ''}`);
    case 'task_notification':
      return sys('task', `task ${msg.status}: ${msg.summary}`);
    case 'worker_shutting_down':
      return sys('notice', `Claude Code is shutting down: ${msg.reason}`);
    case 'notification':
      return sys('notification', msg.text);
    case 'informational':
      return sys('notice', msg.content);
    case 'files_persisted':
      return sys('files', `files persisted: ${msg.files.map((f) => f.filename).join(', ') || 'none'}`);
    case 'memory_recall':
      return sys('memory', `recalled ${msg.memories.length} memories`);
    case 'elicitation_complete':
      return sys('notice', `MCP server ${msg.mcp_server_name} finished an elicitation`);
    case 'permission_denied':
      return sys('permission_denied', msg.message || `${msg.tool_name} was denied`);
    case 'mirror_error':
      return sys('error', `session mirror failed: ${msg.error}`);
    case 'session_writes_lost':
      return sys('error', `Claude Code could not write its ${msg.lost.join(' and ')} (${msg.error_code})`);
    default: {
      const unknown: { subtype?: unknown; uuid?: unknown; session_id?: unknown } = msg satisfies never;
      return [
        unknownMessage(
          typeof unknown.uuid === 'string' ? unknown.uuid : contentId('system', msg),
          typeof unknown.session_id === 'string' ? unknown.session_id : null,
          `unrecognized Claude Code system message "${String(unknown.subtype)}"`,
          msg,
        ),
      ];
    }
  }
}
