// The sandbox routes in-process: the state Admin → Instance shows, and a
// project's extra hosts — members read them, only administrators replace
// them, a bad host is refused with nothing written — reaching the agent's
// confinement on the next turn of that project's tasks.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AllowedHostsDto, SandboxStatusDto, TaskDto } from '@bottega/protocol';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { initRepo } from '../../testing/git';
import { taskTurnSetup } from '../../engine/turn-setup';

let ctx: TestContext;
let admin: TestUser;
let member: TestUser;
let projectId: number;
beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  admin = await ctx.user({ isAdmin: true });
  member = await ctx.user();
  const repo = await initRepo(join(ctx.home, 'repos', 'app'));
  projectId = (await ctx.registerProject(member, { name: 'App', repoPath: repo })).id;
});
afterEach(async () => ctx.close());

const hostsPath = () => `/api/projects/${projectId}/allowed-hosts`;

describe('sandbox routes', () => {
  it('shows administrators whether agents run confined and why', async () => {
    const res = await ctx.request('GET', '/api/admin/sandbox', { as: admin });
    expect(res.status).toBe(200);
    const { sandbox } = (await res.json()) as { sandbox: SandboxStatusDto };
    expect(sandbox).toMatchObject({ mode: 'required', confined: true, reason: expect.stringContaining('bubblewrap') as unknown });
    expect(sandbox.alwaysAllowed).toContain('github.com');
    expect((await ctx.request('GET', '/api/admin/sandbox', { as: member })).status).toBe(403);
  });

  it("lets an administrator replace a project's hosts, members read them, and the next turn is allowed them", async () => {
    expect(
      ((await (await ctx.request('GET', hostsPath(), { as: member })).json()) as { allowedHosts: AllowedHostsDto }).allowedHosts.hosts,
    ).toEqual([]);
    const put = await ctx.request('PUT', hostsPath(), {
      as: admin,
      json: { hosts: ['Registry.NPMjs.org', '*.pypi.org', 'mirror.example.com:8443', 'registry.npmjs.org'] },
    });
    expect(put.status).toBe(200);
    const expected = ['*.pypi.org', 'mirror.example.com:8443', 'registry.npmjs.org'];
    expect(((await put.json()) as { allowedHosts: AllowedHostsDto }).allowedHosts).toEqual({ projectId, hosts: expected });
    expect(
      ((await (await ctx.request('GET', hostsPath(), { as: member })).json()) as { allowedHosts: AllowedHostsDto }).allowedHosts.hosts,
    ).toEqual(expected);

    const created = await ctx.request('POST', `/api/projects/${projectId}/tasks`, { as: member, json: { title: 'Needs packages' } });
    const task = ((await created.json()) as { task: TaskDto }).task;
    await ctx.deps.background.drain();
    const project = await ctx.deps.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirstOrThrow();
    const row = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    const setup = await taskTurnSetup(ctx.deps, project, row, member.row.id);
    expect(setup.confinement.hosts).toEqual(expected);
    expect(setup.confinement.mounts).toContainEqual({ path: task.worktreePath, access: 'rw' });
  });

  it('refuses members, bad hosts (nothing written) and unknown projects', async () => {
    expect((await ctx.request('PUT', hostsPath(), { as: member, json: { hosts: ['registry.npmjs.org'] } })).status).toBe(403);
    for (const bad of [
      'http://registry.npmjs.org',
      'registry.npmjs.org/path',
      '*',
      '*.',
      'a..b',
      'host:99999',
      'host:0',
      'ex ample.com',
      'evil.com\u0000',
    ]) {
      const res = await ctx.request('PUT', hostsPath(), { as: admin, json: { hosts: ['fine.example.com', bad] } });
      expect(res.status, bad).toBe(400);
    }
    expect(
      ((await (await ctx.request('GET', hostsPath(), { as: admin })).json()) as { allowedHosts: AllowedHostsDto }).allowedHosts.hosts,
    ).toEqual([]);
    expect((await ctx.request('PUT', '/api/projects/9999/allowed-hosts', { as: admin, json: { hosts: [] } })).status).toBe(404);
  });
});
