import { describe, expect, it } from 'vitest';
import { availableMemoryMb, defaultMaxRunning, parseMemAvailable } from './machine';

describe("the machine's capacity", () => {
  it('allows two runs per core, fewer when memory is short, never none', () => {
    expect(defaultMaxRunning(2, 24 * 1024)).toBe(4);
    expect(defaultMaxRunning(16, 8 * 1024)).toBe(7);
    expect(defaultMaxRunning(8, 512)).toBe(1);
  });

  it("reads Linux's available memory, not its free memory", () => {
    const meminfo = 'MemTotal:       24576000 kB\nMemFree:         1024000 kB\nMemAvailable:   20480000 kB\n';
    expect(parseMemAvailable(meminfo)).toBe(20000);
    expect(parseMemAvailable('MemTotal: 1 kB\n')).toBeNull();
  });

  it('reads a plausible figure on this machine', async () => {
    const mb = await availableMemoryMb();
    expect(mb).toBeGreaterThan(0);
  });
});
