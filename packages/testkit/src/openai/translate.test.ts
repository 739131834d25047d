// The Responses ↔ brain translation: Codex's exec output header, running
// sessions folded into one result, and replies turned into output items.
import { describe, expect, it } from 'vitest';
import { createRoleBrain } from '@bottega/simulator';
import { parseExecOutput, runningSession, toMessagesRequest, toOutputItems } from './translate';
import type { ResponsesRequest } from './wire';

const header = (body: string, tail: string) =>
  `Chunk ID: ab12\nWall time: 0.01 seconds\n${tail}\nOriginal token count: 3\nOutput:\n${body}`;

function request(input: ResponsesRequest['input']): ResponsesRequest {
  return {
    model: 'gpt-5.1-codex',
    input,
    tools: [
      { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
      { type: 'function', name: 'write_stdin', parameters: { type: 'object' } },
      { type: 'web_search' },
    ],
  };
}

let n = 0;
const ids = (prefix: string) => `${prefix}_${++n}`;

describe('parseExecOutput', () => {
  it('separates the header from the output and reads the exit code', () => {
    expect(parseExecOutput(header('hi\n', 'Process exited with code 2'))).toEqual({ output: 'hi\n', exitCode: 2, runningSession: null });
  });
  it('counts a call Codex refused as a failure', () => {
    expect(
      parseExecOutput('exec_command failed: CreateProcess { message: "rejected: rm -f style commands are not permitted" }').exitCode,
    ).toBe(-1);
  });
  it('recognises a command still running', () => {
    expect(parseExecOutput(header('partial', 'Process running with session ID 7')).runningSession).toBe(7);
  });
});

describe('toMessagesRequest', () => {
  it('offers exec_command as Bash, moves developer text to the system prompt and maps calls and results', () => {
    const m = toMessagesRequest(
      request([
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'be careful' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'do it' }] },
        { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"ls"}', call_id: 'c1' },
        { type: 'function_call_output', call_id: 'c1', output: header('a.txt\n', 'Process exited with code 0') },
      ]),
    );
    expect(m.system).toBe('be careful');
    expect(m.tools?.map((t) => t.name)).toEqual(['Bash', 'web_search']);
    expect(m.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'do it' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'Bash', input: { command: 'ls' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'a.txt\n', is_error: false }] },
    ]);
  });

  it('folds write_stdin polls of a running command into its one result', () => {
    const req = request([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'wait' }] },
      { type: 'function_call', name: 'exec_command', arguments: '{"cmd":"sleep 40; echo x"}', call_id: 'c1' },
      { type: 'function_call_output', call_id: 'c1', output: header('', 'Process running with session ID 3') },
    ]);
    expect(runningSession(req)).toBe(3);
    req.input.push(
      { type: 'function_call', name: 'write_stdin', arguments: '{"session_id":3,"chars":""}', call_id: 'p1' },
      { type: 'function_call_output', call_id: 'p1', output: header('x\n', 'Process exited with code 1') },
    );
    expect(runningSession(req)).toBeNull();
    const m = toMessagesRequest(req);
    expect(m.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'x\n', is_error: true }],
    });
    expect(m.messages).toHaveLength(3);
  });
});

describe('toOutputItems', () => {
  it('turns Bash into exec_command with a bounded yield, thinking into reasoning and text into a message', () => {
    const items = toOutputItems(
      {
        content: [
          { type: 'thinking', thinking: 'hmm' },
          { type: 'text', text: 'ok' },
          { type: 'tool_use', name: 'Bash', input: { command: 'git status', timeout: 600_000 } },
        ],
        stopReason: 'tool_use',
        delayMs: 0,
      },
      ids,
    );
    expect(items[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }] });
    expect(items[1]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'ok' }] });
    expect(items[2]).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse((items[2] as { arguments: string }).arguments)).toEqual({ cmd: 'git status', yield_time_ms: 30_000 });
  });

  it("carries the brain's step description through the call id, so the next request shows the same Bash input", () => {
    const [call] = toOutputItems(
      {
        content: [{ type: 'tool_use', name: 'Bash', input: { command: 'cat doc.md', description: 'Read the task document' } }],
        stopReason: 'tool_use',
        delayMs: 0,
      },
      ids,
    );
    const c = call as { call_id: string; arguments: string };
    const m = toMessagesRequest(
      request([
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        { type: 'function_call', name: 'exec_command', arguments: c.arguments, call_id: c.call_id },
      ]),
    );
    expect(m.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: c.call_id, name: 'Bash', input: { command: 'cat doc.md', description: 'Read the task document' } }],
    });
  });

  it('lets the role brain play a Bottega role through Codex requests', () => {
    const brain = createRoleBrain();
    const reply = brain(
      toMessagesRequest(
        request([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello, no role here [[bash: echo hi]]' }] }]),
      ),
    );
    expect(reply.content[0]).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'echo hi' } });
  });
});
