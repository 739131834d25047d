// The run queue under a crowd (docs/behaviour/capacity.md): 200 planning runs from 10 users on the
// simulated model, the real Claude Code CLI, a global limit of 4 and a per-user limit of 2. Every
// run completes exactly once, no more than 4 (and no user more than 2) run at once, and the line
// is fair: once a user has queued work, at most one start per other user comes before theirs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AgentRunDto } from '@bottega/protocol';
import { directive, startFakeAnthropic, type FakeAnthropic } from '@bottega/testkit';
import { startServer, type RunningServer } from '../../app/server';
import { buildServer } from '../../testing/build';
import { connectClaude } from '../../testing/chat-world';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { initRepo } from '../../testing/git';

const USERS = 10;
const RUNS_PER_USER = 20;

let ctx: TestContext;
let server: RunningServer;
let fake: FakeAnthropic;
beforeAll(async () => {
  await buildServer();
  ctx = await createTestContext({ depsCopy: 'off', maxRunning: 4 });
  server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await server.close();
  await fake.close();
  await ctx.close();
});

it('runs 200 runs from 10 users within the limits, each once, in a fair order', { timeout: 600_000 }, async ({ annotate }) => {
  await ctx.deps.scheduler.setPerUserLimit(2);
  const users: TestUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await ctx.user({ username: `user${i}` });
    await connectClaude(ctx, user, fake);
    users.push(user);
  }
  const repo = await initRepo(join(ctx.home, 'repos', 'crowd'));
  const project = await ctx.project({ members: users, repoPath: repo });
  await mkdir(join(ctx.home, 'prompts'), { recursive: true });
  // Each run takes a moment of model time, so the line really forms.
  await writeFile(join(ctx.home, 'prompts', 'planification.md'), `Plan. ${directive.sleep(300)} ${directive.say('The plan.')}`);

  const userOfTask = new Map<number, number>();
  const tasksOf = new Map<number, number[]>();
  for (const [i, user] of users.entries()) {
    const ids: number[] = [];
    for (let n = 0; n < RUNS_PER_USER; n++) {
      const task = await ctx.task(project, user);
      userOfTask.set(task.id, i);
      ids.push(task.id);
    }
    tasksOf.set(i, ids);
  }

  // What the stream tells: each start and end, checked against the limits as it happens.
  const running = new Map<number, number>();
  const runningOf = new Map<number, number>();
  const startsOfRun = new Map<number, number>();
  const startOrder: number[] = [];
  const firstQueuedAt = new Map<number, number>();
  let maxRunning = 0;
  let maxPerUser = 0;
  const unsubscribe = ctx.deps.bus.subscribe((e) => {
    if (e.type !== 'agent-run.updated') return;
    const user = userOfTask.get(e.run.taskId) ?? -1;
    if (e.run.status === 'queued' && !firstQueuedAt.has(user)) firstQueuedAt.set(user, startOrder.length);
    if (e.run.status === 'running' && !running.has(e.run.id)) {
      running.set(e.run.id, user);
      runningOf.set(user, (runningOf.get(user) ?? 0) + 1);
      startsOfRun.set(e.run.id, (startsOfRun.get(e.run.id) ?? 0) + 1);
      startOrder.push(user);
      maxRunning = Math.max(maxRunning, running.size);
      maxPerUser = Math.max(maxPerUser, runningOf.get(user) ?? 0);
    }
    if ((e.run.status === 'completed' || e.run.status === 'failed') && running.delete(e.run.id))
      runningOf.set(user, (runningOf.get(user) ?? 1) - 1);
  });

  // User by user, each queues all their work: the last user's first run must not wait for the 180 before it.
  for (const [i, user] of users.entries()) {
    for (const taskId of tasksOf.get(i) ?? []) {
      const res = await ctx.request('POST', `/api/tasks/${taskId}/agent-runs`, { as: user, json: { agentType: 'planification' } });
      expect(res.status).toBe(201);
    }
  }

  const deadline = Date.now() + 540_000;
  let rows: { id: number; status: string; task_id: number }[] = [];
  for (;;) {
    rows = await ctx.deps.db.selectFrom('agent_runs').select(['id', 'status', 'task_id']).execute();
    if (rows.length === USERS * RUNS_PER_USER && rows.every((r) => r.status === 'completed')) break;
    if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(rows.filter((r) => r.status !== 'completed').slice(0, 5))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await ctx.deps.background.drain();
  unsubscribe();

  // None lost, none twice: one run per task, each started once, each with its own conversation.
  expect(new Set(rows.map((r) => r.task_id)).size).toBe(USERS * RUNS_PER_USER);
  expect(startsOfRun.size).toBe(USERS * RUNS_PER_USER);
  expect([...startsOfRun.values()].every((n) => n === 1)).toBe(true);
  const conversations = await ctx.deps.db.selectFrom('conversations').select('id').where('kind', '=', 'agent_run').execute();
  expect(conversations).toHaveLength(USERS * RUNS_PER_USER);

  // Never more than the limits.
  expect(maxRunning).toBeLessThanOrEqual(4);
  expect(maxRunning).toBe(4);
  expect(maxPerUser).toBeLessThanOrEqual(2);

  // Fairness, measured: starts between a user's first queued run and their first start.
  const waits = users.map((_, i) => startOrder.indexOf(i) - (firstQueuedAt.get(i) ?? 0));
  await annotate(
    `fairness: starts before each user's first start, counted from when they queued: ${waits.join(', ')}; at most ${maxRunning} running, ${maxPerUser} per user`,
  );
  for (const wait of waits) expect(wait, `starts before each user's first start: ${waits.join(', ')}`).toBeLessThanOrEqual(USERS);
  // With first come, first served the last user would have waited for nearly every other user's runs.
  expect(startOrder.indexOf(USERS - 1)).toBeLessThan((USERS * RUNS_PER_USER) / 2);

  const runs = (
    (await (await ctx.request('GET', `/api/tasks/${tasksOf.get(0)?.[0]}/agent-runs`, { as: users[0] })).json()) as {
      runs: AgentRunDto[];
    }
  ).runs;
  expect(runs.map((r) => [r.status, r.queue])).toEqual([['completed', null]]);
});
