// The task-list benchmarks' reads (task-list on SQLite, postgres on
// PostgreSQL): a project's tasks over HTTP, as `GET /api/projects/:id/tasks`
// answers them — the first page, one board column's first page, and the
// whole list, both at the API's largest page and as the board loads it.
import { join } from 'node:path';
import { percentile, processTreeCpuMs, report, reportInterval } from './lib';

const STATUSES = ['pending', 'in_progress', 'in_review', 'completed'] as const;
/** The board's page per column (COLUMN_PAGE_SIZE in apps/web/src/features/board/columns.ts). */
const BOARD_PAGE = 50;
/** The API's largest page (TaskListQuery in packages/protocol). */
const LARGEST_PAGE = 500;

/** The i-th synthetic task of the task-list benchmarks, a second older than the one before, the columns in turn. */
export function benchTask(home: string, i: number) {
  const at = new Date(Date.now() - i * 1000).toISOString();
  return {
    title: `Task number ${i}: make the thing better`,
    status: STATUSES[i % 4],
    branch: `task/${i}-make-the-thing-better`,
    worktree: join(home, 'repo-worktrees', `task-${i}`),
    at,
  };
}

interface Page {
  tasks: unknown[];
  nextCursor: string | null;
}

export interface TaskListOptions {
  /** The first page's target (p50, ms). */
  target: number;
  /** Rounds of each whole-list reading. */
  allRounds: number;
  /** The whole list at the largest page: its target in ms, or null for none (printed for information). */
  allTarget: number | null;
  label?: string;
  /** The server's process: its CPU per first-page request is reported, a figure a busy machine does not inflate. */
  serverPid?: number;
  /** CPU milliseconds the database's own processes have used so far (a server database). */
  databaseCpuMs?: () => Promise<number>;
}

/**
 * Reads a project's task list over HTTP and prints: the first page (default size 100) and one column's
 * first page, each as the median of many requests with its 95 % interval beside the target; then the
 * whole list, every task, read (1) at the largest page, 500 tasks a request, and (2) as the board loads
 * it — each of the four columns in pages of 50, cursor after cursor, the columns side by side. Returns
 * the medians of the first pages.
 */
export async function measureTaskList(
  url: string,
  auth: string,
  projectId: number,
  tasks: number,
  opts: TaskListOptions,
): Promise<{ firstP50: number; columnP50: number }> {
  const where = opts.label ? `${opts.label}, ` : '';
  const get = async (path: string): Promise<{ ms: number; body: Page }> => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${url}${path}`, { headers: { authorization: auth } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as Page;
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, body };
  };
  const base = `/api/projects/${projectId}/tasks`;

  // The board's request: the newest page (default size 100).
  const first: number[] = [];
  let serverCpu0 = 0;
  let databaseCpu0 = 0;
  for (let i = 0; i < 220; i++) {
    if (i === 20) {
      serverCpu0 = opts.serverPid ? await processTreeCpuMs(opts.serverPid) : 0;
      databaseCpu0 = (await opts.databaseCpuMs?.()) ?? 0;
    }
    const { ms, body } = await get(base);
    if (body.tasks.length !== 100 || !body.nextCursor) throw new Error('unexpected first page');
    if (i >= 20) first.push(ms);
  }
  const serverCpu = opts.serverPid ? (await processTreeCpuMs(opts.serverPid)) - serverCpu0 : null;
  const databaseCpu = opts.databaseCpuMs ? (await opts.databaseCpuMs()) - databaseCpu0 : null;
  const firstP50 = reportInterval(
    `GET task list, ${where}${tasks} tasks in the project, first page of 100 (200 requests after 20 warm-up)`,
    first,
    'ms',
    opts.target,
  ).median;
  report('  same, p95', percentile(first, 95), 'ms');
  if (serverCpu !== null) report("  the server's CPU per first-page request", serverCpu / first.length, 'ms');
  if (databaseCpu !== null) report("  the database's CPU per first-page request", databaseCpu / first.length, 'ms');

  const column: number[] = [];
  for (let i = 0; i < 120; i++) {
    const { ms } = await get(`${base}?status=in_review&limit=100`);
    if (i >= 20) column.push(ms);
  }
  const columnP50 = reportInterval('  one board column (status filter), page of 100 (100 requests)', column, 'ms', opts.target).median;

  /** Follows the cursors from the first page to the last; returns the number of tasks read and of requests made. */
  const readAll = async (query: string): Promise<{ count: number; requests: number }> => {
    let cursor: string | null = null;
    let count = 0;
    let requests = 0;
    do {
      const { body } = await get(`${base}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      count += body.tasks.length;
      requests += 1;
      cursor = body.nextCursor;
    } while (cursor);
    return { count, requests };
  };
  const timedRounds = async (read: () => Promise<{ count: number; requests: number }>) => {
    const times: number[] = [];
    let requests = 0;
    await read(); // warm-up
    for (let i = 0; i < opts.allRounds; i++) {
      const t0 = process.hrtime.bigint();
      const r = await read();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.count !== tasks) throw new Error(`expected ${tasks} tasks, got ${r.count}`);
      requests = r.requests;
    }
    return { times, requests };
  };

  const largest = await timedRounds(() => readAll(`limit=${LARGEST_PAGE}`));
  reportInterval(
    `  the whole list, all ${tasks} tasks at the largest page (${largest.requests} requests of ${LARGEST_PAGE}), ${opts.allRounds} rounds` +
      (opts.allTarget === null ? ' (no target)' : ''),
    largest.times,
    'ms',
    opts.allTarget ?? undefined,
  );
  const board = await timedRounds(async () => {
    const columns = await Promise.all(STATUSES.map((status) => readAll(`status=${status}&limit=${BOARD_PAGE}`)));
    return { count: columns.reduce((n, c) => n + c.count, 0), requests: columns.reduce((n, c) => n + c.requests, 0) };
  });
  reportInterval(
    `  the whole list as the board loads it: 4 columns side by side, pages of ${BOARD_PAGE} (${board.requests} requests), ${opts.allRounds} rounds (no target)`,
    board.times,
    'ms',
  );
  return { firstP50, columnP50 };
}
