// The directive syntax round-trips through the builders, including bodies that
// hold the `]]` terminator, newlines, pipes and JSON-looking text.
import { describe, expect, it } from 'vitest';
import { safeJson, scanDirectives } from './directive-syntax';
import { askInput, builtinDirectives, directive, parseSteps } from './directives';
import type { Step } from './directives';

const one = (text: string): Step => {
  const steps = parseSteps(text);
  expect(steps).toHaveLength(1);
  return steps[0] as Step;
};

describe('directive syntax', () => {
  it('finds directives in order, lower-cases names and trims bodies', () => {
    expect(scanDirectives('a [[Bash:  ls -l ]] b [[say: hi]]')).toEqual([
      { name: 'bash', body: 'ls -l' },
      { name: 'say', body: 'hi' },
    ]);
  });

  it('writes plain text when it is safe and readable', () => {
    expect(directive.bash('echo hi > out.txt')).toBe('[[bash: echo hi > out.txt]]');
    expect(directive.say('All good.')).toBe('[[say: All good.]]');
    expect(directive.ask('Which color?', ['Red', 'Blue'])).toBe('[[ask: Which color? | Red | Blue]]');
  });

  it.each([
    'if [[ -f x ]]; then echo yes; fi',
    'echo [a]',
    'printf "a\\nb"\necho two',
    '{ echo a; echo b; } > f',
    '"quoted" start',
    '  padded  ',
  ])('round-trips the command %j', (command) => {
    expect(one(directive.bash(command))).toMatchObject({ kind: 'tool', tool: 'Bash', input: { command } });
  });

  it('keeps structural ]] out of JSON bodies', () => {
    const json = safeJson({ a: [[1, ']]']] });
    expect(json).not.toContain(']]');
    expect(JSON.parse(json)).toEqual({ a: [[1, ']]']] });
  });

  it('accepts a hand-written shell group as a bash command', () => {
    expect(one('[[bash: { echo a; } > f]]')).toMatchObject({ input: { command: '{ echo a; } > f' } });
  });

  it('takes an explicit bash description', () => {
    expect(one(directive.bash('ls', 'List files'))).toMatchObject({ input: { command: 'ls', description: 'List files' } });
  });
});

describe('built-in directives', () => {
  it('parses think, say and sleep', () => {
    expect(parseSteps(`${directive.think('hmm')} ${directive.sleep(250)} ${directive.say('ok]]')}`)).toEqual([
      { kind: 'think', text: 'hmm' },
      { kind: 'sleep', ms: 250 },
      { kind: 'say', text: 'ok]]' },
    ]);
  });

  it('rejects a bad sleep and an empty bash', () => {
    expect(() => parseSteps('[[sleep: soon]]')).toThrow(/not a duration/);
    expect(() => parseSteps('[[bash: ]]')).toThrow(/empty command/);
  });

  it('parses a generic tool with JSON input, or none', () => {
    expect(one(directive.tool('Read', { file_path: '/x]]' }))).toEqual({ kind: 'tool', tool: 'Read', input: { file_path: '/x]]' } });
    expect(one('[[tool: TodoList]]')).toEqual({ kind: 'tool', tool: 'TodoList', input: {} });
    expect(() => parseSteps('[[tool: Read {nope]]')).toThrow(/not valid JSON/);
  });

  it('builds a single-choice AskUserQuestion input, escaping pipes through JSON', () => {
    const step = one(directive.ask('A | B?', ['x|y', { label: 'z', description: 'the z one' }], 'Pick'));
    expect(step.kind).toBe('tool');
    const input = step.kind === 'tool' && typeof step.input === 'function' ? step.input({ name: 'AskUserQuestion' }) : undefined;
    expect(input).toEqual({
      questions: [
        {
          question: 'A | B?',
          header: 'Pick',
          options: [
            { label: 'x|y', description: 'Choose x|y' },
            { label: 'z', description: 'the z one' },
          ],
          multiSelect: false,
        },
      ],
    });
  });

  it('pads an ask with fewer than two options and caps the header at 12 characters', () => {
    const input = askInput({ question: 'Go?', options: [], header: 'A very long header' });
    expect(input).toMatchObject({ questions: [{ header: 'A very long ', options: [{ label: 'Yes' }, { label: 'No' }] }] });
  });

  it('ignores unknown directives and accepts added ones', () => {
    expect(parseSteps('[[frobnicate: x]]')).toEqual([]);
    const signal = (body: string): Step => ({ kind: 'tool', tool: 'Bash', input: { command: `bottega signal ${body}` } });
    expect(parseSteps('[[signal: done]]', { ...builtinDirectives, signal })).toEqual([
      { kind: 'tool', tool: 'Bash', input: { command: 'bottega signal done' } },
    ]);
  });
});
