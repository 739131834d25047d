// Looks at this machine's processes for tests that prove nothing is left
// running (agents, their commands).
import { readdir, readFile } from 'node:fs/promises';

/** Live (non-zombie) processes whose command line contains `needle`. */
export async function processesMatching(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const [cmd, stat] = await Promise.all([
      readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${name}/stat`, 'utf8').catch(() => ''),
    ]);
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (cmd.replace(/\0/g, ' ').includes(needle) && state !== 'Z' && state !== '') out.push(Number(name));
  }
  return out;
}
