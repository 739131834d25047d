// The renderer: placeholders with optional spaces, verbatim values (no second
// expansion, no `$&` surprises), and a loud failure on every missing variable.
import { describe, expect, it } from 'vitest';
import { MissingPromptVariableError, renderPrompt, variablesUsed } from './render';

describe('renderPrompt', () => {
  it('replaces every placeholder, with or without spaces inside the braces', () => {
    const out = renderPrompt('Task {{taskId}} ({{ taskTitle }}), again {{taskId}} and {{  taskId}}.', { taskId: '7', taskTitle: 'Fix it' });
    expect(out).toBe('Task 7 (Fix it), again 7 and 7.');
  });

  it('accepts an empty string as a value', () => {
    expect(renderPrompt('repo: [{{repoSlug}}]', { repoSlug: '' })).toBe('repo: []');
  });

  it('throws on a missing variable, naming every one that is missing', () => {
    expect(() => renderPrompt('{{a}} {{b}} {{c}}', { b: 'x' })).toThrow(MissingPromptVariableError);
    try {
      renderPrompt('{{a}} {{b}} {{c}}', { b: 'x', c: undefined });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MissingPromptVariableError);
      expect((err as MissingPromptVariableError).missing).toEqual(['a', 'c']);
      expect((err as Error).message).toContain('{{a}}');
      expect((err as Error).message).toContain('{{c}}');
    }
  });

  it('does not take inherited object properties for values', () => {
    expect(() => renderPrompt('{{constructor}} {{toString}}', {})).toThrow(/\{\{constructor\}\}, \{\{toString\}\}/);
  });

  it('inserts values verbatim: no recursive expansion and no replacement patterns', () => {
    const out = renderPrompt('{{a}}|{{b}}', { a: 'literal {{b}} and {{ missing }}', b: '$& $1 $$ $`' });
    expect(out).toBe('literal {{b}} and {{ missing }}|$& $1 $$ $`');
  });

  it('leaves braces that are not placeholders alone', () => {
    const text = 'Actions use ${{ github.sha }} and {{ a-b }} and {{}} and { {x} }.';
    expect(renderPrompt(text, {})).toBe(text);
  });
});

describe('variablesUsed', () => {
  it('lists each variable once, in order of first use', () => {
    expect(variablesUsed('{{b}} {{ a }} {{b}} {{c}} ${{ x.y }}')).toEqual(['b', 'a', 'c']);
  });

  it('is empty for plain text', () => {
    expect(variablesUsed('no placeholders { here }')).toEqual([]);
  });
});
