// GET a project's task list with 5,000 tasks in the database: p50 < 10 ms.
// Tasks are inserted straight into SQLite (fast), then read over HTTP: the
// board's first page, one column, and (for information) all of them.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { adminAuth, cleanup, cli, percentile, report, startServer, tempHome } from './lib';

const TASKS = 5000;

export async function run(): Promise<void> {
  const home = await tempHome('tasklist');
  try {
    await cli(home, ['migrate']);
    const s = await startServer(home);
    const auth = await adminAuth(home, s.url);
    const db = new BetterSqlite3(join(home, 'data', 'bottega.db'));
    const now = new Date().toISOString();
    db.prepare('INSERT INTO projects (name, repo_path, created_at, updated_at) VALUES (?, ?, ?, ?)').run(
      'Bench',
      join(home, 'repo'),
      now,
      now,
    );
    const insert = db.prepare(
      `INSERT INTO tasks (project_id, owner_id, title, status, yolo_mode, planification_complete, workflow_complete, workflow_blocked,
        workflow_run_count, refinement_complete, pr_agent_complete, branch_name, worktree_path, created_at, updated_at)
       VALUES (1, 1, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?, ?)`,
    );
    const statuses = ['pending', 'in_progress', 'in_review', 'completed'];
    db.transaction(() => {
      for (let i = 1; i <= TASKS; i++) {
        const at = new Date(Date.now() - i * 1000).toISOString();
        insert.run(
          `Task number ${i}: make the thing better`,
          statuses[i % 4],
          `task/${i}-make-the-thing-better`,
          join(home, 'repo-worktrees', `task-${i}`),
          at,
          at,
        );
      }
    })();
    db.close();

    const timed = async (path: string): Promise<{ ms: number; body: { tasks: unknown[]; nextCursor: string | null } }> => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: auth } });
      const body = (await res.json()) as { tasks: unknown[]; nextCursor: string | null };
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, body };
    };
    // The board's request: the newest page (default size 100) of a project with 5,000 tasks.
    const first: number[] = [];
    for (let i = 0; i < 220; i++) {
      const { ms, body } = await timed('/api/projects/1/tasks');
      if (body.tasks.length !== 100 || !body.nextCursor) throw new Error('unexpected first page');
      if (i >= 20) first.push(ms);
    }
    report(
      `GET task list, ${TASKS} tasks in the project, first page of 100, p50 (200 requests after 20 warm-up)`,
      percentile(first, 50),
      'ms',
      10,
    );
    report('  same, p95', percentile(first, 95), 'ms');
    const column: number[] = [];
    for (let i = 0; i < 120; i++) {
      const { ms } = await timed('/api/projects/1/tasks?status=in_review&limit=100');
      if (i >= 20) column.push(ms);
    }
    report('  one board column (status filter), page of 100, p50', percentile(column, 50), 'ms', 10);
    // Everything, page by page at the largest page size.
    const all: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = process.hrtime.bigint();
      let cursor: string | null = null;
      let count = 0;
      do {
        const { body } = await timed(`/api/projects/1/tasks?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        count += body.tasks.length;
        cursor = body.nextCursor;
      } while (cursor);
      if (count !== TASKS) throw new Error(`expected ${TASKS} tasks, got ${count}`);
      all.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    report(`  all ${TASKS} tasks in pages of 500, p50`, percentile(all, 50), 'ms');
    await s.stop();
  } finally {
    await cleanup(home);
  }
}
