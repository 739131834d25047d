// The request conventions round-trip: taskRequest writes file blocks and
// markers that parseFileBlocks/findMarker read back, quoted or not.
import { describe, expect, it } from 'vitest';
import { quote } from './markdown';
import { editRounds, fileBlock, findMarker, isSafeRelativePath, latestEdits, parseFileBlocks, requestProse, taskRequest } from './request';

const tricky = "const s = `x ${'y'}`;\n```js\nnested fence\n```\n  indented $HOME \\n 'q' \"dq\"\n\n";

describe('taskRequest and parseFileBlocks', () => {
  it('round-trips files, fixes, ci fixes and markers', () => {
    const text = taskRequest({
      summary: 'Add a greeting.\n\nIt must say hello.',
      files: { 'src/a.js': tricky, 'b.txt': 'no newline' },
      fixes: { 'src/a.js': 'fixed\n' },
      ciFixes: { 'ci.txt': 'green\n' },
      tests: 'node --test',
      blocked: 'needs a production API key',
    });
    expect(parseFileBlocks(text, ['file'])).toEqual([
      { kind: 'file', path: 'src/a.js', content: tricky },
      { kind: 'file', path: 'b.txt', content: 'no newline\n' },
    ]);
    expect(parseFileBlocks(text, ['fix'])).toEqual([{ kind: 'fix', path: 'src/a.js', content: 'fixed\n' }]);
    expect(parseFileBlocks(text, ['ci-fix'])).toEqual([{ kind: 'ci-fix', path: 'ci.txt', content: 'green\n' }]);
    expect(findMarker(text, 'test')).toBe('node --test');
    expect(findMarker(text, 'blocked')).toBe('needs a production API key');
    expect(requestProse(text)).toBe('Add a greeting.\n\nIt must say hello.');
  });

  it('reads blocks inside a block quote, as the plan quotes the request', () => {
    const text = taskRequest({ summary: 'Do it.', files: { 'a.md': 'line 1\n\n  line 3\n' } });
    const quoted = `## Original Request\n\n${quote(text.replace(/\n$/, ''))}\n\n## Overview\n`;
    expect(parseFileBlocks(quoted)).toEqual([{ kind: 'file', path: 'a.md', content: 'line 1\n\n  line 3\n' }]);
    expect(findMarker(quoted, 'test')).toBeUndefined();
  });

  it('keeps the last block per path and refuses paths outside the worktree', () => {
    const edits = parseFileBlocks(`${fileBlock('file', 'a', '1')}\n${fileBlock('fix', 'a', '2')}\n${fileBlock('file', 'b', '3')}`);
    expect(latestEdits(edits).map((e) => [e.path, e.content])).toEqual([
      ['a', '2\n'],
      ['b', '3\n'],
    ]);
    expect(['a/b.js', '/etc/passwd', '../x', 'a/../../x', '~/x'].map(isSafeRelativePath)).toEqual([true, false, false, false, false]);
  });

  it('writes CI fix rounds so that the n-th block of a path is its n-th round, and resolutions', () => {
    const text = taskRequest({
      summary: 'Keep CI green.',
      ciFixes: [{ 'a.js': '1\n', 'b.js': 'b1\n' }, { 'a.js': '2\n' }],
      resolutions: { 'a.js': 'both\n' },
    });
    expect(editRounds(parseFileBlocks(text, ['ci-fix'])).map((r) => r.map((e) => `${e.path}=${e.content.trim()}`))).toEqual([
      ['a.js=1', 'b.js=b1'],
      ['a.js=2'],
    ]);
    expect(parseFileBlocks(text, ['resolve'])).toEqual([{ kind: 'resolve', path: 'a.js', content: 'both\n' }]);
    expect(text).toContain('When CI fails again (fix round 2), apply:');
    expect(requestProse(text)).toBe('Keep CI green.');
    expect(() => taskRequest({ summary: 's', ciFixes: [{ 'a.js': '1' }, { 'b.js': '2' }] })).toThrow(/round 2 names b\.js/);
  });

  it('rejects what the conventions cannot carry', () => {
    expect(() => fileBlock('file', 'a b', '')).toThrow(/without spaces/);
    expect(() => taskRequest({ summary: 's', tests: 'a\nb' })).toThrow(/one line/);
    expect(() => taskRequest({ summary: 's', blocked: 'x]]' })).toThrow(/one line/);
  });
});
