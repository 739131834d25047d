// Thread events as the real Codex CLI (0.163) printed them with
// `codex exec --experimental-json` against the fake Responses API, plus the
// item kinds the SDK documents (file changes, MCP calls, web search, to-dos).
import type { ThreadEvent } from '@openai/codex-sdk';

export const THREAD_ID = '01a2128e-51e2-70f3-8569-1b00ee760c4b';

export const COMMAND_TURN: ThreadEvent[] = [
  { type: 'thread.started', thread_id: THREAD_ID },
  {
    type: 'item.completed',
    item: {
      id: 'item_0',
      type: 'error',
      message:
        'Model metadata for `gpt-5.2-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.',
    },
  },
  { type: 'turn.started' },
  {
    type: 'item.started',
    item: {
      id: 'item_1',
      type: 'command_execution',
      command: "/bin/bash -lc 'echo hi; ls /nonexist'",
      aggregated_output: '',
      status: 'in_progress',
    },
  },
  {
    type: 'item.completed',
    item: {
      id: 'item_1',
      type: 'command_execution',
      command: "/bin/bash -lc 'echo hi; ls /nonexist'",
      aggregated_output: "hi\nls: cannot access '/nonexist': No such file or directory\n",
      exit_code: 2,
      status: 'failed',
    },
  },
  { type: 'item.completed', item: { id: 'item_2', type: 'agent_message', text: 'all done' } },
  {
    type: 'turn.completed',
    usage: { input_tokens: 200, cached_input_tokens: 20, cache_write_input_tokens: 0, output_tokens: 10, reasoning_output_tokens: 0 },
  },
];

export const FAILED_TURN: ThreadEvent[] = [
  { type: 'thread.started', thread_id: THREAD_ID },
  { type: 'turn.started' },
  { type: 'error', message: 'exceeded retry limit, last status: 429 Too Many Requests' },
  { type: 'turn.failed', error: { message: 'exceeded retry limit, last status: 429 Too Many Requests' } },
];

export const OTHER_ITEMS: ThreadEvent[] = [
  { type: 'item.completed', item: { id: 'item_3', type: 'reasoning', text: 'thinking it over' } },
  {
    type: 'item.completed',
    item: {
      id: 'item_4',
      type: 'file_change',
      changes: [
        { path: 'src/a.ts', kind: 'update' },
        { path: 'src/b.ts', kind: 'add' },
      ],
      status: 'completed',
    },
  },
  {
    type: 'item.completed',
    item: {
      id: 'item_5',
      type: 'mcp_tool_call',
      server: 'docs',
      tool: 'search',
      arguments: { q: 'x' },
      result: { content: [{ type: 'text', text: 'found' }], structured_content: null },
      status: 'completed',
    },
  },
  { type: 'item.completed', item: { id: 'item_6', type: 'web_search', query: 'vitest projects' } },
  {
    type: 'item.completed',
    item: {
      id: 'item_7',
      type: 'todo_list',
      items: [
        { text: 'write', completed: true },
        { text: 'test', completed: false },
      ],
    },
  },
];
