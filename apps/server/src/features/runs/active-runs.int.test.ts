// The live runs of a project (board cards and dashboard live dots): only
// queued or running runs, only of that project's tasks, members only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunDto } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../../testing/context';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

describe('GET /api/projects/:projectId/active-runs', () => {
  it('lists the pending and running runs of the project, newest first', async () => {
    const member = await ctx.user();
    const project = await ctx.project({ members: [member] });
    const other = await ctx.project({ members: [member] });
    const t1 = await ctx.task(project, member);
    const t2 = await ctx.task(project, member);
    const t3 = await ctx.task(project, member);
    const elsewhere = await ctx.task(other, member);
    await ctx.run(t1, null, 'completed');
    await ctx.run(t1, null, 'failed');
    await ctx.run(t2, null, 'interrupted');
    await ctx.run(t3, null, 'blocked');
    const running = await ctx.run(t1, null, 'running');
    const queued = await ctx.run(t2, null, 'pending');
    await ctx.run(elsewhere, null, 'running');

    const res = await ctx.request('GET', `/api/projects/${project.id}/active-runs`, { as: member });
    expect(res.status).toBe(200);
    const { runs } = (await res.json()) as { runs: AgentRunDto[] };
    expect(runs.map((r) => [r.id, r.taskId, r.status])).toEqual([
      [queued.id, t2.id, 'pending'],
      [running.id, t1.id, 'running'],
    ]);
    expect(runs[0]).toMatchObject({ agentType: 'implementation', trigger: 'manual' });
  });

  it('answers an empty list when nothing runs, and hides other projects from non-members', async () => {
    const member = await ctx.user();
    const outsider = await ctx.user();
    const project = await ctx.project({ members: [member] });
    const task = await ctx.task(project, member);
    const empty = await ctx.request('GET', `/api/projects/${project.id}/active-runs`, { as: member });
    expect(await empty.json()).toEqual({ runs: [] });

    await ctx.run(task, null, 'running');
    const refused = await ctx.request('GET', `/api/projects/${project.id}/active-runs`, { as: outsider });
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('implementation');
  });
});
