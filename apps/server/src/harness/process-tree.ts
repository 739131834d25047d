// Tracks and stops an agent's whole process tree. Agent CLIs start tool
// commands in sessions of their own (Claude Code runs each Bash call under
// setsid), so killing the CLI's process group is not enough: the tree is read
// from /proc while the agent runs, and every process seen is stopped with it.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { killProcessGroup } from '../process/exec';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid, identifies one process. */
  startTime: string;
  zombie: boolean;
  /** The executable's name as the kernel reports it (`bwrap`, `claude`, …). */
  comm: string;
}

/** Parses one /proc/<pid>/stat line (the command name may hold spaces and parentheses). */
export function parseStat(pid: number, text: string): ProcInfo | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return null;
  const f = text.slice(close + 2).split(' ');
  const ppid = Number(f[1]);
  const pgrp = Number(f[2]);
  const startTime = f[19];
  if (!Number.isInteger(ppid) || !Number.isInteger(pgrp) || startTime === undefined) return null;
  return { pid, ppid, pgrp, startTime, zombie: f[0] === 'Z' || f[0] === 'X', comm: text.slice(open + 1, close) };
}

/** How many /proc files are read between two turns of the event loop. */
const STAT_READS_PER_TURN = 32;

/**
 * Every process visible in /proc (empty where there is no /proc). The stat files are read
 * synchronously, a few dozen per turn of the event loop: each read takes microseconds, while
 * asynchronous reads of a whole table at once fill libuv's four file threads and hold up every
 * other file access of the server behind them — measured as the next queued run's start
 * waiting 50–370 ms while a finished agent's tree was read (bench/scheduler.bench.ts).
 */
export async function readProcessTable(): Promise<ProcInfo[]> {
  let names: string[];
  try {
    names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    // No /proc on this system: callers fall back to the process group alone.
    return [];
  }
  const rows: ProcInfo[] = [];
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && i % STAT_READS_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r));
    const n = names[i] as string;
    let text: string;
    try {
      text = readFileSync(`/proc/${n}/stat`, 'utf8');
    } catch {
      // The process ended since the listing.
      continue;
    }
    const row = parseStat(Number(n), text);
    if (row) rows.push(row);
  }
  return rows;
}

/** `root` and all its descendants found in `table` (by parent links). */
export function treeOf(table: readonly ProcInfo[], root: number): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const out: ProcInfo[] = [];
  const seen = new Set<number>();
  const stack = table.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop() as ProcInfo;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/** Whether the process's environment holds `entry` (NAME=value); false when unreadable. */
async function carries(pid: number, entry: string): Promise<boolean> {
  const env = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
  return env.split('\0').includes(entry);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The name bubblewrap's processes carry (see sandbox/). */
const SANDBOX_COMM = 'bwrap';

/**
 * The process tree of one agent process that leads its own process group.
 * `observe()` records the descendants currently alive; `terminate()` stops the
 * group and every recorded process (and the groups they lead), SIGTERM first
 * and SIGKILL after the grace period, and resolves once none is left.
 */
export class ProcessTree {
  private readonly seen = new Map<number, string>();

  /**
   * @param marker an environment entry (`NAME=value`) unique to this agent: a
   *   process that carries it belongs to the tree even after escaping it (a
   *   daemon that double-forked, reparented to init, in a session of its own).
   */
  constructor(
    readonly rootPid: number,
    private readonly marker: string | null = null,
  ) {}

  private rootStart: number | null = null;

  /** The root's start time (clock ticks since boot), remembered from the first table that had it. */
  private rootStartTime(table: readonly ProcInfo[]): number | null {
    if (this.rootStart === null) {
      const root = table.find((p) => p.pid === this.rootPid);
      if (root && this.seen.get(root.pid) === root.startTime) this.rootStart = Number(root.startTime);
    }
    return this.rootStart;
  }

  /** Records the root's current descendants. */
  async observe(): Promise<void> {
    const table = await readProcessTable();
    for (const p of treeOf(table, this.rootPid)) {
      if (!p.zombie) this.seen.set(p.pid, p.startTime);
    }
    this.rootStartTime(table);
  }

  /** The processes of this tree still running (zombies do not count). */
  async alive(): Promise<ProcInfo[]> {
    const table = await readProcessTable();
    if (table.length === 0) return this.aliveWithoutProc();
    const leaders = new Set<number>([this.rootPid]);
    for (const p of table) {
      if (p.pid === p.pgrp && this.seen.get(p.pid) === p.startTime) leaders.add(p.pid);
    }
    const members = table.filter((p) => !p.zombie && (leaders.has(p.pgrp) || this.seen.get(p.pid) === p.startTime));
    if (!this.marker) return members;
    const known = new Set(members.map((p) => p.pid));
    // Only processes younger than the agent can have inherited its marker.
    const rootStart = this.rootStartTime(table);
    const candidates = table.filter(
      (p) => !p.zombie && !known.has(p.pid) && p.pid !== process.pid && (rootStart === null || Number(p.startTime) >= rootStart),
    );
    const marked = await Promise.all(candidates.map(async (p) => ((await carries(p.pid, this.marker ?? '')) ? p : null)));
    return [...members, ...marked.filter((p): p is ProcInfo => p !== null)];
  }

  /** Stops the whole tree; resolves when nothing of it runs any more. */
  async terminate(graceMs = 2000): Promise<void> {
    await this.observe();
    if (await this.signalAll('SIGTERM')) return;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await sleep(25);
      if ((await this.alive()).length === 0) return;
    }
    for (let i = 0; i < 100; i++) {
      if (await this.signalAll('SIGKILL')) return;
      await sleep(25);
    }
    const left = await this.alive();
    if (left.length > 0) throw new Error(`processes ${left.map((p) => p.pid).join(', ')} survived SIGKILL`);
  }

  /**
   * Signals every live process of the tree; true when there was none. A
   * SIGTERM spares the sandbox's own processes (bubblewrap): they end with the
   * agent they run, and ending first they would SIGKILL it before it could
   * finish writing its session.
   */
  private async signalAll(signal: NodeJS.Signals): Promise<boolean> {
    await this.observe();
    const live = await this.alive();
    if (live.length === 0) return true;
    const spare = (p: ProcInfo) => signal === 'SIGTERM' && p.comm === SANDBOX_COMM;
    if (!live.some((p) => p.pid === this.rootPid && spare(p))) killProcessGroup(this.rootPid, signal);
    for (const p of live) {
      if (spare(p)) continue;
      try {
        if (p.pid === p.pgrp) killProcessGroup(p.pid, signal);
        else process.kill(p.pid, signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    return false;
  }

  private aliveWithoutProc(): ProcInfo[] {
    try {
      process.kill(-this.rootPid, 0);
      return [{ pid: this.rootPid, ppid: 0, pgrp: this.rootPid, startTime: '', zombie: false, comm: '' }];
    } catch {
      // The group is gone (ESRCH).
      return [];
    }
  }
}
