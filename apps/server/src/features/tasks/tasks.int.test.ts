// Tasks against a real git repository: create → worktree → seed, rollback on
// failure, teardown on delete, documents, input files, events.
import { existsSync } from 'node:fs';
import { lstat, readFile, readlink, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskColumnLabels, type ServerEvent, type TaskDetailResponse, type TaskDto } from '@bottega/protocol';
import { runGit } from '../../forge/git';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { initRepo } from '../../testing/git';
import { taskArchive } from '../../workspace/paths';

let ctx: TestContext;
let owner: TestUser;
let repo: string;
let projectId: number;
let events: ServerEvent[];

beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  owner = await ctx.user();
  repo = await initRepo(join(ctx.home, 'repos', 'app'), { files: { 'README.md': '# app\n', '.gitignore': '.env*\nbuild/\n' } });
  await writeFile(join(repo, '.env'), 'SECRET=1\n');
  await writeFile(join(repo, '.env.local'), 'LOCAL=1\n');
  projectId = (await ctx.registerProject(owner, { name: 'App', repoPath: repo })).id;
  events = [];
  ctx.deps.bus.subscribe((e) => events.push(e));
});
afterEach(async () => ctx.close());

async function createTask(body: Record<string, unknown>): Promise<{ res: Response; task?: TaskDto }> {
  const res = await ctx.request('POST', `/api/projects/${projectId}/tasks`, { as: owner, json: body });
  if (res.status !== 201) return { res };
  return { res, task: ((await res.json()) as { task: TaskDto }).task };
}

const branches = async () => (await runGit(['branch', '--format=%(refname:short)'], { cwd: repo })).split('\n').filter(Boolean);

describe('task creation', () => {
  it('creates the worktree on its branch with .env symlinks and seeds the document', async () => {
    const { task } = await createTask({ title: 'Add login page', description: 'Users need to **log in**.' });
    expect(task).toBeDefined();
    if (!task) return;
    expect(task.branchName).toBe(`task/${task.id}-add-login-page`);
    expect(task.worktreePath).toBe(`${repo}-worktrees/task-${task.id}`);
    expect(task.devServerPort).toBe(3100 + (task.id % 900));
    expect(await branches()).toContain(task.branchName);
    expect(task.workspaceStatus).toBe('preparing');
    await ctx.deps.background.drain();
    const ready = (await (await ctx.request('GET', `/api/tasks/${task.id}`, { as: owner })).json()) as TaskDetailResponse;
    expect(ready.task.workspaceStatus).toBe('ready');
    expect(ready.maxIterations).toBe(ctx.deps.config.maxIterations);
    const wt = task.worktreePath ?? '';
    expect((await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: wt })).trim()).toBe(task.branchName);
    expect((await lstat(join(wt, '.env'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(wt, '.env'))).toBe(join(repo, '.env'));
    expect(await readFile(join(wt, '.env.local'), 'utf8')).toBe('LOCAL=1\n');
    const doc = await ctx.request('GET', `/api/tasks/${task.id}/document`, { as: owner });
    expect(((await doc.json()) as { content: string }).content).toContain('Users need to **log in**.');
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.updated']);
  });

  it('handles a title full of shell metacharacters and unicode without running anything', async () => {
    const marker = join(ctx.home, 'pwned');
    const title = `Fix "quotes" $(touch ${marker}) \`touch ${marker}\`; rm -rf / | cat & ünïcödé 🚀 ..lock`;
    const { task } = await createTask({ title });
    expect(task?.title).toBe(title);
    expect(task?.branchName).toMatch(/^task\/\d+-[a-z0-9-]+$/);
    await runGit(['check-ref-format', `refs/heads/${task?.branchName ?? ''}`], { cwd: repo });
    expect(existsSync(marker)).toBe(false);
  });

  it('rolls the task back when the worktree cannot be created', async () => {
    // The next task id will be 1; occupy its branch name so `git worktree add -b` fails.
    await runGit(['branch', 'task/1-clash'], { cwd: repo });
    const { res } = await createTask({ title: 'clash' });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('WORKSPACE_FAILED');
    expect(err.message.length).toBeGreaterThan(10);
    expect(await ctx.deps.db.selectFrom('tasks').select('id').execute()).toEqual([]);
    expect(existsSync(`${repo}-worktrees/task-1`)).toBe(false);
    expect(existsSync(taskArchive(ctx.home, projectId, 1).documentPath)).toBe(false);
    expect(events).toEqual([]);
  });

  it('cuts the branch from master when there is no main', async () => {
    const legacy = await initRepo(join(ctx.home, 'repos', 'legacy'), { branch: 'master' });
    await runGit(['checkout', '-q', '-b', 'feature'], { cwd: legacy });
    await writeFile(join(legacy, 'feature.txt'), 'not on master');
    await runGit(['add', '-A'], { cwd: legacy });
    await runGit(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'feature'], { cwd: legacy });
    const pid = (await ctx.registerProject(owner, { name: 'Legacy', repoPath: legacy })).id;
    const res = await ctx.request('POST', `/api/projects/${pid}/tasks`, { as: owner, json: { title: 'x' } });
    const task = ((await res.json()) as { task: TaskDto }).task;
    await ctx.deps.background.drain();
    expect(existsSync(join(task.worktreePath ?? '', 'feature.txt'))).toBe(false);
    expect(existsSync(join(task.worktreePath ?? '', 'README.md'))).toBe(true);
  });
});

describe('task listing', () => {
  it('pages through the board newest first, filtered by status', async () => {
    const project = await ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
    for (let i = 0; i < 250; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i % 50)).toISOString();
      await ctx.task(project, owner, { status: i % 5 === 0 ? 'completed' : 'pending', updated_at: at, created_at: at });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await (await ctx.request('GET', `/api/projects/${projectId}/tasks?limit=100${q}`, { as: owner })).json()) as {
        tasks: TaskDto[];
        nextCursor: string | null;
      };
      seen.push(...page.tasks.map((t) => t.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    const rows = await ctx.deps.db
      .selectFrom('tasks')
      .select(['id', 'updated_at'])
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(seen).toEqual(rows.map((r) => r.id));
    const done = (await (
      await ctx.request('GET', `/api/projects/${projectId}/tasks?status=completed&limit=500`, { as: owner })
    ).json()) as { tasks: TaskDto[] };
    expect(done.tasks).toHaveLength(50);
    expect(done.tasks.every((t) => t.status === 'completed')).toBe(true);
    for (const bad of ['limit=0', 'limit=501', 'status=archived', 'cursor=garbage', 'extra=1']) {
      expect((await ctx.request('GET', `/api/projects/${projectId}/tasks?${bad}`, { as: owner })).status, bad).toBe(400);
    }
  });
});

describe('task lifecycle', () => {
  it('changes status and title by hand and broadcasts it', async () => {
    const { task } = await createTask({ title: 'Lifecycle' });
    const res = await ctx.request('PATCH', `/api/tasks/${task?.id}`, { as: owner, json: { status: 'completed', title: 'Done' } });
    expect(await res.json()).toMatchObject({ task: { status: 'completed', title: 'Done' } });
    expect(events.at(-1)).toMatchObject({ type: 'task.updated', taskId: task?.id, task: { status: 'completed' } });
  });

  it('refuses any status move while an agent runs, naming both statuses and why, and writes nothing', async () => {
    const { task } = await createTask({ title: 'Busy' });
    // The checkout finishes in the background (its own task.updated); only the moves' events count here.
    await ctx.deps.background.drain();
    const row = await ctx.deps.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', task?.id ?? 0)
      .executeTakeFirstOrThrow();
    const run = await ctx.run(row, null, 'running');
    const before = events.length;
    for (const to of ['in_progress', 'in_review', 'completed'] as const) {
      const res = await ctx.request('PATCH', `/api/tasks/${row.id}`, { as: owner, json: { status: to, title: 'Renamed meanwhile' } });
      expect(res.status).toBe(409);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toBe(
        `cannot move the task from Pending to ${taskColumnLabels[to]}: the implementation agent is running on this task and moves it itself; wait for it or stop it first`,
      );
    }
    expect(await ctx.deps.db.selectFrom('tasks').select(['status', 'title']).where('id', '=', row.id).executeTakeFirstOrThrow()).toEqual({
      status: 'pending',
      title: 'Busy',
    });
    expect(events.slice(before)).toEqual([]);
    // A title alone is not a move; once the run has ended, the move goes through.
    expect((await ctx.request('PATCH', `/api/tasks/${row.id}`, { as: owner, json: { title: 'Renamed' } })).status).toBe(200);
    await ctx.deps.db.updateTable('agent_runs').set({ status: 'failed' }).where('id', '=', run.id).execute();
    const moved = await ctx.request('PATCH', `/api/tasks/${row.id}`, { as: owner, json: { status: 'in_progress' } });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ task: { status: 'in_progress', title: 'Renamed' } });
  });

  it('moves a task freely between the board columns, back out of Completed while its worktree is there', async () => {
    const { task } = await createTask({ title: 'Kanban' });
    for (const to of ['in_progress', 'in_review', 'pending', 'completed', 'in_review', 'completed', 'pending'] as const) {
      const res = await ctx.request('PATCH', `/api/tasks/${task?.id}`, { as: owner, json: { status: to } });
      expect([to, res.status]).toEqual([to, 200]);
      expect(events.at(-1)).toMatchObject({ type: 'task.updated', taskId: task?.id, task: { status: to } });
    }
  });

  it('keeps a merged and cleaned-up task completed', async () => {
    const { task } = await createTask({ title: 'Shipped' });
    // What Merge & clean up leaves: completed, the branch name kept, the worktree gone.
    await ctx.deps.db
      .updateTable('tasks')
      .set({ status: 'completed', worktree_path: null, workspace_status: 'none', pr_url: 'https://github.com/acme/app/pull/1' })
      .where('id', '=', task?.id ?? 0)
      .execute();
    for (const to of ['pending', 'in_progress', 'in_review'] as const) {
      const res = await ctx.request('PATCH', `/api/tasks/${task?.id}`, { as: owner, json: { status: to } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
        `cannot move the task from Completed to ${taskColumnLabels[to]}: its pull request was merged and its worktree removed; create a new task for further work`,
      );
    }
    expect(
      (
        await ctx.deps.db
          .selectFrom('tasks')
          .select('status')
          .where('id', '=', task?.id ?? 0)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('completed');
    expect(
      (await ctx.request('PATCH', `/api/tasks/${task?.id}`, { as: owner, json: { status: 'completed', title: 'Shipped it' } })).status,
    ).toBe(200);
  });

  it('reads and writes the task document', async () => {
    const { task } = await createTask({ title: 'Doc' });
    const put = await ctx.request('PUT', `/api/tasks/${task?.id}/document`, { as: owner, json: { content: '# Plan\n\n- [ ] step' } });
    expect(put.status).toBe(200);
    const doc = (await (await ctx.request('GET', `/api/tasks/${task?.id}/document`, { as: owner })).json()) as {
      content: string;
      path: string;
    };
    expect(doc.content).toBe('# Plan\n\n- [ ] step');
    expect(doc.path).toBe(taskArchive(ctx.home, projectId, task?.id ?? 0).documentPath);
  });

  it('uploads, lists, downloads and deletes input files inside the task folder', async () => {
    const { task } = await createTask({ title: 'Files' });
    const form = new FormData();
    form.append('file', new File(['col1,col2\n'], 'data.csv'));
    form.append('file', new File(['<script>alert(1)</script>'], 'page.html'));
    const up = await ctx.request('POST', `/api/tasks/${task?.id}/files`, { as: owner, body: form });
    expect(up.status).toBe(201);
    const list = (await (await ctx.request('GET', `/api/tasks/${task?.id}/files`, { as: owner })).json()) as { files: { name: string }[] };
    expect(list.files.map((f) => f.name)).toEqual(['data.csv', 'page.html']);
    const dl = await ctx.request('GET', `/api/tasks/${task?.id}/files/page.html`, { as: owner });
    expect(dl.headers.get('content-type')).toBe('application/octet-stream');
    expect(dl.headers.get('content-disposition')).toMatch(/attachment/);
    expect(await dl.text()).toBe('<script>alert(1)</script>');
    expect((await ctx.request('DELETE', `/api/tasks/${task?.id}/files/data.csv`, { as: owner })).status).toBe(204);
    expect((await ctx.request('DELETE', `/api/tasks/${task?.id}/files/data.csv`, { as: owner })).status).toBe(404);
    const dir = taskArchive(ctx.home, projectId, task?.id ?? 0).inputFilesDir;
    expect(await readdir(dir)).toEqual(['page.html']);
  });

  it('deletes with full teardown: worktree, branch, archive, conversations', async () => {
    const { task } = await createTask({ title: 'Teardown' });
    if (!task) throw new Error('no task');
    const row = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    const conv = await ctx.conversation(row);
    await ctx.deps.db
      .insertInto('transcript_entries')
      .values({ conversation_id: conv.id, seq: 1, entry_id: 'e1', type: 'user', payload: '{}', created_at: new Date().toISOString() })
      .execute();
    const live = await ctx.run(row, conv, 'running');
    expect((await ctx.request('DELETE', `/api/tasks/${task.id}`, { as: owner })).status).toBe(409);
    await ctx.deps.db.updateTable('agent_runs').set({ status: 'failed' }).where('id', '=', live.id).execute();

    expect((await ctx.request('DELETE', `/api/tasks/${task.id}`, { as: owner })).status).toBe(204);
    expect(existsSync(task.worktreePath ?? '')).toBe(false);
    expect(await branches()).not.toContain(task.branchName);
    expect(existsSync(taskArchive(ctx.home, projectId, task.id).documentPath)).toBe(false);
    expect(await ctx.deps.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    expect(await ctx.deps.db.selectFrom('transcript_entries').select('id').execute()).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'task.deleted', projectId, taskId: task.id });
    expect((await ctx.request('GET', `/api/tasks/${task.id}`, { as: owner })).status).toBe(404);
  });
});
