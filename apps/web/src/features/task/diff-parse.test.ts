// The unified-diff parser on real `git diff` output shapes: modifications with
// line numbers, new and deleted files, binary files, quoted paths, the
// "no newline at end of file" marker, and several hunks and files.
import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from './diff-parse';

const PATCH = [
  'diff --git a/src/old.txt b/src/old.txt',
  'index 4c5fd91..2f3c1c2 100644',
  '--- a/src/old.txt',
  '+++ b/src/old.txt',
  '@@ -1,3 +1,4 @@',
  ' one',
  '-two',
  '+2',
  ' three',
  '+four',
  '@@ -10,2 +11,2 @@ function x() {',
  ' ten',
  '--- not a header, a deleted line',
  '+++ not a header, an added line',
  'diff --git a/brand new.md b/brand new.md',
  'new file mode 100644',
  'index 0000000..3b18e51',
  '--- /dev/null',
  '+++ b/brand new.md',
  '@@ -0,0 +1 @@',
  '+fresh',
  '\\ No newline at end of file',
  'diff --git a/gone.txt b/gone.txt',
  'deleted file mode 100644',
  'index 0e4d33b..0000000',
  '--- a/gone.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-bye',
  'diff --git a/logo.bin b/logo.bin',
  'new file mode 100644',
  'index 0000000..9f2e4c1',
  'Binary files /dev/null and b/logo.bin differ',
  'diff --git "a/tab\\there" "b/tab\\there"',
  'new file mode 100644',
  'index 0000000..9f2e4c1',
  'Binary files /dev/null and "b/tab\\there" differ',
  '',
].join('\n');

describe('parseUnifiedDiff', () => {
  const files = parseUnifiedDiff(PATCH);

  it('finds every file with its paths', () => {
    expect(files.map((f) => [f.path, f.oldPath, f.newPath, f.binary])).toEqual([
      ['src/old.txt', 'src/old.txt', 'src/old.txt', false],
      ['brand new.md', null, 'brand new.md', false],
      ['gone.txt', 'gone.txt', null, false],
      ['logo.bin', null, 'logo.bin', true],
      ['tab\there', null, 'tab\there', true],
    ]);
  });

  it('numbers old and new lines through each hunk', () => {
    const [first] = files;
    expect(first?.hunks).toHaveLength(2);
    expect(first?.hunks[0]?.lines).toEqual([
      { kind: 'context', text: 'one', oldNo: 1, newNo: 1 },
      { kind: 'del', text: 'two', oldNo: 2, newNo: null },
      { kind: 'add', text: '2', oldNo: null, newNo: 2 },
      { kind: 'context', text: 'three', oldNo: 3, newNo: 3 },
      { kind: 'add', text: 'four', oldNo: null, newNo: 4 },
    ]);
    expect(first?.hunks[1]?.header).toBe('@@ -10,2 +11,2 @@ function x() {');
    expect(first?.hunks[1]?.lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ['context', 'ten', 10, 11],
      ['del', '-- not a header, a deleted line', 11, null],
      ['add', '++ not a header, an added line', null, 12],
    ]);
  });

  it('keeps the no-newline marker as a note and reads deletions', () => {
    expect(files[1]?.hunks[0]?.lines).toEqual([
      { kind: 'add', text: 'fresh', oldNo: null, newNo: 1 },
      { kind: 'note', text: 'No newline at end of file', oldNo: null, newNo: null },
    ]);
    expect(files[2]?.hunks[0]?.lines).toEqual([{ kind: 'del', text: 'bye', oldNo: 1, newNo: null }]);
  });

  it('answers nothing for an empty patch', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
