// Projects cloned by URL, with real git against the local GitHub (git smart
// HTTP through its http_proxy): any user may clone; progress is broadcast and
// readable; URLs git could abuse are refused before anything is written; a
// failed clone is explained, leaves no folder, and can be retried or deleted;
// a clone a dead server left half-done is failed and cleaned at the next start.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitRemoteUrl, startFakeGitHub, type FakeGitHub } from '@bottega/testkit';
import type { ProjectCloneDto, ProjectDto, ServerEvent } from '@bottega/protocol';
import { runGit } from '../../forge/git';
import { createTestContext, type TestContext } from '../../testing/context';
import { initRepo } from '../../testing/git';
import { useGitHub } from '../../testing/github-env';
import { recoverInterruptedClones } from './clones';

let ctx: TestContext;
let gh: FakeGitHub;
let restoreEnv: () => void;
let events: ServerEvent[];
beforeEach(async () => {
  ctx = await createTestContext();
  gh = await startFakeGitHub();
  restoreEnv = useGitHub(gh);
  events = [];
  ctx.deps.bus.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await ctx.close();
  restoreEnv();
  await gh.close();
});

const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;
const projectOf = async (res: Response) => ((await res.json()) as { project: ProjectDto }).project;

/** Seeds `acme/<name>` on the local GitHub with enough files for git to report progress. */
async function seedRepo(name: string): Promise<string> {
  const files: Record<string, string> = { 'README.md': `# ${name}\n` };
  for (let i = 0; i < 40; i++) files[`src/file-${i}.txt`] = `content ${i}\n`.repeat(50);
  const dir = await initRepo(join(ctx.home, 'seed', name), { files });
  await gh.createRepo('acme', name, { fromDir: dir });
  return gitRemoteUrl('acme', name);
}

async function settled(projectId: number, as: Parameters<TestContext['request']>[2]): Promise<ProjectDto> {
  for (let i = 0; i < 400; i++) {
    const project = await projectOf(await ctx.request('GET', `/api/projects/${projectId}`, as));
    if (project.clone?.status !== 'cloning') return project;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the clone did not finish');
}

const cloneEvents = (projectId: number) =>
  events
    .filter((e): e is Extract<ServerEvent, { type: 'project.clone' }> => e.type === 'project.clone' && e.projectId === projectId)
    .map((e) => e.clone);

describe('cloning a repository by URL', () => {
  it('lets a member clone into the first root, with progress broadcast, and the project becomes usable', async () => {
    const url = await seedRepo('widgets');
    const member = await ctx.user();
    const res = await ctx.request('POST', '/api/projects', { as: member, json: { name: 'Widgets', repoUrl: url } });
    expect(res.status).toBe(201);
    const created = await projectOf(res);
    expect(created).toMatchObject({
      name: 'Widgets',
      cloneUrl: url,
      role: 'owner',
      canManage: true,
      repoPath: join(ctx.home, 'repos', 'widgets'),
    });
    expect(created.clone?.status).toBe('cloning');
    // Nothing to work on yet.
    expect((await ctx.request('POST', `/api/projects/${created.id}/tasks`, { as: member, json: { title: 'Too early' } })).status).toBe(409);

    const done = await settled(created.id, { as: member });
    expect(done).toMatchObject({ clone: null, isGitRepo: true });
    const seen = cloneEvents(created.id);
    expect(seen[0]).toMatchObject({ status: 'cloning' });
    const progress = seen.filter((c): c is ProjectCloneDto => c !== null && c.percent !== null);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((c) => /objects|deltas/i.test(c.phase ?? ''))).toBe(true);
    expect(progress.every((c) => (c.percent ?? -1) >= 0 && (c.percent ?? 101) <= 100)).toBe(true);
    expect(seen.at(-1)).toBeNull();

    expect(await runGit(['remote', 'get-url', 'origin'], { cwd: done.repoPath })).toBe(`${url}\n`);
    expect(await exists(join(done.repoPath, 'src', 'file-39.txt'))).toBe(true);
    const task = await ctx.request('POST', `/api/projects/${created.id}/tasks`, { as: member, json: { title: 'Now' } });
    expect(task.status).toBe(201);

    // The same repository again gets its own folder.
    const again = await projectOf(await ctx.request('POST', '/api/projects', { as: member, json: { name: 'Widgets 2', repoUrl: url } }));
    expect(again.repoPath).toBe(join(ctx.home, 'repos', 'widgets-2'));
    expect((await settled(again.id, { as: member })).clone).toBeNull();
  });

  it('refuses URLs git could misuse, before anything is written', async () => {
    const member = await ctx.user();
    const bad = [
      'file:///etc',
      'ext::sh -c touch% /tmp/pwned',
      'fd::17',
      '-uhelp',
      '--upload-pack=touch /tmp/pwned',
      '/srv/repos/app',
      './app',
      'ftp://example.com/app.git',
      'https://user:token@github.com/acme/app.git',
      'https://github.com',
      'git@github.com:-oProxyCommand=x',
      'https://github.com/acme/app.git\nrm -rf /',
    ];
    for (const repoUrl of bad) {
      const res = await ctx.request('POST', '/api/projects', { as: member, json: { name: 'Bad', repoUrl } });
      expect(res.status, repoUrl).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
    }
    expect(await ctx.deps.db.selectFrom('projects').select('id').execute()).toEqual([]);
    expect(await exists(join(ctx.home, 'repos'))).toBe(false);
    expect(await exists('/tmp/pwned')).toBe(false);
  });

  it('explains a failed clone, leaves no folder, and lets the owner retry or delete', async () => {
    const owner = await ctx.user();
    const url = gitRemoteUrl('acme', 'later');
    const created = await projectOf(await ctx.request('POST', '/api/projects', { as: owner, json: { name: 'Later', repoUrl: url } }));
    const failed = await settled(created.id, { as: owner });
    expect(failed.clone).toMatchObject({ status: 'failed' });
    expect(failed.clone?.error).toMatch(/repository not found/);
    expect(cloneEvents(created.id).at(-1)).toMatchObject({ status: 'failed', error: failed.clone?.error });
    expect(await exists(created.repoPath)).toBe(false);
    expect((await ctx.request('PATCH', `/api/projects/${created.id}`, { as: owner, json: { subprojectPath: 'web' } })).status).toBe(409);

    // Once the repository exists, a retry clones into the same folder.
    await seedRepo('later');
    const retried = await ctx.request('POST', `/api/projects/${created.id}/clone`, { as: owner });
    expect(retried.status).toBe(202);
    expect((await projectOf(retried)).clone?.status).toBe('cloning');
    const done = await settled(created.id, { as: owner });
    expect(done.clone).toBeNull();
    expect(await exists(join(created.repoPath, 'README.md'))).toBe(true);
    expect((await ctx.request('POST', `/api/projects/${created.id}/clone`, { as: owner })).status).toBe(409);

    // A failed clone can also simply be deleted.
    const gone = await projectOf(
      await ctx.request('POST', '/api/projects', { as: owner, json: { name: 'Gone', repoUrl: gitRemoteUrl('acme', 'gone') } }),
    );
    expect((await settled(gone.id, { as: owner })).clone?.status).toBe('failed');
    expect((await ctx.request('DELETE', `/api/projects/${gone.id}`, { as: owner })).status).toBe(204);
    expect(await exists(gone.repoPath)).toBe(false);
  });

  it('fails a clone a dead server left half-done and removes its folder', async () => {
    const owner = await ctx.user();
    const project = await ctx.project({ members: [owner], repoPath: join(ctx.home, 'repos', 'half') });
    await ctx.deps.db
      .updateTable('projects')
      .set({ clone_status: 'cloning', clone_url: gitRemoteUrl('acme', 'half') })
      .where('id', '=', project.id)
      .execute();
    await mkdir(join(ctx.home, 'repos', 'half', '.git'), { recursive: true });
    await writeFile(join(ctx.home, 'repos', 'half', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect(await recoverInterruptedClones(ctx.deps)).toBe(1);
    expect(await exists(join(ctx.home, 'repos', 'half'))).toBe(false);
    const shown = await projectOf(await ctx.request('GET', `/api/projects/${project.id}`, { as: owner }));
    expect(shown.clone).toMatchObject({ status: 'failed', error: expect.stringMatching(/server stopped during the clone/) as string });
  });
});
