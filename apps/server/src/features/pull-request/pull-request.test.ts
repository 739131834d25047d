// The pull-request stage's routes (docs/behaviour/loop.md#pr-stage): the recorded stage of a task's pull
// request for its members (from the database only), and a project's settings for the stage — read
// by members, changed by its owners and administrators, refused otherwise with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrSettingsResponse, PullRequestStageResponse } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../../testing/context';
import { buildWorld, type World } from '../../testing/route-world';

let ctx: TestContext;
let w: World;
beforeAll(async () => {
  ctx = await createTestContext({ maxCiRounds: 3 });
  w = await buildWorld(ctx);
});
afterAll(async () => ctx.close());

const projectRow = () => ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', w.projectId).executeTakeFirstOrThrow();

describe('GET /api/tasks/:taskId/pull-request', () => {
  it('answers what was recorded: rounds in order, threads in order, conflicting files and the settings', async () => {
    const at = '2026-12-03T10:00:00.000Z';
    await ctx.deps.db
      .updateTable('tasks')
      .set({ pr_url: 'https://github.com/acme/app/pull/4', pr_mergeable: 'CONFLICTING', pr_conflict_files: '["a.ts","b.ts"]' })
      .where('id', '=', w.taskId)
      .execute();
    await ctx.deps.db
      .insertInto('pr_ci_rounds')
      .values([
        {
          task_id: w.taskId,
          round: 2,
          head_sha: 'b'.repeat(40),
          state: 'success',
          failing_checks: '[]',
          log_excerpt: null,
          details_url: null,
          agent_run_id: w.runId,
          created_at: at,
          updated_at: at,
        },
        {
          task_id: w.taskId,
          round: 1,
          head_sha: 'a'.repeat(40),
          state: 'failure',
          failing_checks: '["test"]',
          log_excerpt: 'not ok 1',
          details_url: 'https://github.com/acme/app/actions/runs/7',
          agent_run_id: null,
          created_at: at,
          updated_at: at,
        },
      ])
      .execute();
    await ctx.deps.db
      .insertInto('pr_review_threads')
      .values([
        {
          task_id: w.taskId,
          thread_id: 'PRRT_2',
          path: 'b.ts',
          line: null,
          author: 'bob',
          body: 'And this file?',
          url: 'u2',
          resolved: 0,
          reply_count: 0,
          last_reply_author: null,
          last_reply_body: null,
          position: 1,
          updated_at: at,
        },
        {
          task_id: w.taskId,
          thread_id: 'PRRT_1',
          path: 'a.ts',
          line: 5,
          author: 'alice',
          body: 'Rename this.',
          url: 'u1',
          resolved: 1,
          reply_count: 1,
          last_reply_author: 'bottega',
          last_reply_body: 'Renamed.',
          position: 0,
          updated_at: at,
        },
      ])
      .execute();

    const res = await ctx.request('GET', `/api/tasks/${w.taskId}/pull-request`, { as: w.member2 });
    expect(res.status).toBe(200);
    const { pullRequest } = (await res.json()) as PullRequestStageResponse;
    expect(pullRequest).toMatchObject({
      url: 'https://github.com/acme/app/pull/4',
      mergeable: 'CONFLICTING',
      conflictFiles: ['a.ts', 'b.ts'],
      settings: { updateStrategy: 'rebase', maxCiRounds: null, effectiveMaxCiRounds: 3, instanceMaxCiRounds: 3 },
    });
    expect(pullRequest.ciRounds).toEqual([
      {
        round: 1,
        headSha: 'a'.repeat(40),
        state: 'failure',
        failingChecks: ['test'],
        logExcerpt: 'not ok 1',
        detailsUrl: 'https://github.com/acme/app/actions/runs/7',
        agentRunId: null,
        recordedAt: at,
        updatedAt: at,
      },
      expect.objectContaining({ round: 2, state: 'success', failingChecks: [], agentRunId: w.runId }),
    ]);
    expect(pullRequest.threads.map((t) => [t.id, t.resolved, t.replyCount, t.lastReplyAuthor])).toEqual([
      ['PRRT_1', true, 1, 'bottega'],
      ['PRRT_2', false, 0, null],
    ]);
  });

  it('answers an empty stage for a task without a pull request, and 404 to a non-member or an unknown task', async () => {
    const other = await buildWorld(ctx);
    const res = await ctx.request('GET', `/api/tasks/${other.taskId}/pull-request`, { as: other.member });
    expect(((await res.json()) as PullRequestStageResponse).pullRequest).toMatchObject({
      url: null,
      mergeable: null,
      conflictFiles: [],
      ciRounds: [],
      threads: [],
    });
    expect((await ctx.request('GET', `/api/tasks/${w.taskId}/pull-request`, { as: w.outsider })).status).toBe(404);
    expect((await ctx.request('GET', `/api/tasks/999999/pull-request`, { as: w.admin })).status).toBe(404);
  });
});

describe('/api/projects/:projectId/pr-settings', () => {
  it('lets members read, the owner and administrators change, and refuses a plain member with 403, writing nothing', async () => {
    const path = `/api/projects/${w.projectId}/pr-settings`;
    const read = await ctx.request('GET', path, { as: w.member2 });
    expect(read.status).toBe(200);
    expect(((await read.json()) as PrSettingsResponse).prSettings).toEqual({
      updateStrategy: 'rebase',
      maxCiRounds: null,
      effectiveMaxCiRounds: 3,
      instanceMaxCiRounds: 3,
    });

    const before = await projectRow();
    const refused = await ctx.request('PUT', path, { as: w.member2, json: { updateStrategy: 'merge', maxCiRounds: 5 } });
    expect(refused.status).toBe(403);
    expect(await projectRow()).toEqual(before);

    const byOwner = await ctx.request('PUT', path, { as: w.member, json: { updateStrategy: 'merge', maxCiRounds: 5 } });
    expect(byOwner.status).toBe(200);
    expect(((await byOwner.json()) as PrSettingsResponse).prSettings).toEqual({
      updateStrategy: 'merge',
      maxCiRounds: 5,
      effectiveMaxCiRounds: 5,
      instanceMaxCiRounds: 3,
    });
    expect(await projectRow()).toMatchObject({ pr_update_strategy: 'merge', pr_max_ci_rounds: 5 });

    const byAdmin = await ctx.request('PUT', path, { as: w.admin, json: { updateStrategy: 'rebase', maxCiRounds: null } });
    expect(((await byAdmin.json()) as PrSettingsResponse).prSettings).toMatchObject({ maxCiRounds: null, effectiveMaxCiRounds: 3 });
    expect((await ctx.request('GET', path, { as: w.outsider })).status).toBe(404);
    expect((await ctx.request('PUT', path, { as: w.outsider, json: { updateStrategy: 'merge', maxCiRounds: 2 } })).status).toBe(404);
  });

  it('refuses a bad body with 400, writing nothing', async () => {
    const path = `/api/projects/${w.projectId}/pr-settings`;
    const before = await projectRow();
    for (const json of [
      { updateStrategy: 'squash', maxCiRounds: 3 },
      { updateStrategy: 'merge', maxCiRounds: 0 },
      { updateStrategy: 'merge', maxCiRounds: 21 },
      { updateStrategy: 'merge', maxCiRounds: 2.5 },
      { updateStrategy: 'merge' },
      { updateStrategy: 'merge', maxCiRounds: 3, extra: true },
    ]) {
      const res = await ctx.request('PUT', path, { as: w.member, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect(await projectRow()).toEqual(before);
  });
});
