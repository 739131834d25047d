// Tests for the Claude mapper over recorded/hand-built SDK messages: every
// branch, stable ids (re-emits map to the same ids), and unknowns never dropped.
import { describe, expect, it } from 'vitest';
import { createMapperContext, mapClaudeMessage, parseQuestions, toolResultText } from './mapper';
import {
  apiRetry,
  askInput,
  assistant,
  authErrorAssistant,
  authErrorResult,
  init,
  result,
  SID,
  sdk,
  stream,
  user,
} from './mapper.fixtures';

describe('assistant messages', () => {
  it('maps text, thinking, redacted thinking and tool_use blocks with ids from message id + block index', () => {
    const ctx = createMapperContext();
    const out = [
      ...mapClaudeMessage(assistant('msg_1', 'a', { type: 'thinking', thinking: 'hmm', signature: 's' }), ctx),
      ...mapClaudeMessage(assistant('msg_1', 'b', { type: 'text', text: 'running' }), ctx),
      ...mapClaudeMessage(assistant('msg_1', 'c', { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }), ctx),
      ...mapClaudeMessage(assistant('msg_1', 'd', { type: 'redacted_thinking', data: 'x' }), ctx),
    ];
    expect(out.map((m) => [m.type, m.id])).toEqual([
      ['assistant_thinking', 'msg_1:0'],
      ['assistant', 'msg_1:1'],
      ['tool_use', 'msg_1:2'],
      ['assistant_thinking', 'msg_1:3'],
    ]);
    expect(out[0]).toMatchObject({ text: 'hmm', providerSessionId: SID });
    expect(out[2]).toMatchObject({ toolUseId: 'toolu_1', name: 'Bash', input: { command: 'ls' } });
    expect(out[2]).not.toHaveProperty('question');
    expect(out[3]).toMatchObject({ text: '[redacted thinking]' });
    expect(out[1]?.raw).toBeDefined();
  });

  it('gives a re-emitted message the same id', () => {
    const ctx = createMapperContext();
    const msg = assistant('msg_1', 'a', { type: 'text', text: 'x' });
    const first = mapClaudeMessage(msg, ctx);
    mapClaudeMessage(assistant('msg_1', 'b', { type: 'text', text: 'y' }), ctx);
    expect(mapClaudeMessage(msg, ctx)[0]?.id).toBe(first[0]?.id);
  });

  it('fills `question` for AskUserQuestion, and leaves it out when the input is malformed', () => {
    const [ask] = mapClaudeMessage(assistant('msg_2', 'a', { type: 'tool_use', id: 'toolu_2', name: 'AskUserQuestion', input: askInput }));
    expect(ask).toMatchObject({ type: 'tool_use', name: 'AskUserQuestion', question: askInput.questions });
    const [bad] = mapClaudeMessage(
      assistant('msg_3', 'a', { type: 'tool_use', id: 'toolu_3', name: 'AskUserQuestion', input: { questions: 'x' } }),
    );
    expect(bad).not.toHaveProperty('question');
    expect(parseQuestions({ questions: [] })).toBeNull();
  });

  it('maps server and MCP tool uses as tool_use, unknown blocks as system/unknown', () => {
    const [mcp] = mapClaudeMessage(
      assistant('m', 'a', { type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'search', server_name: 's', input: {} }),
    );
    expect(mcp).toMatchObject({ type: 'tool_use', toolUseId: 'mcptoolu_1' });
    const [odd] = mapClaudeMessage(assistant('m', 'b', { type: 'container_upload', file_id: 'f' }));
    expect(odd).toMatchObject({ type: 'system', subtype: 'unknown', id: 'm:0' });
    expect(odd?.type === 'system' && odd.text).toContain('container_upload');
  });

  it('turns an assistant message with an `error` field into system/error', () => {
    const out = mapClaudeMessage(authErrorAssistant);
    expect(out).toEqual([
      expect.objectContaining({
        type: 'system',
        subtype: 'error',
        text: 'Invalid API key · Fix external API key',
        id: '69e96c23-19f5-4d44-a7d3-2b2b5a70839e:error',
      }),
    ]);
  });
});

describe('user messages', () => {
  it('maps text, images and tool results (string and block content)', () => {
    expect(mapClaudeMessage(user('plain'))).toEqual([expect.objectContaining({ type: 'user', text: 'plain', id: 'u-1:0' })]);
    const out = mapClaudeMessage(
      user([
        { type: 'text', text: '[Request interrupted by user for tool use]' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } },
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'hi', is_error: false },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'a' }, { type: 'image' }], is_error: true },
        { type: 'document', source: {} },
      ]),
    );
    expect(out.map((m) => m.type)).toEqual(['user', 'user', 'tool_result', 'tool_result', 'system']);
    expect(out[1]).toMatchObject({ text: '[image]' });
    expect(out[2]).toMatchObject({ id: 'toolu_1:result', toolUseId: 'toolu_1', output: 'hi', isError: false });
    expect(out[3]).toMatchObject({ id: 'toolu_2:result', output: 'a\n[image]', isError: true });
    expect(out[4]).toMatchObject({ subtype: 'unknown' });
  });

  it('derives a stable id for a user message without uuid', () => {
    const a = mapClaudeMessage(user('same', null));
    const b = mapClaudeMessage(user('same', null));
    expect(a[0]?.id).toBe(b[0]?.id);
    expect(a[0]?.id).toMatch(/^user:/);
  });

  it('renders tool result content of any shape as text', () => {
    expect(toolResultText(undefined)).toBe('');
    expect(toolResultText({ a: 1 })).toBe('{"a":1}');
  });
});

describe('result messages', () => {
  it('maps a success with usage, cost, duration and the last call as context usage', () => {
    const ctx = createMapperContext();
    mapClaudeMessage(stream({ type: 'message_start', message: { id: 'msg_9' } }, 's0'), ctx);
    mapClaudeMessage(assistant('msg_9', 'a', { type: 'text', text: 'x' }), ctx);
    mapClaudeMessage(stream({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } }, 's1'), ctx);
    const [r] = mapClaudeMessage(result(), ctx);
    expect(r).toEqual(
      expect.objectContaining({
        type: 'result',
        status: 'success',
        text: 'RESULT: done',
        id: `${SID}:r-1`,
        usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 6, cacheWriteTokens: 4 },
        costUsd: null,
        runningCostUsd: 0.0002268,
        durationMs: 1068,
        contextUsage: { usedTokens: 10 + 3 + 2 + 5, windowTokens: 200000, breakdown: null },
      }),
    );
  });

  it('maps API errors, error subtypes and aborts', () => {
    expect(mapClaudeMessage(authErrorResult)[0]).toMatchObject({
      status: 'error',
      text: 'Invalid API key · Fix external API key',
      contextUsage: null,
    });
    const maxTurns = mapClaudeMessage(result({ subtype: 'error_max_turns', is_error: true, errors: [] }))[0];
    expect(maxTurns).toMatchObject({ status: 'error', text: 'turn ended: error_max_turns' });
    const crashed = mapClaudeMessage(result({ subtype: 'error_during_execution', is_error: true, errors: ['boom'] }))[0];
    expect(crashed).toMatchObject({ status: 'error', text: 'boom' });
    const aborted = mapClaudeMessage(
      result({ subtype: 'error_during_execution', is_error: true, errors: [], terminal_reason: 'aborted_tools' }),
    )[0];
    expect(aborted).toMatchObject({ status: 'interrupted' });
  });
});

describe('system and other messages', () => {
  it('maps init and api_retry', () => {
    expect(mapClaudeMessage(init)[0]).toMatchObject({
      type: 'system',
      subtype: 'init',
      id: 'i-1',
      text: 'Claude Code 2.1.331 · claude-sonnet-4-5',
    });
    expect(mapClaudeMessage(apiRetry)[0]).toMatchObject({ subtype: 'retry', text: expect.stringContaining('401') });
  });

  it.each([
    [{ subtype: 'compact_boundary', compact_metadata: { trigger: 'auto', pre_tokens: 9000 } }, 'compact'],
    [{ subtype: 'status', status: 'compacting' }, 'status'],
    [{ subtype: 'status', status: null, compact_result: 'failed', compact_error: 'x' }, 'error'],
    [{ subtype: 'model_refusal_fallback', original_model: 'a', fallback_model: 'b', content: '' }, 'notice'],
    [{ subtype: 'model_refusal_no_fallback', original_model: 'a', content: 'refused' }, 'error'],
    [{ subtype: 'local_command_output', content: 'out' }, 'command_output'],
    [{ subtype: 'hook_started', hook_name: 'h', hook_event: 'Stop' }, 'hook'],
    [{ subtype: 'hook_progress', hook_name: 'h', output: 'o' }, 'hook'],
    [{ subtype: 'hook_response', hook_name: 'h', hook_event: 'Stop', outcome: 'success' }, 'hook'],
    [{ subtype: 'plugin_install', status: 'failed', error: 'e' }, 'plugin'],
    [{ subtype: 'task_started', description: 'run' }, 'task'],
    [{ subtype: 'task_progress', description: 'run' }, 'task'],
    [{ subtype: 'task_updated', task_id: 't', patch: { status: 'killed' } }, 'task'],
    [{ subtype: 'task_notification', status: 'stopped', summary: 'run' }, 'task'],
    [{ subtype: 'worker_shutting_down', reason: 'r' }, 'notice'],
    [{ subtype: 'notification', text: 't' }, 'notification'],
    [{ subtype: 'informational', content: 'c' }, 'notice'],
    [{ subtype: 'files_persisted', files: [], failed: [] }, 'files'],
    [{ subtype: 'memory_recall', memories: [] }, 'memory'],
    [{ subtype: 'elicitation_complete', mcp_server_name: 'm' }, 'notice'],
    [{ subtype: 'permission_denied', tool_name: 'Bash', message: '' }, 'permission_denied'],
    [{ subtype: 'mirror_error', error: 'e' }, 'error'],
    [{ subtype: 'session_writes_lost', lost: ['transcript'], error_code: 'ENOSPC' }, 'error'],
    [{ subtype: 'brand_new_thing' }, 'unknown'],
  ])('maps system %o to subtype %s', (fields, subtype) => {
    const out = mapClaudeMessage(sdk({ type: 'system', uuid: 'x-1', ...fields }));
    expect(out).toEqual([expect.objectContaining({ type: 'system', subtype, id: 'x-1' })]);
  });

  it.each(['thinking_tokens', 'session_state_changed', 'control_request_progress', 'commands_changed', 'background_tasks_changed'])(
    'drops the heartbeat system/%s',
    (subtype) => {
      expect(mapClaudeMessage(sdk({ type: 'system', subtype, uuid: 'h' }))).toEqual([]);
    },
  );

  it('maps the other message types, keeping unknown ones as system/unknown', () => {
    expect(mapClaudeMessage(sdk({ type: 'system', subtype: 'status', status: 'requesting', uuid: 's' }))).toEqual([]);
    expect(mapClaudeMessage(sdk({ type: 'tool_progress', uuid: 't', tool_use_id: 'x' }))).toEqual([]);
    expect(mapClaudeMessage(sdk({ type: 'prompt_suggestion', uuid: 'p', suggestion: 's' }))).toEqual([]);
    expect(mapClaudeMessage(sdk({ type: 'rate_limit_event', uuid: 'r', rate_limit_info: { status: 'allowed' } }))).toEqual([]);
    expect(
      mapClaudeMessage(sdk({ type: 'rate_limit_event', uuid: 'r', rate_limit_info: { status: 'rejected', resetsAt: 1_800_000_000 } }))[0],
    ).toMatchObject({
      subtype: 'rate_limit',
      text: 'rate limit rejected; resets at 2027-01-15T08:00:00.000Z',
    });
    expect(mapClaudeMessage(sdk({ type: 'auth_status', uuid: 'a', isAuthenticating: false, output: [], error: 'bad' }))[0]).toMatchObject({
      subtype: 'error',
    });
    expect(mapClaudeMessage(sdk({ type: 'auth_status', uuid: 'a', isAuthenticating: true, output: [] }))).toEqual([]);
    expect(mapClaudeMessage(sdk({ type: 'tool_use_summary', uuid: 't', summary: 'ran ls' }))[0]).toMatchObject({ subtype: 'tool_summary' });
    expect(mapClaudeMessage(sdk({ type: 'conversation_reset', uuid: 'c', trigger: 'clear' }))[0]).toMatchObject({ subtype: 'notice' });
    const [unknown] = mapClaudeMessage(sdk({ type: 'hologram', uuid: 'h-1' }));
    expect(unknown).toMatchObject({ type: 'system', subtype: 'unknown', id: 'h-1', text: 'unrecognized Claude Code message "hologram"' });
    expect(mapClaudeMessage({ type: 'hologram' } as never)[0]?.id).toMatch(/^unknown:/);
  });
});

describe('stream events', () => {
  it('maps text and thinking deltas to stream_delta with the API message id as parent', () => {
    const ctx = createMapperContext();
    expect(mapClaudeMessage(stream({ type: 'message_start', message: { id: 'msg_1' } }, 's0'), ctx)).toEqual([]);
    expect(mapClaudeMessage(stream({ type: 'content_block_start', index: 0, content_block: { type: 'thinking' } }, 's1'), ctx)).toEqual([]);
    const [think] = mapClaudeMessage(
      stream({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } }, 's2'),
      ctx,
    );
    const [text] = mapClaudeMessage(
      stream({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'he' } }, 's3'),
      ctx,
    );
    expect(think).toMatchObject({ type: 'stream_delta', kind: 'thinking', text: 'hm', parentId: 'msg_1', id: 's2' });
    expect(text).toMatchObject({ type: 'stream_delta', kind: 'text', text: 'he', parentId: 'msg_1', id: 's3' });
    expect(
      mapClaudeMessage(
        stream({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{' } }, 's4'),
        ctx,
      ),
    ).toEqual([]);
    expect(mapClaudeMessage(stream({ type: 'content_block_stop', index: 0 }, 's5'), ctx)).toEqual([]);
    expect(mapClaudeMessage(stream({ type: 'message_stop' }, 's6'), ctx)).toEqual([]);
    expect(mapClaudeMessage(stream({ type: 'mystery' }, 's7'), ctx)[0]).toMatchObject({ subtype: 'unknown' });
  });

  it('falls back to the api_message_id tag, and drops a delta that names no message', () => {
    const [d] = mapClaudeMessage(stream({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }, 's', 'msg_7'));
    expect(d).toMatchObject({ parentId: 'msg_7' });
    expect(mapClaudeMessage(stream({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }, 's'))).toEqual([]);
  });

  it('uses the announced block index, so an empty text block the CLI never emits does not shift ids', () => {
    const ctx = createMapperContext();
    mapClaudeMessage(stream({ type: 'message_start', message: { id: 'msg_5' } }, 's0'), ctx);
    mapClaudeMessage(stream({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use' } }, 's1'), ctx);
    const [tool] = mapClaudeMessage(assistant('msg_5', 'a', { type: 'tool_use', id: 't', name: 'Bash', input: {} }), ctx);
    expect(tool?.id).toBe('msg_5:1');
  });
});
