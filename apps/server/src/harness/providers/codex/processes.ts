// Finds and stops a Codex turn's processes. The SDK spawns the CLI itself (no
// spawn hook, no process group of its own), so every turn's environment
// carries a unique marker entry: the CLI and everything it starts inherit it,
// and the turn's tree is found by it in /proc and stopped as one.
import { readFile } from 'node:fs/promises';
import { ProcessTree, readProcessTable } from '../../process-tree';

async function carries(pid: number, entry: string): Promise<boolean> {
  // The process ended meanwhile (or is not ours to read): it carries nothing.
  const env = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
  return env.split('\0').includes(entry);
}

/** The CLI process of a turn: a child of this server carrying the marker (null once gone). */
export async function findMarkedChild(marker: string): Promise<number | null> {
  const table = await readProcessTable();
  for (const p of table) {
    if (p.ppid === process.pid && !p.zombie && (await carries(p.pid, marker))) return p.pid;
  }
  return null;
}

/** Every live process carrying the marker. */
export async function markedProcesses(marker: string): Promise<number[]> {
  const table = await readProcessTable();
  const live = table.filter((p) => !p.zombie && p.pid !== process.pid);
  const hits = await Promise.all(live.map(async (p) => ((await carries(p.pid, marker)) ? p.pid : null)));
  return hits.filter((p): p is number => p !== null);
}

/** Stops every process of the turn (SIGTERM, then SIGKILL after `graceMs`); resolves when none is left. */
export async function stopMarked(marker: string, rootPid: number | null, graceMs: number): Promise<void> {
  const root = rootPid ?? (await markedProcesses(marker))[0];
  if (root === undefined) return;
  await new ProcessTree(root, marker).terminate(graceMs);
}
