// Which role may send which signal (docs/behaviour/agents.md#signals), over the whole table: every
// agent role × every signal through POST /api/signals with a live run's token.
// The expected table is written out by hand here — never read from the code
// under test — so widening or narrowing a role's rights fails this test.
import { agentTypes, type AgentType } from '@bottega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import type { ProjectRow, TaskRow } from '../db/schema';
import { newRunToken } from './signal-command';
import { SignalName } from './signals';

type Signal = 'plan-complete' | 'workflow-complete' | 'workflow-blocked' | 'pr-complete';

/** Reviewed by hand against docs/behaviour/agents.md#signals. `true`: accepted; `false`: refused with 403. */
const EXPECTED: Record<AgentType, Record<Signal, boolean>> = {
  planification: { 'plan-complete': true, 'workflow-complete': false, 'workflow-blocked': false, 'pr-complete': false },
  implementation: { 'plan-complete': false, 'workflow-complete': false, 'workflow-blocked': false, 'pr-complete': false },
  review: { 'plan-complete': false, 'workflow-complete': true, 'workflow-blocked': true, 'pr-complete': false },
  refinement: { 'plan-complete': false, 'workflow-complete': false, 'workflow-blocked': false, 'pr-complete': false },
  pr: { 'plan-complete': false, 'workflow-complete': false, 'workflow-blocked': false, 'pr-complete': true },
  yolo: { 'plan-complete': false, 'workflow-complete': true, 'workflow-blocked': true, 'pr-complete': true },
};

/** The task columns each accepted signal sets (and nothing else may change). */
const EFFECT: Record<Signal, Partial<TaskRow>> = {
  'plan-complete': { planification_complete: 1 },
  'workflow-complete': { workflow_complete: 1 },
  'workflow-blocked': { workflow_blocked: 1, block_reason: 'stuck on the build' },
  'pr-complete': { pr_agent_complete: 1, status: 'in_review' },
};

describe('signals: role × signal', () => {
  let ctx: TestContext;
  let owner: TestUser;
  let project: ProjectRow;
  beforeAll(async () => {
    ctx = await createTestContext();
    owner = await ctx.user();
    project = await ctx.project({ members: [owner] });
  });
  afterAll(async () => ctx.close());

  it('the hand-written table covers every role and every signal there is', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...agentTypes].sort());
    for (const row of Object.values(EXPECTED)) expect(Object.keys(row).sort()).toEqual([...SignalName.options].sort());
  });

  it('accepts exactly the allowed pairs and refuses every other one, changing nothing', async () => {
    const wrong: string[] = [];
    let accepted = 0;
    for (const role of agentTypes) {
      for (const signal of SignalName.options) {
        const task = await ctx.task(project, owner, { yolo_mode: role === 'yolo' ? 1 : 0, status: 'in_progress' });
        const { token, hash } = newRunToken();
        await ctx.deps.db
          .insertInto('agent_runs')
          .values({
            task_id: task.id,
            agent_type: role,
            status: 'running',
            trigger: 'manual',
            signal_token_hash: hash,
            created_at: new Date().toISOString(),
          })
          .execute();
        const before = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
        const res = await ctx.request('POST', '/api/signals', {
          as: `Bearer ${token}`,
          json: signal === 'workflow-blocked' ? { signal, reason: 'stuck on the build' } : { signal },
        });
        const after = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
        const { updated_at: _b, ...beforeFlags } = before;
        const { updated_at: _a, ...afterFlags } = after;
        if (EXPECTED[role][signal]) {
          accepted += 1;
          if (res.status !== 200) wrong.push(`${role} × ${signal}: expected 200, got ${res.status} ${await res.text()}`);
          else if (JSON.stringify(afterFlags) !== JSON.stringify({ ...beforeFlags, ...EFFECT[signal] }))
            wrong.push(`${role} × ${signal}: accepted but the task became ${JSON.stringify(afterFlags)}`);
        } else {
          const body = (await res.json()) as { error?: { code?: string; message?: string } };
          if (res.status !== 403 || body.error?.code !== 'FORBIDDEN')
            wrong.push(`${role} × ${signal}: expected 403 FORBIDDEN, got ${res.status} ${JSON.stringify(body)}`);
          else if (!body.error.message?.includes(`a ${role} run may not send ${signal}`))
            wrong.push(`${role} × ${signal}: unclear refusal ${body.error.message}`);
          if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${role} × ${signal}: refused but the task changed`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(accepted).toBe(7);
  });
});
