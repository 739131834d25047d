// The control-character rule for text fields: none at all on a single line;
// tab, line feed and carriage return (only those) in multi-line text.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateTaskBody, LoginBody, TaskDocumentBody } from './api';
import { hasControlCharacter, multiLine, singleLine } from './text';

const line = singleLine(z.string().trim().min(1));
const text = multiLine(z.string());

describe('singleLine', () => {
  it('accepts ordinary text, accents, emoji and non-Latin scripts', () => {
    for (const s of ['Fix the login page', 'Çà et là — naïve', 'ship it 🚀', '日本語のタイトル', 'a\u00a0b', 'zero\u200bwidth'])
      expect(line.safeParse(s).success).toBe(true);
  });

  it('refuses every C0 control, DEL and C1 controls, line breaks and tabs included', () => {
    for (let code = 0; code <= 0x1f; code++)
      expect(line.safeParse(`a${String.fromCharCode(code)}b`).success, `U+${code.toString(16)}`).toBe(false);
    for (let code = 0x7f; code <= 0x9f; code++)
      expect(line.safeParse(`a${String.fromCharCode(code)}b`).success, `U+${code.toString(16)}`).toBe(false);
  });

  it('checks after trimming, so a trailing newline from a form is not an error', () => {
    expect(line.parse('  title\n')).toBe('title');
    expect(line.safeParse('ti\ntle').success).toBe(false);
  });
});

describe('multiLine', () => {
  it('keeps tabs and line breaks', () => {
    expect(text.parse('# Plan\r\n\n- step\tone\n')).toBe('# Plan\r\n\n- step\tone\n');
  });

  it('refuses NUL, BEL, ESC, form feed, vertical tab, DEL and C1 controls', () => {
    for (const c of ['\u0000', '\u0007', '\u001b', '\u000c', '\u000b', '\u007f', '\u0085', '\u009b']) {
      const r = text.safeParse(`before${c}after`);
      expect(r.success, JSON.stringify(c)).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/control characters/);
    }
  });
});

describe('the API schemas use the rule', () => {
  it('in single-line and multi-line fields alike', () => {
    expect(LoginBody.safeParse({ username: 'ada\u0000', password: 'x' }).success).toBe(false);
    expect(CreateTaskBody.safeParse({ title: 'T\u0007', description: 'ok' }).success).toBe(false);
    expect(CreateTaskBody.safeParse({ title: 'T', description: 'line one\n\tline two' }).success).toBe(true);
    expect(CreateTaskBody.safeParse({ title: 'T', description: 'nul\u0000' }).success).toBe(false);
    expect(TaskDocumentBody.safeParse({ content: '# Doc\n\n```\n\tcode\n```\n' }).success).toBe(true);
  });

  it('hasControlCharacter is the single predicate behind both', () => {
    expect(hasControlCharacter('a\tb', 'none')).toBe(true);
    expect(hasControlCharacter('a\tb', 'tab-and-newlines')).toBe(false);
    expect(hasControlCharacter('plain', 'none')).toBe(false);
  });
});
