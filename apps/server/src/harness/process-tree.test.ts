// Tests for process-tree tracking with real processes: a detached leader whose
// child escapes into a session of its own (as Claude Code's Bash calls do) is
// still found and stopped, SIGTERM-resistant processes get SIGKILL.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnProcessGroup } from '../process/exec';
import { parseStat, ProcessTree, readProcessTable, treeOf } from './process-tree';

const node = process.execPath;
const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && parseStat(pid, stat)?.zombie === false;
}

/** A detached leader that starts a grandchild under setsid, prints its pid, and idles. */
function leaderScript(ignoreTerm: boolean): string {
  const trap = ignoreTerm ? "process.on('SIGTERM', () => {});" : '';
  const child = `const c = require('child_process').spawn(process.execPath, ['-e', "${trap.replace(/'/g, "\\'")} setInterval(() => {}, 1000)"], { detached: true, stdio: 'ignore' });`;
  return `${trap} ${child} process.stdout.write(String(c.pid) + '\\n'); setInterval(() => {}, 1000);`;
}

async function startTree(ignoreTerm = false): Promise<{ leader: number; grandchild: number }> {
  const child = spawnProcessGroup(node, ['-e', leaderScript(ignoreTerm)], { env: { PATH: process.env.PATH } });
  child.stderr?.resume();
  const grandchild = await new Promise<number>((resolve) =>
    child.stdout?.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))),
  );
  started.push(child.pid as number, grandchild);
  return { leader: child.pid as number, grandchild };
}

describe('parseStat', () => {
  it('reads fields after a command name with spaces and parentheses', () => {
    const text = '42 (a (b) c) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1000 10';
    expect(parseStat(42, text)).toEqual({ pid: 42, ppid: 7, pgrp: 42, startTime: '987654', zombie: false, comm: 'a (b) c' });
    expect(parseStat(43, '43 (x) Z 1 43 43 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0')?.zombie).toBe(true);
    expect(parseStat(1, 'garbage')).toBeNull();
  });
});

describe('treeOf', () => {
  it('follows parent links from the root', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, pgrp: pid, startTime: '1', zombie: false, comm: 'x' });
    const table = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(20, 1)];
    expect(
      treeOf(table, 10)
        .map((x) => x.pid)
        .sort(),
    ).toEqual([10, 11, 12]);
  });
});

describe('ProcessTree', () => {
  it('finds a grandchild in its own session and stops the whole tree', async () => {
    const { leader, grandchild } = await startTree();
    const table = await readProcessTable();
    const g = table.find((x) => x.pid === grandchild);
    expect(g?.pgrp).not.toBe(leader);
    const tree = new ProcessTree(leader);
    await tree.observe();
    expect((await tree.alive()).map((x) => x.pid).sort()).toEqual([leader, grandchild].sort());
    await tree.terminate(1000);
    expect(await alive(leader)).toBe(false);
    expect(await alive(grandchild)).toBe(false);
    expect(await tree.alive()).toEqual([]);
  });

  it('escalates to SIGKILL after the grace period', async () => {
    const { leader, grandchild } = await startTree(true);
    await new Promise((r) => setTimeout(r, 100));
    const tree = new ProcessTree(leader);
    const t0 = Date.now();
    await tree.terminate(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await alive(leader)).toBe(false);
    expect(await alive(grandchild)).toBe(false);
  });

  it('still stops a recorded grandchild after its parent is gone', async () => {
    const { leader, grandchild } = await startTree();
    const tree = new ProcessTree(leader);
    await tree.observe();
    process.kill(leader, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    expect(await alive(grandchild)).toBe(true);
    await tree.terminate(1000);
    expect(await alive(grandchild)).toBe(false);
  });
});
