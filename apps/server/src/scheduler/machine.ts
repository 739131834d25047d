// What this machine can take (docs/behaviour/capacity.md#limits): the default number of run slots
// from its cores and memory, and the memory available right now for load shedding.
import { readFile } from 'node:fs/promises';
import { availableParallelism, freemem, totalmem } from 'node:os';

const MIB = 1024 * 1024;

/** What one agent run takes, roughly: its CLI (~200 MB) plus the builds and tests it runs. */
export const MEMORY_PER_RUN_MB = 1024;

/**
 * The default global limit: two runs per core (an agent waits on its model most of the time),
 * and no more than the memory holds at MEMORY_PER_RUN_MB each after a reserve for the server
 * and the system. Never below 1.
 */
export function defaultMaxRunning(cores = availableParallelism(), totalMb = Math.floor(totalmem() / MIB)): number {
  const byCores = cores * 2;
  const byMemory = Math.floor((totalMb - MEMORY_PER_RUN_MB) / MEMORY_PER_RUN_MB);
  return Math.max(1, Math.min(byCores, byMemory));
}

/** Reads `MemAvailable` from /proc/meminfo (what Linux can give without swapping), in MiB. */
export function parseMemAvailable(meminfo: string): number | null {
  const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
  return m?.[1] ? Math.floor(Number(m[1]) / 1024) : null;
}

/** Memory available now in MiB: MemAvailable where Linux gives it, else the free memory. */
export async function availableMemoryMb(): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => null);
  return (meminfo !== null ? parseMemAvailable(meminfo) : null) ?? Math.floor(freemem() / MIB);
}
