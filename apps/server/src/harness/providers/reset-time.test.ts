// Reset times read from the texts the CLIs print (measured against the fakes).
import { describe, expect, it } from 'vitest';
import { nextWallClock, parseClaudeReset, parseCodexReset } from './reset-time';

const at = (iso: string) => new Date(iso).getTime();

describe('nextWallClock', () => {
  it('is the end of the named minute today, or tomorrow once that minute is over', () => {
    expect(nextWallClock(22, 3, 'UTC', at('2026-12-03T22:03:00.500Z')).toISOString()).toBe('2026-12-03T22:04:00.000Z');
    expect(nextWallClock(1, 2, 'UTC', at('2026-12-03T22:03:00Z')).toISOString()).toBe('2026-12-04T01:03:00.000Z');
    expect(nextWallClock(22, 2, 'UTC', at('2026-12-03T22:03:00Z')).toISOString()).toBe('2026-12-04T22:03:00.000Z');
  });

  it('reads the time in the named zone, across a date line and daylight saving', () => {
    // 15:00 in Berlin is 14:00 UTC in winter, 13:00 UTC in summer.
    expect(nextWallClock(15, 0, 'Europe/Berlin', at('2026-12-03T10:00:00Z')).toISOString()).toBe('2026-12-03T14:01:00.000Z');
    expect(nextWallClock(15, 0, 'Europe/Berlin', at('2026-07-03T10:00:00Z')).toISOString()).toBe('2026-07-03T13:01:00.000Z');
    // 9:00 in Tokyo, asked at 23:00 UTC (8:00 next day in Tokyo), is 00:00 UTC.
    expect(nextWallClock(9, 0, 'Asia/Tokyo', at('2026-12-03T23:00:00Z')).toISOString()).toBe('2026-12-04T00:01:00.000Z');
  });
});

describe('parseClaudeReset', () => {
  const now = at('2026-12-03T22:02:57Z');

  it.each([
    ["You've hit your 5-hour limit · resets 1:02am (UTC)", '2026-12-04T01:03:00.000Z'],
    ["You've hit your 5-hour limit · resets 10:03pm (UTC)", '2026-12-03T22:04:00.000Z'],
    ["You've hit your weekly limit · resets 3pm (Europe/Berlin)", '2026-12-04T14:01:00.000Z'],
    ['Claude AI usage limit reached|1796346176', '2026-12-04T01:02:56.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseClaudeReset(text, now)?.toISOString()).toBe(iso);
  });

  it('finds no reset in texts without one, or with a zone it does not know', () => {
    expect(parseClaudeReset('API Error: Request rejected (429) · Please try again later.', now)).toBeNull();
    expect(parseClaudeReset("You've hit your limit · resets 3pm (Mars/Olympus)", now)).toBeNull();
  });
});

describe('parseCodexReset', () => {
  const now = at('2026-12-03T22:07:40Z');

  it.each([
    [
      'You’ve hit your usage limit. Visit https://chatgpt.com/settings/usage to purchase more credits or try again at 10:08 PM.',
      '2026-12-03T22:09:00.000Z',
    ],
    [
      'You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at Dec 6th, 2026 11:08 PM.',
      '2026-12-06T23:09:00.000Z',
    ],
    ["You've hit your usage limit. Try again at 12:30 AM.", '2026-12-04T00:31:00.000Z'],
    [
      "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 2 days 17 hours 14 minutes.",
      '2026-12-06T15:22:40.000Z',
    ],
  ])('%s → %s', (text, iso) => {
    expect(parseCodexReset(text, now, 'UTC')?.toISOString()).toBe(iso);
  });

  it('reads a time in the zone Codex printed it in', () => {
    expect(parseCodexReset('… or try again at 6:04 PM.', now, 'America/New_York')?.toISOString()).toBe('2026-12-03T23:05:00.000Z');
  });

  it('finds no reset when Codex names none', () => {
    expect(parseCodexReset("You've hit your usage limit. Try again later.", now)).toBeNull();
    expect(parseCodexReset('exceeded retry limit, last status: 429 Too Many Requests', now)).toBeNull();
  });
});
