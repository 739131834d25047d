// Usage accounting through the whole product with the real Claude Code CLI
// against the fake Anthropic API: a chained pipeline (implementation →
// review → refinement → PR) records tokens for every run; the task's and the
// project's totals equal the sum of their runs; the CLI's own cost figure is
// used for a priced model even when the table says otherwise; an unpriced
// model shows its tokens and no cost.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  isLiveRunStatus,
  type AgentRunDto,
  type ProjectUsageDto,
  type TaskUsageDto,
  type UnifiedMessage,
  type UsageTotalsDto,
} from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { buildServer } from '../../testing/build';
import { startChatWorld, type ChatWorld } from '../../testing/chat-world';

let w: ChatWorld;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld();
});
afterEach(async () => w.close());

const UNPRICED = 'bottega-house-model';

async function get<T>(path: string): Promise<T> {
  const res = await w.ctx.request('GET', path, { as: w.owner });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function runs(): Promise<AgentRunDto[]> {
  return (await get<{ runs: AgentRunDto[] }>(`/api/tasks/${w.task.id}/agent-runs`)).runs.reverse();
}

async function idle(): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    await w.ctx.deps.background.drain();
    if (!(await runs()).some((r) => isLiveRunStatus(r.status))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the pipeline did not settle');
}

function sum(list: UsageTotalsDto[]): Omit<UsageTotalsDto, 'costUsd'> {
  return {
    inputTokens: list.reduce((a, u) => a + u.inputTokens, 0),
    outputTokens: list.reduce((a, u) => a + u.outputTokens, 0),
    cacheReadTokens: list.reduce((a, u) => a + u.cacheReadTokens, 0),
    cacheWriteTokens: list.reduce((a, u) => a + u.cacheWriteTokens, 0),
  };
}

describe('usage accounting with the real CLI', () => {
  it('records every run of a pipeline; task and project totals are the sum of their runs', async () => {
    const signal = (name: string) => directive.bash(`{{signalCommand}} ${name}`);
    const dir = join(w.ctx.home, 'prompts');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'implementation.md'), `Work. ${directive.bash('echo change >> work.txt')}`);
    await writeFile(join(dir, 'review.md'), `Review. ${signal('workflow-complete')}`);
    await writeFile(join(dir, 'refinement.md'), `Refine. ${directive.say('refined')}`);
    await writeFile(join(dir, 'pr.md'), `Open the PR. ${signal('pr-complete')}`);
    const m = (model: string) => ({ provider: 'anthropic', model, effort: null });
    const settings = {
      planification: m('claude-sonnet-4-5'),
      implementation: m('claude-sonnet-4-5'),
      review: m(UNPRICED),
      refinement: m('claude-haiku-4-5'),
      pr: m('claude-haiku-4-5'),
      yolo: m('claude-sonnet-4-5'),
    };
    expect((await w.ctx.request('PUT', '/api/agent-settings', { as: w.owner, json: { settings } })).status).toBe(200);
    // A table price far from the real one: the CLI's own figure must still be the cost.
    const admin = await w.ctx.user({ isAdmin: true });
    const absurd = {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      inputPerMTok: 10_000,
      outputPerMTok: 10_000,
      cacheReadPerMTok: 10_000,
      cacheWritePerMTok: 10_000,
    };
    expect((await w.ctx.request('PUT', '/api/admin/prices', { as: admin, json: absurd })).status).toBe(200);

    expect(
      (await w.ctx.request('POST', `/api/tasks/${w.task.id}/agent-runs`, { as: w.owner, json: { agentType: 'implementation' } })).status,
    ).toBe(201);
    await idle();
    const all = await runs();
    expect(all.map((r) => [r.agentType, r.status, r.model])).toEqual([
      ['implementation', 'completed', 'claude-sonnet-4-5'],
      ['review', 'completed', UNPRICED],
      ['refinement', 'completed', 'claude-haiku-4-5'],
      ['pr', 'completed', 'claude-haiku-4-5'],
    ]);
    for (const run of all) {
      expect(run.usage.inputTokens, `${run.agentType} input`).toBeGreaterThan(0);
      expect(run.usage.outputTokens, `${run.agentType} output`).toBeGreaterThan(0);
    }

    // The implementation run's cost is what the CLI reported in its result messages.
    const impl = all[0];
    const transcript = (await get<{ messages: UnifiedMessage[] }>(`/api/conversations/${impl?.conversationId ?? 0}/messages?limit=1000`))
      .messages;
    const reported = transcript.flatMap((msg) => (msg.type === 'result' && msg.costUsd !== null ? [msg.costUsd] : []));
    expect(reported.length).toBeGreaterThan(0);
    expect(impl?.usage.costUsd).toBeCloseTo(
      reported.reduce((a, c) => a + c, 0),
      10,
    );
    expect(impl?.usage.costUsd).toBeLessThan(1);
    // The unpriced model: tokens, no cost.
    expect(all[1]?.usage.costUsd).toBeNull();
    expect(all[2]?.usage.costUsd).toBeGreaterThan(0);

    const task = (await get<{ usage: TaskUsageDto }>(`/api/tasks/${w.task.id}/usage`)).usage;
    expect(task.total).toMatchObject(sum(all.map((r) => r.usage)));
    expect(task.total.costUsd).toBeNull();
    expect(task.byRole.map((r) => [r.agentType, r.runs])).toEqual([
      ['implementation', 1],
      ['pr', 1],
      ['refinement', 1],
      ['review', 1],
    ]);
    for (const role of task.byRole) expect(role.usage).toEqual(all.find((r) => r.agentType === role.agentType)?.usage);
    const project = (await get<{ usage: ProjectUsageDto }>(`/api/projects/${w.projectId}/usage`)).usage;
    expect(project.total).toEqual(task.total);

    // Without the unpriced run's model in the picture, the totals carry a cost again: pricing it makes the sums whole.
    const fair = { provider: 'anthropic', model: UNPRICED, inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 1, cacheWritePerMTok: 1 };
    expect((await w.ctx.request('PUT', '/api/admin/prices', { as: admin, json: fair })).status).toBe(200);
    const priced = await runs();
    const pricedTask = (await get<{ usage: TaskUsageDto }>(`/api/tasks/${w.task.id}/usage`)).usage;
    expect(pricedTask.total.costUsd).toBeCloseTo(
      priced.reduce((a, r) => a + (r.usage.costUsd ?? Number.NaN), 0),
      10,
    );
    expect((await get<{ usage: ProjectUsageDto }>(`/api/projects/${w.projectId}/usage`)).usage.total.costUsd).toBeCloseTo(
      pricedTask.total.costUsd ?? Number.NaN,
      10,
    );
  });
});
