// Projects against real git checkouts: path validation inside the repository
// roots, who may register a path, duplicates (without naming the other
// project), the creator's ownership, owner-only actions, membership-filtered
// lists with task counts, deletion.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberDto, ProjectDto } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../../testing/context';
import { initRepo } from '../../testing/git';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

const code = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const projectOf = async (res: Response) => ((await res.json()) as { project: ProjectDto }).project;

describe('registering an existing checkout', () => {
  it('validates the repository path with clear 4xx errors', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    await mkdir(join(ctx.home, 'repos', 'plain'), { recursive: true });
    await mkdir(join(repo, 'src'));

    const relative = await ctx.request('POST', '/api/projects', { as: admin, json: { name: 'x', repoPath: 'repos/app' } });
    expect(relative.status).toBe(400);
    expect((await code(relative)).message).toMatch(/absolute/);
    const missing = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'x', repoPath: join(ctx.home, 'repos', 'nope') },
    });
    expect((await code(missing)).message).toMatch(/does not exist/);
    const plain = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'x', repoPath: join(ctx.home, 'repos', 'plain') },
    });
    expect((await code(plain)).message).toMatch(/not the root of a git checkout/);
    const inner = await ctx.request('POST', '/api/projects', { as: admin, json: { name: 'x', repoPath: join(repo, 'src') } });
    expect(inner.status).toBe(400);
    const escape = await ctx.request('POST', '/api/projects', { as: admin, json: { name: 'x', repoPath: repo, subprojectPath: '../..' } });
    expect(escape.status).toBe(400);
    const noSub = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'x', repoPath: repo, subprojectPath: 'packages/none' },
    });
    expect(noSub.status).toBe(400);
    const both = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'x', repoPath: repo, repoUrl: 'https://github.com/acme/app.git' },
    });
    expect(both.status).toBe(400);
    expect(await ctx.deps.db.selectFrom('projects').select('id').execute()).toEqual([]);
  });

  it('is for administrators only: a member registering a path gets 403 and nothing is written', async () => {
    const u = await ctx.user();
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    const res = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'Mine', repoPath: repo } });
    expect(res.status).toBe(403);
    expect((await code(res)).message).toMatch(/administrators/);
    expect(await ctx.deps.db.selectFrom('projects').select('id').execute()).toEqual([]);
  });

  it('confines paths to the repository roots, symlinks followed', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const outside = await initRepo(join(ctx.home, 'elsewhere', 'app'));
    const res = await ctx.request('POST', '/api/projects', { as: admin, json: { name: 'Out', repoPath: outside } });
    expect(res.status).toBe(400);
    expect((await code(res)).message).toMatch(/inside one of the repository roots/);
    // A link inside a root that leads out of it is judged by where it leads.
    await mkdir(join(ctx.home, 'repos'), { recursive: true });
    await symlink(outside, join(ctx.home, 'repos', 'sneaky'));
    const viaLink = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'Link', repoPath: join(ctx.home, 'repos', 'sneaky') },
    });
    expect(viaLink.status).toBe(400);
    expect((await code(viaLink)).message).toMatch(/resolves outside/);
    // The root itself is not a repository slot.
    await initRepo(join(ctx.home, 'repos'));
    expect(
      (await ctx.request('POST', '/api/projects', { as: admin, json: { name: 'Root', repoPath: join(ctx.home, 'repos') } })).status,
    ).toBe(400);
    expect(await ctx.deps.db.selectFrom('projects').select('id').execute()).toEqual([]);
  });

  it('makes its creator the owner, and refuses the same checkout twice without saying whose it is', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const other = await ctx.user({ isAdmin: true });
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    await mkdir(join(repo, 'web'));
    const res = await ctx.request('POST', '/api/projects', {
      as: admin,
      json: { name: 'Secret Atlas', repoPath: repo, subprojectPath: 'web' },
    });
    expect(res.status).toBe(201);
    const project = await projectOf(res);
    expect(project).toMatchObject({
      name: 'Secret Atlas',
      repoPath: repo,
      subprojectPath: 'web',
      isGitRepo: true,
      ownerId: admin.row.id,
      role: 'owner',
      canManage: true,
      clone: null,
      cloneUrl: null,
    });
    const members = await ctx.deps.db.selectFrom('project_members').selectAll().where('project_id', '=', project.id).execute();
    expect(members.map((m) => [m.user_id, m.role])).toEqual([[admin.row.id, 'owner']]);

    await symlink(repo, join(ctx.home, 'repos', 'alias'));
    for (const path of [repo, join(ctx.home, 'repos', 'alias')]) {
      const dup = await ctx.request('POST', '/api/projects', { as: other, json: { name: 'Again', repoPath: path } });
      expect(dup.status).toBe(409);
      const text = JSON.stringify(await dup.json());
      expect(text).not.toContain(repo);
      expect(text).not.toContain('Secret Atlas');
      expect((JSON.parse(text) as { error: { message: string } }).error.message).toBe('another project already uses this repository');
    }
    // Moving another project onto it answers the same.
    const second = await projectOf(
      await ctx.request('POST', '/api/projects', {
        as: other,
        json: { name: 'Second', repoPath: await initRepo(join(ctx.home, 'repos', 'second')) },
      }),
    );
    const move = await ctx.request('PATCH', `/api/projects/${second.id}`, { as: other, json: { repoPath: repo } });
    expect(move.status).toBe(409);
    expect(JSON.stringify(await move.json())).not.toContain(repo);
  });
});

describe('owners and members', () => {
  it('lets owners and administrators delete a project or change its path; members get 403', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const owner = await ctx.user();
    const member = await ctx.user();
    const project = await ctx.project({ members: [owner, member], repoPath: await initRepo(join(ctx.home, 'repos', 'app')) });
    const elsewhere = await initRepo(join(ctx.home, 'repos', 'other'));
    const path = `/api/projects/${project.id}`;

    const asMember = await projectOf(await ctx.request('GET', path, { as: member }));
    expect(asMember).toMatchObject({ role: 'member', canManage: false });
    expect((await ctx.request('PATCH', path, { as: member, json: { name: 'Renamed by a member' } })).status).toBe(200);
    expect((await ctx.request('PATCH', path, { as: member, json: { repoPath: elsewhere } })).status).toBe(403);
    expect((await ctx.request('DELETE', path, { as: member })).status).toBe(403);

    expect(await projectOf(await ctx.request('GET', path, { as: owner }))).toMatchObject({ role: 'owner', canManage: true });
    // Pointing a project at a checkout is an administrator's act, also for its owner.
    const ownerMove = await ctx.request('PATCH', path, { as: owner, json: { repoPath: elsewhere } });
    expect(ownerMove.status).toBe(403);
    expect((await code(ownerMove)).message).toMatch(/administrators/);
    const adminMove = await ctx.request('PATCH', path, { as: admin, json: { repoPath: elsewhere } });
    expect(adminMove.status).toBe(200);
    expect((await projectOf(adminMove)).repoPath).toBe(elsewhere);
    expect(
      (await ctx.deps.db.selectFrom('projects').select('repo_path').where('id', '=', project.id).executeTakeFirstOrThrow()).repo_path,
    ).toBe(elsewhere);

    expect((await ctx.request('DELETE', path, { as: owner })).status).toBe(204);
    expect((await ctx.request('GET', path, { as: admin })).status).toBe(404);
  });

  it('lets administrators set roles, never leaving a project without an owner', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const owner = await ctx.user();
    const member = await ctx.user();
    const project = await ctx.project({ members: [owner, member] });
    const roles = (list: MemberDto[]) => Object.fromEntries(list.map((m) => [m.userId, m.role]));
    const listed = (await (await ctx.request('GET', `/api/projects/${project.id}/members`, { as: member })).json()) as {
      members: MemberDto[];
    };
    expect(roles(listed.members)).toEqual({ [owner.row.id]: 'owner', [member.row.id]: 'member' });

    const byMember = await ctx.request('PATCH', `/api/projects/${project.id}/members/${member.row.id}`, {
      as: owner,
      json: { role: 'owner' },
    });
    expect(byMember.status).toBe(403);
    const lastOwner = await ctx.request('PATCH', `/api/projects/${project.id}/members/${owner.row.id}`, {
      as: admin,
      json: { role: 'member' },
    });
    expect(lastOwner.status).toBe(409);
    const promoted = await ctx.request('PATCH', `/api/projects/${project.id}/members/${member.row.id}`, {
      as: admin,
      json: { role: 'owner' },
    });
    expect(roles(((await promoted.json()) as { members: MemberDto[] }).members)).toEqual({
      [owner.row.id]: 'owner',
      [member.row.id]: 'owner',
    });
    const demoted = await ctx.request('PATCH', `/api/projects/${project.id}/members/${owner.row.id}`, {
      as: admin,
      json: { role: 'member' },
    });
    expect(roles(((await demoted.json()) as { members: MemberDto[] }).members)).toEqual({
      [owner.row.id]: 'member',
      [member.row.id]: 'owner',
    });
    expect((await ctx.request('DELETE', `/api/projects/${project.id}`, { as: owner })).status).toBe(403);
    expect(
      (await ctx.request('PATCH', `/api/projects/${project.id}/members/${owner.row.id}`, { as: admin, json: { role: 'boss' } })).status,
    ).toBe(400);

    const newcomer = await ctx.user();
    const added = await ctx.request('POST', `/api/projects/${project.id}/members`, {
      as: admin,
      json: { userId: newcomer.row.id, role: 'owner' },
    });
    expect(roles(((await added.json()) as { members: MemberDto[] }).members)[newcomer.row.id]).toBe('owner');
  });
});

describe('project listing and changes', () => {
  it('lists only the projects a user belongs to, with task counts per status', async () => {
    const a = await ctx.user();
    const b = await ctx.user();
    const admin = await ctx.user({ isAdmin: true });
    const pa = await ctx.project({ members: [a], name: 'Alpha' });
    const pb = await ctx.project({ members: [b], name: 'Beta' });
    await ctx.task(pa, a);
    await ctx.task(pa, a, { status: 'completed' });
    await ctx.task(pa, a, { status: 'completed' });
    const listA = (await (await ctx.request('GET', '/api/projects', { as: a })).json()) as { projects: ProjectDto[] };
    expect(listA.projects.map((p) => p.name)).toEqual(['Alpha']);
    expect(listA.projects[0]?.taskCounts).toEqual({ pending: 1, in_progress: 0, in_review: 0, completed: 2 });
    const listAdmin = (await (await ctx.request('GET', '/api/projects', { as: admin })).json()) as { projects: ProjectDto[] };
    expect(listAdmin.projects.map((p) => p.id)).toEqual([pa.id, pb.id]);
    expect(listAdmin.projects[0]).toMatchObject({ role: null, canManage: true });
  });

  it('renames, validates moves, and deletes with its tasks', async () => {
    const u = await ctx.user({ isAdmin: true });
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    const id = (await projectOf(await ctx.request('POST', '/api/projects', { as: u, json: { name: 'App', repoPath: repo } }))).id;
    const renamed = await ctx.request('PATCH', `/api/projects/${id}`, { as: u, json: { name: 'Renamed' } });
    expect((await projectOf(renamed)).name).toBe('Renamed');
    const badMove = await ctx.request('PATCH', `/api/projects/${id}`, { as: u, json: { repoPath: join(ctx.home, 'repos', 'nowhere') } });
    expect(badMove.status).toBe(400);
    const outMove = await ctx.request('PATCH', `/api/projects/${id}`, {
      as: u,
      json: { repoPath: await initRepo(join(ctx.home, 'outside')) },
    });
    expect(outMove.status).toBe(400);
    const task = await ctx.request('POST', `/api/projects/${id}/tasks`, { as: u, json: { title: 'One' } });
    expect(task.status).toBe(201);
    expect((await ctx.request('DELETE', `/api/projects/${id}`, { as: u })).status).toBe(204);
    expect(await ctx.deps.db.selectFrom('tasks').select('id').execute()).toEqual([]);
    expect((await ctx.request('GET', `/api/projects/${id}`, { as: u })).status).toBe(404);
  });
});
