// The scheduler's decisions, with a dispatcher that only records what it was given (the engine's
// real start is tested with the real CLI in engine/capacity/*.int.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../testing/context';
import { RunScheduler, type SchedulerOptions } from './scheduler';

let ctx: TestContext;
let scheduler: RunScheduler;
let started: number[];
let releases: Map<number, () => void>;
let resumed: number[];
let events: ServerEvent[];

beforeEach(async () => {
  ctx = await createTestContext();
  events = [];
  ctx.deps.bus.subscribe((e) => events.push(e));
});
afterEach(async () => {
  scheduler.stop();
  await ctx.close();
});

function open(options: Partial<SchedulerOptions> = {}, now: () => Date = ctx.deps.now): RunScheduler {
  started = [];
  releases = new Map();
  resumed = [];
  scheduler = new RunScheduler({ ...ctx.deps, now }, { maxRunning: 4, maxRunningSource: 'config', minFreeMemoryMb: 0, ...options });
  scheduler.wire(
    (runId, release) => {
      started.push(runId);
      releases.set(runId, release);
      return Promise.resolve();
    },
    (runId) => {
      resumed.push(runId);
      return Promise.resolve(null);
    },
  );
  return scheduler;
}

const run = (id: number, userId: number, provider = 'anthropic', chained = false) => ({
  id,
  task_id: id,
  started_by: userId,
  provider,
  queue_priority: chained ? 1 : 0,
});

const tick = () => new Promise((r) => setImmediate(r));

describe('the run scheduler', () => {
  it('on an API node starts no run: queued runs wait in the database for the agent nodes', async () => {
    open({ executesRuns: false });
    await scheduler.enqueue(run(1, 1), 1);
    expect(started).toEqual([]);
    expect(scheduler.knows(1)).toBe(false);
    expect(scheduler.placeOf(1)).toBeNull();
  });

  it('knows the runs in its line and those holding its slots, until they end or leave', async () => {
    open({ maxRunning: 1 });
    await scheduler.enqueue(run(1, 1), 1);
    await scheduler.enqueue(run(2, 2), 1);
    expect([scheduler.knows(1), scheduler.knows(2), scheduler.knows(3)]).toEqual([true, true, false]);
    scheduler.forget(2);
    releases.get(1)?.();
    await tick();
    expect([scheduler.knows(1), scheduler.knows(2)]).toEqual([false, false]);
  });

  it('runs no more than the global limit, and starts the next as soon as one ends', async () => {
    open({ maxRunning: 2 });
    for (let id = 1; id <= 4; id++) await scheduler.enqueue(run(id, id), 1);
    expect(started).toEqual([1, 2]);
    expect(scheduler.placeOf(3)).toEqual({ position: 1, reason: 'global_limit', resumeAt: null });
    expect(scheduler.placeOf(4)).toEqual({ position: 2, reason: 'global_limit', resumeAt: null });
    releases.get(1)?.();
    await scheduler.pump();
    expect(started).toEqual([1, 2, 3]);
    expect(scheduler.placeOf(3)).toBeNull();
    expect(scheduler.held).toBe(2);
  });

  it("keeps each user within the per-user limit and says why a user's run waits", async () => {
    open({ maxRunning: 4 });
    await scheduler.setPerUserLimit(1);
    await scheduler.enqueue(run(1, 7), 1);
    await scheduler.enqueue(run(2, 7), 1);
    await scheduler.enqueue(run(3, 8), 1);
    expect(started).toEqual([1, 3]);
    expect(scheduler.placeOf(2)?.reason).toBe('user_limit');
    // The limit is stored: a scheduler started later reads it.
    expect(await open().readPerUserLimit()).toBe(1);
  });

  it('gives a waiting chat turn the next slot ahead of its own user’s queued runs, and drops it on Stop', async () => {
    open({ maxRunning: 1 });
    await scheduler.enqueue(run(1, 7), 1);
    await scheduler.enqueue(run(2, 7), 1);
    const stop = new AbortController();
    const chat = scheduler.admitChat({
      userId: 7,
      conversationId: 50,
      projectId: 1,
      taskId: 9,
      provider: 'anthropic',
      signal: stop.signal,
    });
    expect(chat).not.toBeNull();
    let admitted = false;
    void chat?.then(() => (admitted = true));
    await tick();
    expect(events.find((e) => e.type === 'turn.queued')).toMatchObject({ conversationId: 50, queue: { position: 1 } });
    releases.get(1)?.();
    await scheduler.pump();
    await tick();
    expect(admitted).toBe(true);
    expect(started).toEqual([1]);
    scheduler.releaseChat(50);
    await scheduler.pump();
    expect(started).toEqual([1, 2]);

    // A chat turn stopped while it waits leaves the line.
    const other = new AbortController();
    const waiting = scheduler.admitChat({
      userId: 8,
      conversationId: 51,
      projectId: 1,
      taskId: 9,
      provider: 'anthropic',
      signal: other.signal,
    });
    other.abort();
    await expect(waiting).rejects.toThrow(/stopped while waiting/);
    releases.get(2)?.();
    await scheduler.pump();
    expect(scheduler.held).toBe(0);
  });

  it("holds a user's work on a provider while its quota waits, lets everyone else's through, and brings the run back at the reset", async () => {
    open({ maxRunning: 4 });
    const resetAt = new Date(Date.now() + 150);
    scheduler.park({ id: 1, started_by: 7, provider: 'anthropic' }, resetAt);
    await scheduler.enqueue(run(2, 7, 'anthropic'), 1);
    await scheduler.enqueue(run(3, 7, 'openai'), 1);
    await scheduler.enqueue(run(4, 8, 'anthropic'), 1);
    expect(started).toEqual([3, 4]);
    expect(scheduler.placeOf(2)).toEqual({ position: null, reason: 'quota', resumeAt: resetAt.toISOString() });
    // The reset's timer brings the run back (a loaded machine can take longer than the 150 ms).
    await vi.waitFor(() => expect(resumed).toEqual([1]), { timeout: 10_000, interval: 20 });
    await scheduler.pump();
    expect(started).toEqual([3, 4, 2]);
  });

  it("lets the user's other work go at the reset even when the waiting run was cancelled", async () => {
    open({ maxRunning: 4 });
    scheduler.park({ id: 1, started_by: 7, provider: 'anthropic' }, new Date(Date.now() + 150));
    await scheduler.enqueue(run(2, 7, 'anthropic'), 1);
    scheduler.forget(1);
    expect(started).toEqual([]);
    await vi.waitFor(() => expect(started).toEqual([2]), { timeout: 10_000, interval: 20 });
  });

  it('ends a quota wait when its timer fires, even a moment before the clock reaches the reset', async () => {
    // A timer runs on the event loop's clock, which can be behind the wall clock when it is set: here the wall clock
    // runs at half speed, so the timer fires well before the reset it was set for reads as reached.
    const origin = Date.now();
    const slow = () => new Date(origin + (Date.now() - origin) / 2);
    open({ maxRunning: 4 }, slow);
    scheduler.park({ id: 1, started_by: 7, provider: 'anthropic' }, new Date(slow().getTime() + 100));
    await scheduler.enqueue(run(2, 7, 'anthropic'), 1);
    expect(started).toEqual([]);
    await vi.waitFor(() => expect(resumed).toEqual([1]), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(started).toEqual([2]), { timeout: 10_000, interval: 20 });
  });

  it('starts nothing while memory is short, and resumes when it is back', async () => {
    let mb = 100;
    open({ minFreeMemoryMb: 500, memoryProbe: () => mb });
    await scheduler.enqueue(run(1, 7), 1);
    expect(started).toEqual([]);
    expect(scheduler.placeOf(1)?.reason).toBe('memory');
    expect((await scheduler.figures()).memory).toEqual({ availableMb: 100, thresholdMb: 500, shedding: true });
    mb = 4000;
    // Memory is read again every couple of seconds.
    await vi.waitFor(() => expect(started).toEqual([1]), { timeout: 15_000, interval: 50 });
  });

  it('restores the queued runs from the database in their order, and the quota waits with them', async () => {
    const owner = await ctx.user();
    const project = await ctx.project({ members: [owner] });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const task = await ctx.task(project, owner);
      const row = await ctx.run(task, null, 'queued');
      ids.push(row.id);
    }
    const parkedTask = await ctx.task(project, owner);
    const parked = await ctx.run(parkedTask, null, 'waiting_for_quota');
    await ctx.deps.db.updateTable('agent_runs').set({ started_by: owner.row.id, provider: 'anthropic' }).execute();
    // Another user's run waits for their quota; it does not hold up this user's line.
    const other = await ctx.user();
    await ctx.deps.db
      .updateTable('agent_runs')
      .set({ started_by: other.row.id, resume_at: new Date(Date.now() + 60_000).toISOString() })
      .where('id', '=', parked.id)
      .execute();
    open({ maxRunning: 1 });
    await scheduler.restore();
    expect(started).toEqual([ids[0]]);
    expect(scheduler.placeOf(ids[2] ?? 0)).toMatchObject({ position: 2 });
    expect((await scheduler.figures()).waitingForQuota).toBe(1);
    expect(resumed).not.toContain(parked.id);
  });
});
