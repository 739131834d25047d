// Section and checkbox editing of task documents, fences respected.
import { describe, expect, it } from 'vitest';
import { fenceAround, replaceSectionBody, sectionBody, sections, setTodos, todoItems } from './markdown';

const doc = [
  '# Plan',
  '',
  '## Original Request',
  '',
  '> - [ ] not a to-do, quoted',
  '',
  '## To-Do List',
  '',
  '### Implementation',
  '',
  '- [ ] Write `a.js`',
  '- [x] Write `b.js`',
  '',
  '### Testing',
  '',
  '- [ ] Run `npm test`',
  '',
  '## Review Findings',
  '',
  '```text',
  '## not a heading',
  '```',
  '',
].join('\n');

describe('markdown helpers', () => {
  it('finds level-2 sections outside fences', () => {
    expect(sections(doc).map((s) => s.heading)).toEqual(['Original Request', 'To-Do List', 'Review Findings']);
    expect(sectionBody(doc, 'review findings')).toBe('```text\n## not a heading\n```');
    expect(sectionBody(doc, 'Overview')).toBeUndefined();
  });

  it('lists and sets the To-Do List checkboxes only', () => {
    expect(todoItems(doc).map((i) => [i.text, i.checked])).toEqual([
      ['Write `a.js`', false],
      ['Write `b.js`', true],
      ['Run `npm test`', false],
    ]);
    const ticked = setTodos(doc, true);
    expect(todoItems(ticked).every((i) => i.checked)).toBe(true);
    expect(ticked).toContain('> - [ ] not a to-do, quoted');
    expect(todoItems(setTodos(ticked, false)).some((i) => i.checked)).toBe(false);
  });

  it('replaces a section body in place, or appends the section', () => {
    const replaced = replaceSectionBody(doc, 'To-Do List', '- [x] one');
    expect(sectionBody(replaced, 'To-Do List')).toBe('- [x] one');
    expect(sectionBody(replaced, 'Review Findings')).toBe('```text\n## not a heading\n```');
    const appended = replaceSectionBody('# Doc\n', 'Review Findings', 'IN_PROGRESS');
    expect(appended).toBe('# Doc\n\n## Review Findings\n\nIN_PROGRESS\n');
  });

  it('fences text with a fence longer than any backtick run inside', () => {
    expect(fenceAround('a ``` b\n')).toBe('````text\na ``` b\n````');
  });
});
