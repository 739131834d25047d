// Tests for the stall watchdog with fake timers: it fires on silence while the
// model is awaited, sleeps while a tool runs or a question is open.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assistant, apiRetry, init, result, user } from './mapper.fixtures';
import { STARTUP_MS, StallWatchdog } from './watchdog';

let fired = 0;
let dog: StallWatchdog;
beforeEach(() => {
  vi.useFakeTimers();
  fired = 0;
  dog = new StallWatchdog(1000, () => fired++);
});
afterEach(() => {
  dog.stop();
  vi.useRealTimers();
});

describe('StallWatchdog', () => {
  it('allows for start-up, then fires after timeoutMs of silence', () => {
    dog.start();
    vi.advanceTimersByTime(STARTUP_MS - 1);
    expect(fired).toBe(0);
    dog.seen(init);
    vi.advanceTimersByTime(999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it('sleeps while a tool runs and wakes at its result', () => {
    dog.start();
    dog.seen(assistant('m', 'a', { type: 'tool_use', id: 't1', name: 'Bash', input: {} }));
    expect(dog.toolRunning).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(0);
    dog.seen(user([{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }]));
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
  });

  it('sleeps while a question is open', () => {
    dog.seen(init);
    dog.waiting(true);
    vi.advanceTimersByTime(60_000);
    expect(fired).toBe(0);
    dog.waiting(false);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
  });

  it('adds the announced retry delay once, and stops at the result', () => {
    dog.seen(init);
    dog.seen(apiRetry);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(537);
    expect(fired).toBe(1);
    dog.seen(result());
    vi.advanceTimersByTime(60_000);
    expect(fired).toBe(1);
  });
});
