// Just enough markdown for the role brain to edit a task document: `## `
// sections (fence-aware), the To-Do List's checkboxes, and block quotes.

export interface Section {
  /** The heading text after `## `. */
  heading: string;
  /** Line index of the heading. */
  start: number;
  /** Line index after the section's last line. */
  end: number;
}

const fenceOpen = /^[ \t]*(`{3,}|~{3,})/;

/** Every level-2 section, in order; headings inside code fences do not count. */
export function sections(doc: string): Section[] {
  const lines = doc.split('\n');
  const found: Section[] = [];
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const f = fenceOpen.exec(line)?.[1];
    if (fence !== undefined) {
      if (f !== undefined && f[0] === fence[0] && f.length >= fence.length && line.trim() === f) fence = undefined;
      return;
    }
    if (f !== undefined) {
      fence = f;
      return;
    }
    const h = /^##[ \t]+(.+?)[ \t]*#*[ \t]*$/.exec(line);
    if (h?.[1] !== undefined) {
      const last = found.at(-1);
      if (last) last.end = i;
      found.push({ heading: h[1], start: i, end: lines.length });
    }
  });
  return found;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function findSection(doc: string, heading: string): Section | undefined {
  return sections(doc).find((s) => same(s.heading, heading));
}

/** A section's body (the lines after its heading) without blank lines around it; undefined when absent. */
export function sectionBody(doc: string, heading: string): string | undefined {
  const s = findSection(doc, heading);
  if (!s) return undefined;
  const lines = doc.split('\n').slice(s.start + 1, s.end);
  while (lines.length > 0 && (lines[0] ?? '').trim() === '') lines.shift();
  while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  return lines.join('\n');
}

/** Replaces a section's body (keeping its heading); appends the section when absent. */
export function replaceSectionBody(doc: string, heading: string, body: string): string {
  const lines = doc.split('\n');
  const s = findSection(doc, heading);
  const block = ['', ...body.trim().split('\n'), ''];
  if (!s) {
    const base = doc.replace(/\s*$/, '');
    return `${base}\n\n## ${heading}\n${block.join('\n')}`;
  }
  const out = [...lines.slice(0, s.start + 1), ...block, ...lines.slice(s.end)].join('\n');
  return out.endsWith('\n') ? out : `${out}\n`;
}

export interface TodoItem {
  /** Line index in the document. */
  line: number;
  text: string;
  checked: boolean;
}

const checkbox = /^([ \t]*[-*][ \t]+)\[([ xX])\][ \t]?(.*)$/;

/** The checkboxes of the To-Do List section (all of the document's when it has none). */
export function todoItems(doc: string): TodoItem[] {
  const lines = doc.split('\n');
  const s = findSection(doc, 'To-Do List');
  const from = s ? s.start + 1 : 0;
  const to = s ? s.end : lines.length;
  const items: TodoItem[] = [];
  for (let i = from; i < to; i++) {
    const m = checkbox.exec(lines[i] ?? '');
    if (m) items.push({ line: i, text: (m[3] ?? '').trim(), checked: m[2] !== ' ' });
  }
  return items;
}

/** The document with every To-Do List checkbox set to `checked`. */
export function setTodos(doc: string, checked: boolean): string {
  const lines = doc.split('\n');
  for (const item of todoItems(doc)) {
    lines[item.line] = (lines[item.line] ?? '').replace(checkbox, (_m, lead: string, _box: string, rest: string) =>
      `${lead}[${checked ? 'x' : ' '}] ${rest}`.trimEnd(),
    );
  }
  return lines.join('\n');
}

/** Text with each line's `> ` block-quote prefix removed. */
export function unquote(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^> ?/, ''))
    .join('\n');
}

/** Text as a block quote: every line prefixed with `> `. */
export function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

/** A code fence longer than any backtick run in the text. */
export function fenceAround(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\n*$/, '')}\n${fence}`;
}
