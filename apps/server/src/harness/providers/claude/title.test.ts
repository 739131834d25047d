// Cleaning a small model's answer into a conversation title, and the context
// window table used when a provider leaves the window out.
import { describe, expect, it } from 'vitest';
import { knownContextWindow, withContextWindow } from '../../context-window';
import { cleanTitle } from './title';

describe('cleanTitle', () => {
  it('keeps one plain line without quotes, a "Title:" prefix or a trailing dot', () => {
    expect(cleanTitle('Scripted reply.')).toBe('Scripted reply');
    expect(cleanTitle('\n  "Fix the login page"  \nmore text')).toBe('Fix the login page');
    expect(cleanTitle('Title: **Refactor the parser**')).toBe('Refactor the parser');
    expect(cleanTitle('  \n ')).toBe('');
  });

  it('caps long titles at 80 characters', () => {
    const title = cleanTitle('word '.repeat(40));
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('context windows', () => {
  it('fills a missing window from the table and leaves a reported one alone', () => {
    expect(knownContextWindow('anthropic', 'claude-sonnet-4-5')).toBe(200_000);
    expect(knownContextWindow('anthropic', 'unknown-model')).toBeNull();
    expect(withContextWindow({ usedTokens: 10, windowTokens: null, breakdown: null }, 'anthropic', 'claude-haiku-4-5').windowTokens).toBe(
      200_000,
    );
    expect(
      withContextWindow({ usedTokens: 10, windowTokens: 1_000_000, breakdown: null }, 'anthropic', 'claude-haiku-4-5').windowTokens,
    ).toBe(1_000_000);
    expect(withContextWindow({ usedTokens: 10, windowTokens: null, breakdown: null }, 'opencode', 'x').windowTokens).toBeNull();
  });
});
