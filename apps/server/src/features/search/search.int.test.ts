// Task search across projects: only the tasks the caller may open, by title
// (case-insensitive, literal) or id, an exact id first then the most recently
// active, with what a board card shows of each.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskSearchResponse } from '@bottega/protocol';
import type { ProjectRow } from '../../db/schema';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { likeLiteral, taskIdOf } from './search';

let ctx: TestContext;
let alice: TestUser;
let bob: TestUser;
let shop: ProjectRow;
let bank: ProjectRow;

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

beforeEach(async () => {
  ctx = await createTestContext();
  alice = await ctx.user({ username: 'alice' });
  bob = await ctx.user({ username: 'bob' });
  shop = await ctx.project({ members: [alice], name: 'Shop' });
  bank = await ctx.project({ members: [bob], name: 'Bank' });
});
afterEach(async () => ctx.close());

async function search(as: TestUser | null, params: Record<string, string>) {
  return ctx.request('GET', `/api/search/tasks?${new URLSearchParams(params).toString()}`, as ? { as } : {});
}

async function found(as: TestUser, params: Record<string, string>): Promise<TaskSearchResponse['tasks']> {
  const res = await search(as, params);
  expect(res.status).toBe(200);
  return ((await res.json()) as TaskSearchResponse).tasks;
}

const titles = (hits: TaskSearchResponse['tasks']) => hits.map((h) => h.task.title);

describe('GET /api/search/tasks', () => {
  it("finds titles case-insensitively across the caller's projects, most recently active first, with the card's facts", async () => {
    const shop2 = await ctx.project({ members: [alice, bob], name: 'Warehouse' });
    await ctx.task(shop, alice, { title: 'Add the cart page', updated_at: at(1) });
    const recent = await ctx.task(shop2, bob, { title: 'Cart totals in euros', updated_at: at(5), status: 'in_progress' });
    await ctx.task(shop, alice, { title: 'Checkout', updated_at: at(9) });
    const conv = await ctx.conversation(recent, { pending_question: '{}' });
    await ctx.run(recent, conv, 'running');

    const hits = await found(alice, { q: 'CART' });
    expect(titles(hits)).toEqual(['Cart totals in euros', 'Add the cart page']);
    expect(hits[0]).toMatchObject({
      projectName: 'Warehouse',
      liveRun: true,
      task: {
        id: recent.id,
        projectId: shop2.id,
        status: 'in_progress',
        board: { creatorName: 'bob', questionWaiting: true, workStarted: true },
      },
    });
    expect(hits[1]).toMatchObject({ projectName: 'Shop', liveRun: false, task: { board: { questionWaiting: false, workStarted: false } } });
  });

  it("never shows a project's tasks to a user who is not its member; an administrator sees every project", async () => {
    await ctx.task(shop, alice, { title: 'Shop secret launch plan' });
    const banked = await ctx.task(bank, bob, { title: 'Bank secret audit' });
    const admin = await ctx.user({ username: 'root', isAdmin: true });

    expect(titles(await found(alice, { q: 'secret' }))).toEqual(['Shop secret launch plan']);
    expect(titles(await found(bob, { q: 'secret' }))).toEqual(['Bank secret audit']);
    // Not by its id either, nor in the most recent tasks.
    expect(await found(alice, { q: `#${banked.id}` })).toEqual([]);
    expect(titles(await found(alice, {}))).toEqual(['Shop secret launch plan']);
    expect(titles(await found(admin, { q: 'secret' })).sort()).toEqual(['Bank secret audit', 'Shop secret launch plan']);
    expect((await search(null, { q: 'secret' })).status).toBe(401);
  });

  it('matches %, _ and \\ literally, not as LIKE wildcards', async () => {
    await ctx.task(shop, alice, { title: 'Raise the discount to 50% off' });
    await ctx.task(shop, alice, { title: 'Rename snake_case fields' });
    await ctx.task(shop, alice, { title: 'Escape C:\\temp paths' });
    await ctx.task(shop, alice, { title: 'Plain words only' });

    expect(titles(await found(alice, { q: '%' }))).toEqual(['Raise the discount to 50% off']);
    expect(titles(await found(alice, { q: '_' }))).toEqual(['Rename snake_case fields']);
    expect(titles(await found(alice, { q: 'e_c' }))).toEqual(['Rename snake_case fields']);
    expect(titles(await found(alice, { q: '\\' }))).toEqual(['Escape C:\\temp paths']);
    expect(await found(alice, { q: 'Plain%only' })).toEqual([]);
    expect(likeLiteral('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });

  it('finds a task by its id (12 or #12), the exact id first, and lists the most recent tasks for an empty query', async () => {
    const tasks = [];
    for (let i = 0; i < 4; i += 1) tasks.push(await ctx.task(shop, alice, { title: `Step ${'ABCD'[i]}`, updated_at: at(i) }));
    const target = tasks[0]!;
    const titled = await ctx.task(shop, alice, { title: `Follow-up of ${target.id}`, updated_at: at(30) });

    expect((await found(alice, { q: `#${target.id}` })).map((h) => h.task.id)).toEqual([target.id]);
    expect((await found(alice, { q: String(target.id) })).map((h) => h.task.id)).toEqual([target.id, titled.id]);
    expect(titles(await found(alice, { limit: '2' }))).toEqual([titled.title, 'Step D']);
    expect(taskIdOf('#12')).toBe(12);
    expect(taskIdOf('12a')).toBeNull();
    expect(taskIdOf('#0')).toBeNull();
  });

  it('refuses a limit outside 1..50, an overlong or multi-line query and unknown parameters with a 400', async () => {
    const bad: Record<string, string>[] = [
      { limit: '0' },
      { limit: '51' },
      { limit: 'many' },
      { q: 'x'.repeat(201) },
      { q: 'a\nb' },
      { sort: 'title' },
    ];
    for (const params of bad) {
      const res = await search(alice, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
  });
});
