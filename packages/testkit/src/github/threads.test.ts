// Where a review comment's lines go after later edits (GitHub moves the comment, or
// marks it outdated when its own lines changed).
import { describe, expect, it } from 'vitest';
import { mapLines, parseHunks } from './threads';

describe('parseHunks', () => {
  it('reads hunk headers, a missing count meaning one line', () => {
    const diff = [
      'diff --git a/f b/f',
      '--- a/f',
      '+++ b/f',
      '@@ -2 +2 @@',
      '-b',
      '+B',
      '@@ -5,0 +6,2 @@',
      '+x',
      '+y',
      '@@ -9,3 +11,0 @@',
    ].join('\n');
    expect(parseHunks(diff)).toEqual([
      { oldStart: 2, oldCount: 1, newStart: 2, newCount: 1 },
      { oldStart: 5, oldCount: 0, newStart: 6, newCount: 2 },
      { oldStart: 9, oldCount: 3, newStart: 11, newCount: 0 },
    ]);
    expect(parseHunks('')).toEqual([]);
  });
});

describe('mapLines', () => {
  it('keeps lines no hunk touched, shifted by the lines added or removed above them', () => {
    const hunks = parseHunks('@@ -1,0 +2,2 @@\n@@ -3,2 +6 @@');
    expect(mapLines(hunks, 2, 2)).toEqual({ from: 4, to: 4 });
    expect(mapLines(hunks, 7, 8)).toEqual({ from: 8, to: 9 });
  });

  it('is null when a hunk changes a commented line or inserts inside the range', () => {
    const changed = parseHunks('@@ -4,2 +4,3 @@');
    expect(mapLines(changed, 5, 5)).toBeNull();
    expect(mapLines(changed, 2, 4)).toBeNull();
    expect(mapLines(changed, 6, 6)).toEqual({ from: 7, to: 7 });
    expect(mapLines(parseHunks('@@ -3,0 +4 @@'), 2, 5)).toBeNull();
    expect(mapLines(parseHunks('@@ -5,0 +6 @@'), 2, 5)).toEqual({ from: 2, to: 5 });
  });

  it('is null for every line of a deleted file', () => {
    expect(mapLines(parseHunks('@@ -1,6 +0,0 @@'), 3, 3)).toBeNull();
  });
});
