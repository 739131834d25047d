// An input file's name in the URL can never reach outside the task's own
// input_files folder (docs/behaviour/tasks.md#input-files). Real files sit where a traversal would land —
// a sentinel at the top of BOTTEGA_HOME, an input file of another task of the
// same project and one of a project the caller is no member of — and every
// encoded spelling of a path to them (`..%2F`, `%2e%2e%2f`, `..%252F`,
// backslashes, absolute paths) is tried on download and delete: each is a 4xx,
// none returns the file's content, and every file is still there afterwards.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileChecked } from '../../process/exec';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { taskArchive } from '../../workspace/paths';

interface Target {
  label: string;
  path: string;
  content: string;
}

/** Every spelling of `rel` (a `/`-separated path) in a URL path segment that must not escape. */
function spellings(rel: string, absolute: string): string[] {
  const backslashed = rel.replaceAll('/', '\\');
  return [
    rel.replaceAll('/', '%2F'),
    rel.replaceAll('/', '%2f'),
    rel.replaceAll('.', '%2e').replaceAll('/', '%2f'),
    rel.replaceAll('.', '%2E').replaceAll('/', '%2F'),
    rel.replaceAll('/', '%252F'),
    rel.replaceAll('.', '%252e').replaceAll('/', '%252f'),
    backslashed.replaceAll('\\', '%5C'),
    backslashed.replaceAll('.', '%2e').replaceAll('\\', '%5c'),
    rel.replace('/', '%5C').replaceAll('/', '%2F'),
    encodeURIComponent(`./${rel}`),
    encodeURIComponent(`mine.txt/../${rel}`),
    encodeURIComponent(absolute),
    encodeURIComponent(absolute).replaceAll('%2F', '%252F'),
    encodeURIComponent(absolute.replaceAll('/', '\\')),
  ];
}

describe('input file names in URLs', () => {
  let ctx: TestContext;
  let member: TestUser;
  let taskId: number;
  let targets: Target[];
  let ownDir: string;
  let swappedTaskId: number;
  beforeAll(async () => {
    ctx = await createTestContext();
    member = await ctx.user();
    const stranger = await ctx.user();
    const project = await ctx.project({ members: [member] });
    const task = await ctx.task(project, member);
    const sibling = await ctx.task(project, member);
    const otherProject = await ctx.project({ members: [stranger] });
    const foreign = await ctx.task(otherProject, stranger);
    taskId = task.id;
    // Agents write their task's archive folder: this one's input_files was swapped for a link to BOTTEGA_HOME.
    const swapped = await ctx.task(project, member);
    swappedTaskId = swapped.id;
    const swappedDir = taskArchive(ctx.home, project.id, swapped.id).inputFilesDir;
    await mkdir(join(swappedDir, '..'), { recursive: true });
    await symlink(ctx.home, swappedDir);
    ownDir = taskArchive(ctx.home, project.id, task.id).inputFilesDir;
    await mkdir(ownDir, { recursive: true });
    await writeFile(join(ownDir, 'mine.txt'), 'my own file');
    const put = async (label: string, path: string, content: string): Promise<Target> => {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, content);
      return { label, path, content };
    };
    targets = [
      await put('the sentinel in BOTTEGA_HOME', join(ctx.home, 'sentinel.txt'), 'SENTINEL-CONTENT-7f3a'),
      await put(
        "a sibling task's input file",
        join(taskArchive(ctx.home, project.id, sibling.id).inputFilesDir, 'sibling.txt'),
        'SIBLING-CONTENT-91bc',
      ),
      await put(
        "another project's input file",
        join(taskArchive(ctx.home, otherProject.id, foreign.id).inputFilesDir, 'foreign.txt'),
        'FOREIGN-CONTENT-4d2e',
      ),
    ];
  });
  afterAll(async () => ctx.close());

  it('serves and deletes a file of the task itself (the routes under test work)', async () => {
    const res = await ctx.request('GET', `/api/tasks/${taskId}/files/mine.txt`, { as: member });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('my own file');
    await writeFile(join(ownDir, 'scratch.txt'), 'to be deleted');
    expect((await ctx.request('DELETE', `/api/tasks/${taskId}/files/scratch.txt`, { as: member })).status).toBe(204);
    expect(await readFile(join(ownDir, 'scratch.txt'), 'utf8').catch(() => null)).toBeNull();
  });

  for (const method of ['GET', 'DELETE'] as const) {
    it(`${method} refuses every traversal spelling with a 4xx, reveals nothing and deletes nothing`, async () => {
      const problems: string[] = [];
      let tried = 0;
      for (const target of targets) {
        const rel = relative(ownDir, target.path);
        expect(rel.startsWith('../')).toBe(true);
        for (const spelled of spellings(rel, target.path)) {
          tried += 1;
          const res = await ctx.request(method, `/api/tasks/${taskId}/files/${spelled}`, { as: member });
          const body = await res.text();
          if (res.status < 400 || res.status >= 500) problems.push(`${method} ${spelled} (${target.label}): ${res.status}`);
          if (body.includes(target.content)) problems.push(`${method} ${spelled} (${target.label}): returned the file's content`);
          const still = await readFile(target.path, 'utf8').catch(() => null);
          if (still !== target.content) problems.push(`${method} ${spelled} (${target.label}): the file is gone or changed`);
        }
      }
      expect(problems).toEqual([]);
      expect(tried).toBe(targets.length * 14);
      expect(await readFile(join(ownDir, 'mine.txt'), 'utf8')).toBe('my own file');
    });
  }

  it('never serves, lists or deletes through a link or a FIFO an agent left in the folder, nor in a folder swapped for a link', async () => {
    const [sentinel] = targets;
    if (!sentinel) throw new Error('no sentinel');
    await symlink(sentinel.path, join(ownDir, 'link.txt'));
    await execFileChecked('mkfifo', [join(ownDir, 'pipe.txt')]);
    const problems: string[] = [];
    const attempts: [string, string][] = [
      ['GET', `/api/tasks/${taskId}/files/link.txt`],
      ['GET', `/api/tasks/${taskId}/files/pipe.txt`],
      ['DELETE', `/api/tasks/${taskId}/files/link.txt`],
      ['GET', `/api/tasks/${swappedTaskId}/files/sentinel.txt`],
      ['DELETE', `/api/tasks/${swappedTaskId}/files/sentinel.txt`],
    ];
    for (const [method, path] of attempts) {
      const res = await ctx.request(method, path, { as: member });
      const body = await res.text();
      if (res.status < 400 || res.status >= 500) problems.push(`${method} ${path}: ${res.status}`);
      if (body.includes(sentinel.content)) problems.push(`${method} ${path}: returned the sentinel's content`);
      if ((await readFile(sentinel.path, 'utf8').catch(() => null)) !== sentinel.content)
        problems.push(`${method} ${path}: the sentinel is gone or changed`);
    }
    const listed = (await (await ctx.request('GET', `/api/tasks/${swappedTaskId}/files`, { as: member })).json()) as {
      files: { name: string }[];
    };
    if (listed.files.length > 0) problems.push(`the swapped folder lists ${listed.files.map((f) => f.name).join(', ')}`);
    expect(problems).toEqual([]);
  });
});
