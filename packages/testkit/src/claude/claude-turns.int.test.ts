// The real Claude Code CLI against the fake Anthropic server: scripted turns
// run real tools, think, resume with full history and ask the user questions.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CanUseTool } from '@anthropic-ai/claude-agent-sdk';
import { assistantBlocks, createClaudeWorld, trace } from './claude-cli.fixture';
import type { ClaudeWorld } from './claude-cli.fixture';
import { directive } from '@bottega/simulator';
import { readTurn } from '@bottega/simulator';
import type { MessagesRequest } from '@bottega/simulator';

let world: ClaudeWorld;
beforeEach(async () => {
  world = await createClaudeWorld();
});
afterEach(async () => {
  await world.close();
});

const bodyOf = (i: number): MessagesRequest => world.fake.modelRequests()[i]?.body as MessagesRequest;

describe('Claude Code against the fake', () => {
  it('runs a bash directive for real and yields the full message sequence', async () => {
    const { messages, result, error } = await world.turn(`Write it. ${directive.bash('echo hi > out.txt')}`);
    expect(error).toBeUndefined();
    expect(await readFile(join(world.cwd, 'out.txt'), 'utf8')).toBe('hi\n');
    expect(trace(messages)).toEqual(['system/init', 'assistant:tool_use', 'user:tool_result', 'assistant:text', 'result/success']);
    expect(messages[0]).toMatchObject({ type: 'system', subtype: 'init', model: 'claude-sonnet-4-5', permissionMode: 'bypassPermissions' });
    expect(assistantBlocks(messages)[0]).toMatchObject({ type: 'tool_use', name: 'Bash', input: { command: 'echo hi > out.txt' } });
    expect(result).toMatchObject({ subtype: 'success', is_error: false, num_turns: 2, result: expect.stringMatching(/^Done\./) });
    // Two model requests, both streaming, to /v1/messages?beta=true with the key from env.
    const requests = world.fake.modelRequests();
    expect(requests.map((r) => [r.url, (r.body as MessagesRequest).stream, r.headers['x-api-key']])).toEqual([
      ['/v1/messages?beta=true', true, 'test-key'],
      ['/v1/messages?beta=true', true, 'test-key'],
    ]);
    expect(requests[0]?.headers.authorization).toBeUndefined();
    // Without a canUseTool callback nobody could answer, so AskUserQuestion is not offered.
    const tools = bodyOf(0).tools?.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write']));
    expect(tools).not.toContain('AskUserQuestion');
  });

  it('runs two bash directives in order', async () => {
    const prompt = `${directive.bash('echo one >> log.txt')} ${directive.bash('echo two >> log.txt && cat log.txt')}`;
    const { messages, result } = await world.turn(prompt);
    expect(await readFile(join(world.cwd, 'log.txt'), 'utf8')).toBe('one\ntwo\n');
    const commands = assistantBlocks(messages).flatMap((b) => (b.type === 'tool_use' ? [(b.input as { command: string }).command] : []));
    expect(commands).toEqual(['echo one >> log.txt', 'echo two >> log.txt && cat log.txt']);
    expect(world.fake.modelRequests()).toHaveLength(3);
    expect(result).toMatchObject({ subtype: 'success', result: 'Done. 1. Bash: (Bash completed with no output) 2. Bash: one' });
  });

  it('shows a thinking directive as a thinking block and sends it back with its signature', async () => {
    const { messages } = await world.turn(
      `${directive.think('Let me look around first.')} ${directive.bash('true')} ${directive.say('All set.')}`,
    );
    const blocks = assistantBlocks(messages);
    expect(blocks.map((b) => b.type)).toEqual(['thinking', 'tool_use', 'text']);
    expect(blocks[0]).toMatchObject({ thinking: 'Let me look around first.', signature: expect.any(String) });
    expect(blocks[2]).toMatchObject({ text: 'All set.' });
    expect(bodyOf(1).messages[1]?.content).toEqual([
      expect.objectContaining({ type: 'thinking', thinking: 'Let me look around first.' }),
      expect.objectContaining({ type: 'tool_use' }),
    ]);
  });

  it('consumes a non-streaming answer when a stream breaks (its own fallback)', async () => {
    // An SSE `error` event after message_start makes the CLI retry the same
    // request once with stream:false, even with CLAUDE_CODE_MAX_RETRIES=0.
    world.fake.failNext(529, { afterStreamStart: true });
    const { result } = await world.turn(directive.bash('echo fallback > f.txt'));
    expect(await readFile(join(world.cwd, 'f.txt'), 'utf8')).toBe('fallback\n');
    expect(world.fake.modelRequests().map((r) => [(r.body as MessagesRequest).stream, r.response?.kind])).toEqual([
      [true, 'stream-error'],
      [false, 'json'],
      [true, 'stream'],
    ]);
    expect(result).toMatchObject({ subtype: 'success', is_error: false });
  });

  it('resumes a session with the first turn in the history', async () => {
    const first = await world.turn(directive.bash('echo remembered > a.txt'));
    const sessionId = first.result?.session_id;
    expect(sessionId).toEqual(expect.any(String));
    const before = world.fake.modelRequests().length;
    const second = await world.turn(directive.bash('cat a.txt'), { options: { resume: sessionId } });
    expect(second.result).toMatchObject({ subtype: 'success', session_id: sessionId, result: 'Done. 1. Bash: remembered' });
    const resumed = bodyOf(before);
    const history = JSON.stringify(resumed.messages);
    expect(history).toContain('echo remembered > a.txt');
    expect(readTurn(resumed)).toMatchObject({ prompt: directive.bash('cat a.txt'), calls: [] });
  });

  it('asks the user through canUseTool and the answer reaches the model', async () => {
    // Under bypassPermissions the SDK warns that canUseTool "will not be
    // invoked", yet AskUserQuestion still goes to it: the callback answers by
    // returning updatedInput with `answers: { [question text]: label }` (the
    // tool's schema has an `answers` string map "collected by the permission
    // component"). The tool_result the model gets reads:
    //   Your questions have been answered: "<question>"="<answer>". You can now continue …
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const asked: Record<string, unknown>[] = [];
    const canUseTool: CanUseTool = async (name, input) => {
      if (name !== 'AskUserQuestion') return { behavior: 'allow', updatedInput: input };
      asked.push(input);
      return { behavior: 'allow', updatedInput: { ...input, answers: { 'Which color?': 'Blue' } } };
    };
    try {
      const { result, messages } = await world.turn(directive.ask('Which color?', ['Red', 'Blue']), { options: { canUseTool } });
      expect(asked).toEqual([
        {
          questions: [
            {
              question: 'Which color?',
              header: 'Question',
              options: [
                { label: 'Red', description: 'Choose Red' },
                { label: 'Blue', description: 'Choose Blue' },
              ],
              multiSelect: false,
            },
          ],
        },
      ]);
      expect(bodyOf(0).tools?.map((t) => t.name)).toContain('AskUserQuestion');
      expect(trace(messages)).toContain('user:tool_result');
      expect(result).toMatchObject({ subtype: 'success', result: expect.stringContaining('"Which color?"="Blue"') });
      expect(warnings).toHaveBeenCalledWith(expect.stringContaining('canUseTool'), { code: 'CLAUDE_SDK_CAN_USE_TOOL_SHADOWED' });
    } finally {
      warnings.mockRestore();
    }
  });
});
