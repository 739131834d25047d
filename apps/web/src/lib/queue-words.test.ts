// How a waiting run is said: places as ordinals, reset times on the same day or another, the
// whole sentence of the task page and the short marker of a board card.
import { describe, expect, it } from 'vitest';
import { ordinal, queueMarker, queueSentence, resumeTime } from './queue-words';

describe('queue words', () => {
  it('says places as ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '111th',
    ]);
  });

  it('gives a reset time today as the time alone, another day with its date', () => {
    const now = new Date(2030, 0, 1, 9, 0);
    const today = new Date(2030, 0, 1, 15, 4).toISOString();
    const tomorrow = new Date(2030, 0, 2, 15, 4).toISOString();
    expect(resumeTime(today, now)).not.toMatch(/Jan/);
    expect(resumeTime(today, now)).toMatch(/15:04|3:04/);
    expect(resumeTime(tomorrow, now)).toMatch(/Jan/);
    expect(resumeTime(tomorrow, now)).toContain(resumeTime(today, now));
  });

  it('says the whole sentence for queued and waiting runs, with a plain one before the place is known', () => {
    const now = new Date(2030, 0, 1, 9, 0);
    const at = new Date(2030, 0, 1, 15, 4).toISOString();
    expect(queueSentence('queued', { position: 3, reason: 'global_limit', resumeAt: null })).toBe(
      'Queued · 3 in line — the server is running as many agents as it may',
    );
    expect(queueSentence('queued', { position: 1, reason: 'memory', resumeAt: null })).toBe(
      'Next to start — the server is short of memory',
    );
    expect(queueSentence('queued', null)).toBe('Queued — it starts as soon as a run slot is free');
    expect(queueSentence('waiting_for_quota', { position: null, reason: 'quota', resumeAt: at }, now)).toBe(
      `Waiting for the usage limit to reset at ${resumeTime(at, now)} — it goes on by itself`,
    );
    expect(queueSentence('waiting_for_quota', null)).toBe('Waiting for the provider’s usage limit to reset — it goes on by itself');
  });

  it('gives a board card a short marker', () => {
    expect(queueMarker('queued', { position: 3, reason: 'global_limit', resumeAt: null })).toBe('Queued · 3rd');
    expect(queueMarker('queued', { position: 1, reason: 'user_limit', resumeAt: null })).toBe('Next to start');
    expect(queueMarker('queued', null)).toBe('Queued');
    expect(queueMarker('waiting_for_quota', null)).toBe('Waiting for quota');
  });
});
