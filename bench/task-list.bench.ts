// GET a project's task list with 5,000 tasks in the database: p50 < 10 ms.
// Tasks are inserted straight into SQLite (fast), then read over HTTP: the
// board's first page, one column, and (for information) all of them.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { adminAuth, benchTask, cleanup, cli, measureTaskList, startServer, tempHome } from './lib';

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
    db.transaction(() => {
      for (let i = 1; i <= TASKS; i++) {
        const t = benchTask(home, i);
        insert.run(t.title, t.status, t.branch, t.worktree, t.at, t.at);
      }
    })();
    db.close();

    await measureTaskList(s.url, auth, 1, TASKS, { target: 10, allRounds: 10, serverPid: s.child.pid });
    await s.stop();
  } finally {
    await cleanup(home);
  }
}
