// The inbox: every reason a task waits for the user, only in the projects they
// are a member of (an administrator too), read in one SQL statement.
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxResponse } from '@bottega/protocol';
import type { ProjectRow, TaskRow } from '../../db/schema';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { readInbox } from './inbox';

let ctx: TestContext;
let alice: TestUser;
let project: ProjectRow;

beforeEach(async () => {
  ctx = await createTestContext();
  alice = await ctx.user({ username: 'alice' });
  project = await ctx.project({ members: [alice], name: 'Shop' });
});
afterEach(async () => ctx.close());

async function inbox(as: TestUser): Promise<InboxResponse> {
  const res = await ctx.request('GET', '/api/inbox', { as });
  expect(res.status).toBe(200);
  return (await res.json()) as InboxResponse;
}

async function planned(task: TaskRow) {
  const conv = await ctx.conversation(task);
  await ctx.deps.db
    .insertInto('agent_runs')
    .values({
      task_id: task.id,
      agent_type: 'planification',
      status: 'completed',
      conversation_id: conv.id,
      trigger: 'manual',
      created_at: new Date().toISOString(),
    })
    .execute();
}

describe('GET /api/inbox', () => {
  it('lists a plan to approve, a question waiting, a blocked task with its reason and a PR ready — most urgent first', async () => {
    const plan = await ctx.task(project, alice, { title: 'Add cart', planification_complete: 1 });
    await planned(plan);
    const asking = await ctx.task(project, alice, { title: 'Checkout', planification_complete: 1 });
    const runConv = await ctx.conversation(asking, { pending_question: JSON.stringify({ toolUseId: 't1', questions: [] }) });
    await ctx.run(asking, runConv, 'running');
    const blocked = await ctx.task(project, alice, { title: 'Refunds', workflow_blocked: 1, block_reason: 'max_iterations' });
    const pr = await ctx.task(project, alice, {
      title: 'Invoices',
      status: 'in_review',
      planification_complete: 1,
      pr_url: 'https://github.com/o/r/pull/1',
      pr_agent_complete: 1,
    });
    await ctx.run(pr, await ctx.conversation(pr));
    // Nothing to do: a YOLO task past its plan, a completed task with a merged PR, an idle new task, a closed PR.
    await ctx.task(project, alice, { title: 'Yolo', yolo_mode: 1, planification_complete: 1 });
    await ctx.task(project, alice, { title: 'Done', status: 'completed', pr_url: 'https://github.com/o/r/pull/2', pr_agent_complete: 1 });
    await ctx.task(project, alice, { title: 'Idle' });
    await ctx.task(project, alice, { title: 'Closed', pr_url: 'https://github.com/o/r/pull/3', pr_agent_complete: 1, pr_closed: 1 });

    const { items } = await inbox(alice);
    expect(items.map((i) => [i.taskTitle, i.reason])).toEqual([
      ['Checkout', 'question'],
      ['Refunds', 'blocked'],
      ['Add cart', 'plan'],
      ['Invoices', 'pr'],
    ]);
    expect(items[0]).toMatchObject({ projectId: project.id, projectName: 'Shop', taskId: asking.id, conversationId: runConv.id });
    expect(items[1]).toMatchObject({ taskId: blocked.id, detail: 'max_iterations', conversationId: null });
    expect(items[2]).toMatchObject({ taskId: plan.id, label: 'Plan to approve', since: plan.updated_at });
    expect(items[3]).toMatchObject({ taskId: pr.id, label: 'PR ready' });
  });

  it('shows only the projects the user is a member of, administrators included', async () => {
    const bob = await ctx.user({ username: 'bob' });
    const admin = await ctx.user({ username: 'root', isAdmin: true });
    const other = await ctx.project({ members: [bob], name: 'Other' });
    await ctx.task(other, bob, { title: 'Bob blocked', workflow_blocked: 1 });
    await ctx.task(project, alice, { title: 'Alice blocked', workflow_blocked: 1 });

    expect((await inbox(alice)).items.map((i) => i.taskTitle)).toEqual(['Alice blocked']);
    expect((await inbox(bob)).items.map((i) => i.taskTitle)).toEqual(['Bob blocked']);
    expect((await inbox(admin)).items).toEqual([]);
    const res = await ctx.request('GET', '/api/inbox');
    expect(res.status).toBe(401);
  });

  it('reads every project and task in one SQL statement', async () => {
    for (let p = 0; p < 3; p += 1) {
      const proj = await ctx.project({ members: [alice] });
      for (let i = 0; i < 10; i += 1) {
        const t = await ctx.task(proj, alice, { planification_complete: 1, workflow_blocked: i % 2 });
        const conv = await ctx.conversation(t, { pending_question: i % 3 === 0 ? '{}' : null });
        await ctx.run(t, conv);
      }
    }
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: (args) => {
        statements += 1;
        return Promise.resolve(args.result);
      },
    };
    const items = await readInbox({ db: ctx.deps.db.withPlugin(counter) }, alice.row.id);
    expect(items.filter((i) => i.reason === 'blocked')).toHaveLength(15);
    expect(items.filter((i) => i.reason === 'question')).toHaveLength(12);
    expect(statements).toBe(1);
  });
});
