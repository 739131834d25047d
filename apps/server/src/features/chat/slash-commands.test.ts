// Slash commands on real folders in a temp dir: parsing, expansion of
// $ARGUMENTS and $1…$9, project over user, unknown commands passing through,
// and confinement (traversal, symlinks out of the folder, oversized files).
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import {
  commandRoots,
  describeCommand,
  expandMessage,
  expandTemplate,
  listCommands,
  MAX_COMMAND_BYTES,
  parseInvocation,
  splitArguments,
  userCommandsDir,
  type CommandRoots,
} from './slash-commands';

let base: string;
let roots: CommandRoots;
let project: string;
let user: string;

async function put(dir: string, rel: string, text: string): Promise<void> {
  const path = join(dir, rel);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'bottega-commands-'));
  const worktree = join(base, 'worktree');
  roots = commandRoots(join(base, 'home'), 7, worktree);
  project = join(worktree, '.claude', 'commands');
  user = userCommandsDir(join(base, 'home'), 7);
  expect(roots).toEqual({ project: { dir: project, within: worktree }, user: { dir: user, within: join(base, 'home', 'users', '7') } });
  await mkdir(project, { recursive: true });
  await mkdir(user, { recursive: true });
});
afterEach(async () => rm(base, { recursive: true, force: true }));

describe('parsing', () => {
  it('recognises /name with optional arguments and a folder namespace', () => {
    expect(parseInvocation('/fix-bug 42 urgent')).toEqual({ name: 'fix-bug', args: '42 urgent' });
    expect(parseInvocation('  /review  ')).toEqual({ name: 'review', args: '' });
    expect(parseInvocation('/front:component Button\nwith tests')).toEqual({ name: 'front:component', args: 'Button\nwith tests' });
    expect(parseInvocation('please /fix-bug 42')).toBeNull();
    expect(parseInvocation('/Fix 1')).toBeNull();
    expect(parseInvocation('/../../etc/passwd')).toBeNull();
    expect(parseInvocation('/usr/bin/env')).toBeNull();
    expect(parseInvocation('/a:b:c')).toBeNull();
  });

  it('splits arguments on whitespace, keeping quoted ones together', () => {
    expect(splitArguments(`42 "very urgent" 'a b' c`)).toEqual(['42', 'very urgent', 'a b', 'c']);
    expect(splitArguments('')).toEqual([]);
  });
});

describe('expansion', () => {
  it('substitutes $ARGUMENTS and $1…$9 (missing ones empty), in one pass', () => {
    const t = '---\ndescription: Fix a bug\n---\nFix issue #$1 with priority $2 ($ARGUMENTS). Third: [$3] Ninth: [$9]\n';
    expect(expandTemplate(t, '42 urgent')).toBe('Fix issue #42 with priority urgent (42 urgent). Third: [] Ninth: []');
    const nine = Array.from({ length: 9 }, (_, i) => `$${i + 1}`).join(',');
    expect(expandTemplate(nine, 'a b c d e f g h i j')).toBe('a,b,c,d,e,f,g,h,i');
    // An argument that looks like a placeholder is not expanded again.
    expect(expandTemplate('Say $1 then $ARGUMENTS', '$2 x')).toBe('Say $2 then $2 x');
  });

  it('appends the arguments when the body has no placeholder', () => {
    expect(expandTemplate('Review the diff.', 'carefully')).toBe('Review the diff.\n\nARGUMENTS: carefully');
    expect(expandTemplate('Review the diff.', '')).toBe('Review the diff.');
  });

  it('describes a command by its frontmatter, else its first line', () => {
    expect(describeCommand('---\ndescription: "Fix a numbered bug"\nmodel: x\n---\nBody')).toBe('Fix a numbered bug');
    expect(describeCommand('\n# Review the branch\n\nThen more.')).toBe('Review the branch');
    expect(describeCommand('x'.repeat(500))).toHaveLength(200);
  });

  it('expands a project command, sending the expansion; an unknown /word passes through unchanged', async () => {
    await put(project, 'fix-bug.md', '---\ndescription: Fix a bug\n---\nFix bug $1 ($2).');
    expect(await expandMessage(roots, '/fix-bug 42 urgent')).toEqual({
      text: 'Fix bug 42 (urgent).',
      command: { name: 'fix-bug', source: 'project' },
    });
    expect(await expandMessage(roots, '/nothing-here 1')).toEqual({ text: '/nothing-here 1', command: null });
    expect(await expandMessage(roots, 'plain words')).toEqual({ text: 'plain words', command: null });
    expect(await expandMessage(roots, '/etc/passwd')).toEqual({ text: '/etc/passwd', command: null });
  });

  it('prefers the project command over the user command of the same name; user-only ones work too', async () => {
    await put(project, 'review.md', 'Project review of $ARGUMENTS');
    await put(user, 'review.md', 'User review of $ARGUMENTS');
    await put(user, 'mine.md', '---\ndescription: Mine\n---\nMy own $1');
    await put(user, 'front/component.md', 'Build the $1 component');
    expect((await expandMessage(roots, '/review the api')).text).toBe('Project review of the api');
    expect(await expandMessage(roots, '/mine thing')).toEqual({ text: 'My own thing', command: { name: 'mine', source: 'user' } });
    expect((await expandMessage(roots, '/front:component Button')).text).toBe('Build the Button component');
    expect(await listCommands(roots)).toEqual([
      { name: 'front:component', description: 'Build the $1 component', source: 'user', path: join(user, 'front', 'component.md') },
      { name: 'mine', description: 'Mine', source: 'user', path: join(user, 'mine.md') },
      { name: 'review', description: 'Project review of $ARGUMENTS', source: 'project', path: join(project, 'review.md') },
    ]);
  });

  it('lists and expands user commands when the task has no worktree', async () => {
    await put(user, 'mine.md', 'Mine $1');
    const noWorktree = commandRoots(join(base, 'home'), 7, null);
    expect((await listCommands(noWorktree)).map((c) => c.name)).toEqual(['mine']);
    expect((await expandMessage(noWorktree, '/mine x')).text).toBe('Mine x');
  });

  it('refuses a command that expands to nothing', async () => {
    await put(project, 'empty.md', '---\ndescription: nothing\n---\n   \n');
    await expect(expandMessage(roots, '/empty')).rejects.toBeInstanceOf(AppError);
  });
});

describe('confinement', () => {
  it('ignores symlinks that lead out of the folder (files and subfolders), and follows ones that stay inside', async () => {
    const outside = join(base, 'outside');
    await put(outside, 'secret.md', 'TOP SECRET $1');
    await symlink(join(outside, 'secret.md'), join(project, 'leak.md'));
    await symlink(outside, join(project, 'ns'));
    await put(project, 'real.md', 'Real $1');
    await symlink(join(project, 'real.md'), join(project, 'alias.md'));
    expect(await expandMessage(roots, '/leak 1')).toEqual({ text: '/leak 1', command: null });
    expect(await expandMessage(roots, '/ns:secret 1')).toEqual({ text: '/ns:secret 1', command: null });
    expect((await expandMessage(roots, '/alias 1')).text).toBe('Real 1');
    const names = (await listCommands(roots)).map((c) => c.name);
    expect(names).toEqual(['alias', 'real']);
    expect(JSON.stringify(await listCommands(roots))).not.toContain('SECRET');
  });

  it('ignores a commands folder that is a symlink out of the worktree (or out of the user folder)', async () => {
    const outside = join(base, 'elsewhere');
    await put(outside, 'evil.md', 'Evil');
    await rm(project, { recursive: true });
    await symlink(outside, project);
    await rm(user, { recursive: true });
    await symlink(outside, user);
    expect(await listCommands(roots)).toEqual([]);
    expect(await expandMessage(roots, '/evil')).toEqual({ text: '/evil', command: null });
  });

  it('follows a commands folder linked to another place inside the worktree', async () => {
    const worktree = join(base, 'worktree');
    await put(join(worktree, 'docs', 'commands'), 'inside.md', 'Inside $1');
    await rm(project, { recursive: true });
    await symlink(join(worktree, 'docs', 'commands'), project);
    expect((await expandMessage(roots, '/inside ok')).text).toBe('Inside ok');
  });

  it('ignores files over the size cap, non-.md files and names outside [a-z0-9_-]', async () => {
    await put(project, 'huge.md', `Huge ${'x'.repeat(MAX_COMMAND_BYTES)}`);
    await put(project, 'fine.md', 'Fine');
    await put(project, 'Upper.md', 'Upper');
    await put(project, 'notes.txt', 'Notes');
    await put(project, 'dot.name.md', 'Dot');
    await put(project, 'a/b/deep.md', 'Too deep');
    await mkdir(join(project, 'dir.md'));
    expect((await listCommands(roots)).map((c) => c.name)).toEqual(['fine']);
    expect(await expandMessage(roots, '/huge 1')).toEqual({ text: '/huge 1', command: null });
    expect(await expandMessage(roots, '/dir')).toEqual({ text: '/dir', command: null });
  });
});
