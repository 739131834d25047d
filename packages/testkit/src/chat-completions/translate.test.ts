import { describe, expect, it } from 'vitest';
import { scriptedBrain } from '@bottega/simulator';
import { directive } from '@bottega/simulator';
import { fromBrainReply, toMessagesRequest } from '../brain-adapter';
import {
  buildCompletion,
  CHAT_TOOL_ALIASES,
  completionChunks,
  neutralRequest,
  readExitStatus,
  withExitStatus,
  withoutExitStatus,
} from './translate';
import type { ChatRequest } from './wire';

const bashTool = {
  type: 'function' as const,
  function: {
    name: 'bash',
    description: 'Runs a command',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' }, description: { type: 'string' } },
      required: ['command', 'description'],
      additionalProperties: false,
    },
  },
};

const request = (messages: ChatRequest['messages'], tools = [bashTool]): ChatRequest => ({
  model: 'm',
  messages,
  tools,
  stream: true,
  stream_options: { include_usage: true },
});

describe('Chat Completions → the brain', () => {
  it('maps system, user, assistant tool_calls and tool results into a Messages request', () => {
    const req = request([
      { role: 'system', content: 'You are opencode.' },
      { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"command":"ls","description":"List"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'a.txt\n' },
    ]);
    const messages = toMessagesRequest(neutralRequest(req), CHAT_TOOL_ALIASES);
    expect(messages.system).toEqual([{ type: 'text', text: 'You are opencode.' }]);
    expect(messages.tools?.map((t) => t.name)).toEqual(['Bash']);
    expect(messages.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Go.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls', description: 'List' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'a.txt\n', is_error: false }] },
    ]);
  });

  it('turns a brain tool call into a bash tool_calls delta and a tool_calls finish', () => {
    const req = request([{ role: 'user', content: directive.bash('echo hi') }]);
    const reply = fromBrainReply(scriptedBrain(toMessagesRequest(neutralRequest(req), CHAT_TOOL_ALIASES)), CHAT_TOOL_ALIASES);
    expect(reply.calls).toEqual([{ name: 'bash', input: { command: withExitStatus('echo hi'), description: 'Run echo hi' } }]);
    const chunks = completionChunks(buildCompletion(reply, req), true);
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'bash', arguments: '' } });
    expect(JSON.parse(calls.map((c) => c.function.arguments).join(''))).toEqual({
      command: withExitStatus('echo hi'),
      description: 'Run echo hi',
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('answers with the final text and a stop finish once the call has its result', () => {
    const req = request([
      { role: 'user', content: directive.bash('echo hi') },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'bash', arguments: '{"command":"echo hi","description":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'c', content: 'hi' },
    ]);
    const reply = fromBrainReply(scriptedBrain(toMessagesRequest(neutralRequest(req), CHAT_TOOL_ALIASES)), CHAT_TOOL_ALIASES);
    const chunks = completionChunks(buildCompletion(reply, req), false);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Done. 1. Bash: hi');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
  });

  it('shows the brain a failed command as an error result with its exit code, and its command unwrapped', () => {
    const wrapped = withExitStatus("cd '/x' && npm test");
    expect(withoutExitStatus(wrapped)).toBe("cd '/x' && npm test");
    expect(readExitStatus('ok\n\n[fake-exit-status: 0]\n')).toEqual({ output: 'ok\n', isError: false });
    expect(readExitStatus('boom\n\n[fake-exit-status: 2]\n')).toEqual({ output: 'Exit code 2\nboom\n', isError: true });
    const req = request([
      { role: 'user', content: 'Go.' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command: wrapped, description: 'Test' }) } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'FAIL\n\n[fake-exit-status: 1]\n' },
    ]);
    const messages = toMessagesRequest(neutralRequest(req), CHAT_TOOL_ALIASES).messages;
    expect(messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'c1', name: 'Bash', input: { command: "cd '/x' && npm test", description: 'Test' } },
    ]);
    expect(messages[2]?.content).toEqual([{ type: 'tool_result', tool_use_id: 'c1', content: 'Exit code 1\nFAIL\n', is_error: true }]);
  });

  it('treats a request without tools as a side request', () => {
    const req = request([{ role: 'user', content: 'Generate a title' }], []);
    const reply = fromBrainReply(scriptedBrain(toMessagesRequest(neutralRequest(req), CHAT_TOOL_ALIASES)));
    expect(reply).toMatchObject({ text: 'Scripted reply.', calls: [], finish: 'stop' });
  });
});
