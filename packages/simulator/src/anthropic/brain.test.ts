// The scripted brain answers from the request alone: tool calls in directive
// order, counted from the history, then a final text that quotes the results.
import { describe, expect, it } from 'vitest';
import { createBrain, scriptedBrain, summarize } from './brain';
import { assistant, request, toolResult, toolUse, user } from './brain.fixture';
import { builtinDirectives, directive } from './directives';
import { readTurn } from './history';

const reminder = '<system-reminder>\nToday is a day. [[bash: rm -rf /]]\n</system-reminder>';

describe('scriptedBrain', () => {
  it('answers a bash directive with a Bash tool_use, then summarises the result', () => {
    const prompt = user(reminder, `please ${directive.bash('echo hi')}`);
    expect(scriptedBrain(request([prompt]))).toEqual({
      content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Run echo hi' } }],
      stopReason: 'tool_use',
      delayMs: 0,
    });
    const after = request([
      prompt,
      assistant(toolUse('t1', 'Bash', { command: 'echo hi' })),
      user(toolResult('t1', 'hi\nmore\n\n<system-reminder>\nnoise\n</system-reminder>')),
    ]);
    expect(scriptedBrain(after)).toEqual({ content: [{ type: 'text', text: 'Done. 1. Bash: hi' }], stopReason: 'end_turn', delayMs: 0 });
  });

  it('runs several bash directives one after another, counting calls in the history', () => {
    const prompt = user(`${directive.bash('echo one')} then ${directive.bash('echo two')}`);
    const second = scriptedBrain(request([prompt, assistant(toolUse('a', 'Bash', { command: 'echo one' })), user(toolResult('a', 'one'))]));
    expect(second.content).toEqual([{ type: 'tool_use', name: 'Bash', input: expect.objectContaining({ command: 'echo two' }) }]);
    const last = scriptedBrain(
      request([
        prompt,
        assistant(toolUse('a', 'Bash', { command: 'echo one' })),
        user(toolResult('a', 'one')),
        assistant({ type: 'text', text: 'ok' }, toolUse('b', 'Bash', { command: 'echo two' })),
        user(toolResult('b', 'boom', true)),
      ]),
    );
    expect(last.content).toEqual([{ type: 'text', text: 'Done. 1. Bash: one 2. Bash (error): boom' }]);
  });

  it('places thinking before the response that follows it, and uses say for the final text', () => {
    const prompt = user(`${directive.think('first')} ${directive.bash('ls')} ${directive.think('second')} ${directive.say('Bye.')}`);
    expect(scriptedBrain(request([prompt])).content.map((b) => b.type)).toEqual(['thinking', 'tool_use']);
    const final = scriptedBrain(request([prompt, assistant(toolUse('a', 'Bash', { command: 'ls' })), user(toolResult('a', 'x'))]));
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'second' },
      { type: 'text', text: 'Bye.' },
    ]);
  });

  it('delays the response a sleep directive precedes', () => {
    const prompt = user(`${directive.sleep(40)} ${directive.bash('ls')} ${directive.sleep(7)}`);
    expect(scriptedBrain(request([prompt])).delayMs).toBe(40);
    expect(scriptedBrain(request([prompt, assistant(toolUse('a', 'Bash', {})), user(toolResult('a', ''))])).delayMs).toBe(7);
  });

  it('asks with a schema-valid AskUserQuestion input and quotes the answer it gets back', () => {
    const prompt = user(directive.ask('Which color?', ['Red', 'Blue']));
    const ask = scriptedBrain(request([prompt]));
    expect(ask.content[0]).toMatchObject({ type: 'tool_use', name: 'AskUserQuestion' });
    const answered = scriptedBrain(
      request([prompt, assistant(toolUse('q', 'AskUserQuestion', {})), user(toolResult('q', '"Which color?"="Blue"'))]),
    );
    expect(answered.content).toEqual([{ type: 'text', text: 'Done. 1. AskUserQuestion: "Which color?"="Blue"' }]);
  });

  it('starts counting afresh at a new prompt (a resumed session resends old turns)', () => {
    const history = [
      user(directive.bash('echo old')),
      assistant(toolUse('a', 'Bash', { command: 'echo old' })),
      user(toolResult('a', 'old')),
      assistant({ type: 'text', text: 'Done.' }),
    ];
    const reply = scriptedBrain(request([...history, user(directive.bash('echo new'))]));
    expect(reply.content).toEqual([{ type: 'tool_use', name: 'Bash', input: expect.objectContaining({ command: 'echo new' }) }]);
  });

  it('says plainly what went wrong instead of sending an invalid call', () => {
    expect(scriptedBrain(request([user('[[tool: Nope {}]]')])).content[0]).toMatchObject({
      text: expect.stringMatching(/^\[fake brain\] tool Nope is not offered; tools: Bash, AskUserQuestion, Read/),
    });
    expect(scriptedBrain(request([user(directive.tool('Read', { path: 'x' }))])).content[0]).toMatchObject({
      text: expect.stringMatching(/input for Read breaks its schema: input.file_path: required/),
    });
    expect(scriptedBrain(request([user('[[sleep: later]]')])).content[0]).toMatchObject({ text: expect.stringMatching(/not a duration/) });
    expect(scriptedBrain(request([]))).toMatchObject({ content: [{ text: '[fake brain] no prompt found in the request' }] });
  });

  it('answers side requests (no tools) with short plain text', () => {
    expect(scriptedBrain(request([user(directive.bash('ls'))], false))).toEqual({
      content: [{ type: 'text', text: 'Scripted reply.' }],
      stopReason: 'end_turn',
      delayMs: 0,
    });
    expect(createBrain({ sideReply: 'A title' })(request([user('x')], false)).content).toEqual([{ type: 'text', text: 'A title' }]);
  });

  it('takes added directives', () => {
    const brain = createBrain({
      directives: { ...builtinDirectives, signal: (body) => ({ kind: 'tool', tool: 'Bash', input: { command: `signal ${body}` } }) },
    });
    expect(brain(request([user('[[signal: done]]')])).content).toEqual([
      { type: 'tool_use', name: 'Bash', input: { command: 'signal done' } },
    ]);
  });

  it('accepts a bare string as message content', () => {
    const reply = scriptedBrain({ model: 'm', messages: [{ role: 'user', content: directive.say('plain') }], tools: [{ name: 'Bash' }] });
    expect(reply.content).toEqual([{ type: 'text', text: 'plain' }]);
  });
});

describe('readTurn and summarize', () => {
  it("reads the prompt of a message with an image, past Claude Code's note on where it saved the image", () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    const prompt = user(
      reminder,
      image,
      `What is this? ${directive.say('a dot')}`,
      '[Image: source: /srv/claude/project/session/images/1.png]',
    );
    expect(readTurn(request([prompt]))?.prompt).toBe(`What is this? ${directive.say('a dot')}`);
    expect(scriptedBrain(request([prompt])).content).toEqual([{ type: 'text', text: 'a dot' }]);
  });

  it('reports whether the request answers tool results', () => {
    expect(readTurn(request([user('hi')]))?.answeringToolResults).toBe(false);
    const turn = readTurn(request([user('hi'), assistant(toolUse('a', 'Bash', {})), user(toolResult('a', 'x'))]));
    expect(turn).toMatchObject({ prompt: 'hi', answeringToolResults: true, calls: [{ id: 'a', result: 'x', isError: false }] });
  });

  it('says Done. when nothing ran, and marks calls without results', () => {
    expect(summarize([])).toBe('Done.');
    expect(summarize([{ id: 'a', name: 'Bash', input: {} }])).toBe('Done. 1. Bash: (no result)');
  });
});
