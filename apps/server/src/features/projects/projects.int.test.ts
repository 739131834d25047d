// Projects against real git checkouts: path validation, duplicates, the
// creator's membership, membership-filtered lists with task counts, deletion.
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectDto } from '@bottega/protocol';
import { createTestContext, type TestContext } from '../../testing/context';
import { initRepo } from '../../testing/git';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => ctx.close());

const code = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('project creation', () => {
  it('validates the repository path with clear 4xx errors', async () => {
    const u = await ctx.user();
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    await mkdir(join(ctx.home, 'plain'), { recursive: true });
    await mkdir(join(repo, 'src'));

    const relative = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: 'repos/app' } });
    expect(relative.status).toBe(400);
    expect((await code(relative)).message).toMatch(/absolute/);
    const missing = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: join(ctx.home, 'nope') } });
    expect((await code(missing)).message).toMatch(/does not exist/);
    const plain = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: join(ctx.home, 'plain') } });
    expect((await code(plain)).message).toMatch(/not the root of a git checkout/);
    const inner = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: join(repo, 'src') } });
    expect(inner.status).toBe(400);
    const escape = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: repo, subprojectPath: '../..' } });
    expect(escape.status).toBe(400);
    const noSub = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'x', repoPath: repo, subprojectPath: 'packages/none' } });
    expect(noSub.status).toBe(400);
    expect(await ctx.deps.db.selectFrom('projects').select('id').execute()).toEqual([]);
  });

  it('creates the project with its creator as member, and refuses the same checkout twice', async () => {
    const u = await ctx.user();
    const other = await ctx.user();
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    await mkdir(join(repo, 'web'));
    const res = await ctx.request('POST', '/api/projects', { as: u, json: { name: 'App', repoPath: repo, subprojectPath: 'web' } });
    expect(res.status).toBe(201);
    const project = ((await res.json()) as { project: ProjectDto }).project;
    expect(project).toMatchObject({ name: 'App', repoPath: repo, subprojectPath: 'web', isGitRepo: true, ownerId: u.row.id });
    const members = await ctx.deps.db.selectFrom('project_members').selectAll().where('project_id', '=', project.id).execute();
    expect(members.map((m) => m.user_id)).toEqual([u.row.id]);

    const dup = await ctx.request('POST', '/api/projects', { as: other, json: { name: 'Again', repoPath: repo } });
    expect(dup.status).toBe(409);
    await symlink(repo, join(ctx.home, 'alias'));
    const viaLink = await ctx.request('POST', '/api/projects', { as: other, json: { name: 'Alias', repoPath: join(ctx.home, 'alias') } });
    expect(viaLink.status).toBe(409);
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
  });

  it('renames, validates moves, and deletes with its tasks', async () => {
    const u = await ctx.user();
    const repo = await initRepo(join(ctx.home, 'repos', 'app'));
    const created = (await (await ctx.request('POST', '/api/projects', { as: u, json: { name: 'App', repoPath: repo } })).json()) as { project: ProjectDto };
    const id = created.project.id;
    const renamed = await ctx.request('PATCH', `/api/projects/${id}`, { as: u, json: { name: 'Renamed' } });
    expect(((await renamed.json()) as { project: ProjectDto }).project.name).toBe('Renamed');
    const badMove = await ctx.request('PATCH', `/api/projects/${id}`, { as: u, json: { repoPath: join(ctx.home, 'nowhere') } });
    expect(badMove.status).toBe(400);
    const task = await ctx.request('POST', `/api/projects/${id}/tasks`, { as: u, json: { title: 'One' } });
    expect(task.status).toBe(201);
    expect((await ctx.request('DELETE', `/api/projects/${id}`, { as: u })).status).toBe(204);
    expect(await ctx.deps.db.selectFrom('tasks').select('id').execute()).toEqual([]);
    expect((await ctx.request('GET', `/api/projects/${id}`, { as: u })).status).toBe(404);
  });
});
