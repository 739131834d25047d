// Free text in request bodies, one rule for control characters, applied to
// every text field of the API (api.ts):
// - singleLine: names, titles, usernames, git identity, model ids, codes —
//   no control character at all (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F);
// - multiLine: documents, descriptions, chat messages, answers — tab, line feed
//   and carriage return are allowed, every other control character (NUL first)
//   is not.
// A field that breaks the rule is a 400 VALIDATION_FAILED naming the field.
import type { z } from 'zod';

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Whether `text` holds a control character that `allow` does not let through. */
export function hasControlCharacter(text: string, allow: 'none' | 'tab-and-newlines'): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x9f || (code > 0x1f && code < 0x7f)) continue;
    if (allow === 'tab-and-newlines' && (code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN)) continue;
    return true;
  }
  return false;
}

/** Refuses every control character (line breaks and tabs included) in a single-line string. */
export function singleLine<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine((s) => !hasControlCharacter(s, 'none'), 'must not contain control characters (line breaks, tabs, NUL, …)');
}

/** Refuses control characters other than tab, line feed and carriage return in multi-line text. */
export function multiLine<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine(
    (s) => !hasControlCharacter(s, 'tab-and-newlines'),
    'must not contain control characters other than tabs and line breaks (NUL, BEL, ESC, …)',
  );
}
