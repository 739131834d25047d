// GET a project's task list with 5,000 tasks in the database: p50 < 10 ms.
// Tasks are inserted straight into SQLite (fast), then read over HTTP.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { adminAuth, cleanup, cli, percentile, report, startServer, tempHome } from './lib.mjs';

const TASKS = 5000;

export async function run() {
  const home = await tempHome('tasklist');
  try {
    await cli(home, ['migrate']);
    const s = await startServer(home);
    const auth = await adminAuth(home, s.url);
    const db = new BetterSqlite3(join(home, 'data', 'bottega.db'));
    const now = new Date().toISOString();
    db.prepare('INSERT INTO projects (name, repo_path, created_at, updated_at) VALUES (?, ?, ?, ?)').run('Bench', join(home, 'repo'), now, now);
    const insert = db.prepare(
      `INSERT INTO tasks (project_id, owner_id, title, status, yolo_mode, planification_complete, workflow_complete, workflow_blocked,
        workflow_run_count, refinement_complete, pr_agent_complete, branch_name, worktree_path, created_at, updated_at)
       VALUES (1, 1, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?, ?)`,
    );
    const statuses = ['pending', 'in_progress', 'in_review', 'completed'];
    db.transaction(() => {
      for (let i = 1; i <= TASKS; i++) {
        const at = new Date(Date.now() - i * 1000).toISOString();
        insert.run(`Task number ${i}: make the thing better`, statuses[i % 4], `task/${i}-make-the-thing-better`, join(home, 'repo-worktrees', `task-${i}`), at, at);
      }
    })();
    db.close();

    const times = [];
    let count = 0;
    for (let i = 0; i < 120; i++) {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${s.url}/api/projects/1/tasks`, { headers: { authorization: auth } });
      const body = await res.json();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      count = body.tasks.length;
      if (i >= 20) times.push(ms);
    }
    if (count !== TASKS) throw new Error(`expected ${TASKS} tasks, got ${count}`);
    report(`GET task list, ${TASKS} tasks, p50 (100 requests after 20 warm-up)`, percentile(times, 50), 'ms', 10);
    report(`GET task list, ${TASKS} tasks, p95`, percentile(times, 95), 'ms');
    await s.stop();
  } finally {
    await cleanup(home);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
