// Work-in-progress limits per board column (docs/behaviour/tasks.md#column-limits): the settings route
// (members read, owners and administrators write, 403/400 otherwise with nothing written), a person's
// move into a full column and a creation into a full Pending column refused with 409 and nothing
// written, and the engine's own moves going through a full column all the same.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerEvent, TaskStatus, WipLimitsDto, WipLimitsResponse } from '@bottega/protocol';
import type { ProjectRow, TaskRow } from '../../db/schema';
import { recordSignalTransition } from '../../engine/transitions/tasks';
import { enqueueRunTransition } from '../../engine/transitions/runs';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';

let ctx: TestContext;
let owner: TestUser;
let member: TestUser;
let admin: TestUser;
let outsider: TestUser;
let project: ProjectRow;
let events: ServerEvent[];

beforeEach(async () => {
  ctx = await createTestContext();
  [owner, member, admin, outsider] = await Promise.all([ctx.user(), ctx.user(), ctx.user({ isAdmin: true }), ctx.user()]);
  project = await ctx.project({ members: [owner, member] });
  events = [];
  ctx.deps.bus.subscribe((e) => events.push(e));
});
afterEach(async () => ctx.close());

const limitsPath = () => `/api/projects/${project.id}/wip-limits`;
const projectRow = () => ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', project.id).executeTakeFirstOrThrow();
const taskRow = (id: number) => ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function setLimits(limits: WipLimitsDto): Promise<void> {
  const res = await ctx.request('PUT', limitsPath(), { as: owner, json: limits });
  expect(res.status).toBe(200);
}

async function tasksIn(status: TaskStatus, n: number): Promise<TaskRow[]> {
  const out: TaskRow[] = [];
  for (let i = 0; i < n; i++) out.push(await ctx.task(project, owner, { status }));
  return out;
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('/api/projects/:projectId/wip-limits', () => {
  it('lets members read, the owner and administrators change, and refuses a plain member with 403, writing nothing', async () => {
    const read = await ctx.request('GET', limitsPath(), { as: member });
    expect(read.status).toBe(200);
    expect(((await read.json()) as WipLimitsResponse).wipLimits).toEqual({ pending: null, in_progress: null, in_review: null });

    const before = await projectRow();
    const refused = await ctx.request('PUT', limitsPath(), { as: member, json: { pending: 5, in_progress: 3, in_review: 2 } });
    expect(refused.status).toBe(403);
    expect(await projectRow()).toEqual(before);

    const byOwner = await ctx.request('PUT', limitsPath(), { as: owner, json: { pending: null, in_progress: 3, in_review: 2 } });
    expect(byOwner.status).toBe(200);
    expect(((await byOwner.json()) as WipLimitsResponse).wipLimits).toEqual({ pending: null, in_progress: 3, in_review: 2 });
    expect(await projectRow()).toMatchObject({ wip_limit_pending: null, wip_limit_in_progress: 3, wip_limit_in_review: 2 });

    const byAdmin = await ctx.request('PUT', limitsPath(), { as: admin, json: { pending: 10, in_progress: null, in_review: 1 } });
    expect(((await byAdmin.json()) as WipLimitsResponse).wipLimits).toEqual({ pending: 10, in_progress: null, in_review: 1 });
    const reread = await ctx.request('GET', limitsPath(), { as: member });
    expect(((await reread.json()) as WipLimitsResponse).wipLimits).toEqual({ pending: 10, in_progress: null, in_review: 1 });

    expect((await ctx.request('GET', limitsPath(), { as: outsider })).status).toBe(404);
    expect((await ctx.request('PUT', limitsPath(), { as: outsider, json: { pending: 1, in_progress: 1, in_review: 1 } })).status).toBe(404);
  });

  it('refuses a bad body with 400, writing nothing', async () => {
    const before = await projectRow();
    for (const json of [
      { pending: 0, in_progress: null, in_review: null },
      { pending: null, in_progress: 1000, in_review: null },
      { pending: null, in_progress: 2.5, in_review: null },
      { pending: null, in_progress: '3', in_review: null },
      { pending: null, in_progress: null },
      { pending: null, in_progress: null, in_review: null, completed: 4 },
    ]) {
      const res = await ctx.request('PUT', limitsPath(), { as: owner, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect(await projectRow()).toEqual(before);
  });
});

describe('moving a task into a full column', () => {
  it('is refused with 409 naming the column and its limit, writing and broadcasting nothing', async () => {
    await setLimits({ pending: null, in_progress: null, in_review: 3 });
    await tasksIn('in_review', 3);
    const [task] = await tasksIn('in_progress', 1);
    const before = events.length;
    const res = await ctx.request('PATCH', `/api/tasks/${task!.id}`, { as: member, json: { status: 'in_review', title: 'Renamed' } });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({
      code: 'CONFLICT',
      message: 'cannot move the task from In Progress to In Review: the In Review column is full (3 of 3 tasks); finish or move one first',
    });
    expect(await taskRow(task!.id)).toEqual(task);
    expect(events.slice(before)).toEqual([]);
  });

  it('lets a task in below the limit, with no limit, and within its own full column', async () => {
    await setLimits({ pending: null, in_progress: 2, in_review: 1 });
    const [reviewed] = await tasksIn('in_review', 1);
    const [a, b] = await tasksIn('pending', 2);
    // Below the limit: the first move in is the column's second task.
    await tasksIn('in_progress', 1);
    expect((await ctx.request('PATCH', `/api/tasks/${a!.id}`, { as: member, json: { status: 'in_progress' } })).status).toBe(200);
    expect((await ctx.request('PATCH', `/api/tasks/${b!.id}`, { as: member, json: { status: 'in_progress' } })).status).toBe(409);
    // Staying in a full column (a rename sent with the status) is no move.
    const stay = await ctx.request('PATCH', `/api/tasks/${reviewed!.id}`, { as: member, json: { status: 'in_review', title: 'Kept' } });
    expect(stay.status).toBe(200);
    expect(await taskRow(reviewed!.id)).toMatchObject({ status: 'in_review', title: 'Kept' });
    // Completed has no limit; lifting In Progress's lets the refused move through.
    expect((await ctx.request('PATCH', `/api/tasks/${reviewed!.id}`, { as: member, json: { status: 'completed' } })).status).toBe(200);
    await setLimits({ pending: null, in_progress: null, in_review: 1 });
    expect((await ctx.request('PATCH', `/api/tasks/${b!.id}`, { as: member, json: { status: 'in_progress' } })).status).toBe(200);
  });
});

describe('creating a task into a full Pending column', () => {
  it('is refused with 409, creating nothing; with room it goes through', async () => {
    await setLimits({ pending: 1, in_progress: null, in_review: null });
    await tasksIn('pending', 1);
    const count = async () => (await ctx.deps.db.selectFrom('tasks').select('id').where('project_id', '=', project.id).execute()).length;
    const before = await count();
    const res = await ctx.request('POST', `/api/projects/${project.id}/tasks`, { as: member, json: { title: 'One more' } });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({
      code: 'CONFLICT',
      message: 'cannot create the task: the Pending column is full (1 of 1 task); finish or move one first',
    });
    expect(await count()).toBe(before);
    await setLimits({ pending: 2, in_progress: null, in_review: null });
    expect((await ctx.request('POST', `/api/projects/${project.id}/tasks`, { as: member, json: { title: 'One more' } })).status).toBe(201);
  });
});

describe("the engine's own moves", () => {
  it('are never refused: a run starting fills In Progress past its limit, the PR agent done fills In Review', async () => {
    await setLimits({ pending: null, in_progress: 1, in_review: 1 });
    await tasksIn('in_progress', 1);
    await tasksIn('in_review', 1);
    const [waiting] = await tasksIn('pending', 1);
    await enqueueRunTransition(ctx.deps, {
      taskId: waiting!.id,
      agentType: 'implementation',
      trigger: 'manual',
      triggerUrl: null,
      actingUserId: owner.row.id,
      provider: 'anthropic',
      model: 'test-model',
      effort: null,
      chained: false,
      payload: {},
    });
    expect((await taskRow(waiting!.id)).status).toBe('in_progress');
    await recordSignalTransition(ctx.deps, { task_id: waiting!.id }, { signal: 'pr-complete' });
    expect((await taskRow(waiting!.id)).status).toBe('in_review');
  });
});
