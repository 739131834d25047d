// Tests for task attachments: name sanitizing (traversal, control characters,
// length) and confinement of every read, write and delete to the folder.
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteInputFile, listInputFiles, sanitizeFileName, writeInputFile } from './input-files';

let root = '';
let dir = '';
let outside = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bottega-files-'));
  dir = join(root, 'task-1', 'input_files');
  outside = join(root, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);
const validation = expect.objectContaining({ code: 'VALIDATION_FAILED' });

describe('sanitizeFileName', () => {
  it('keeps ordinary names, including unicode', () => {
    expect(sanitizeFileName('report.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('Screenshot 2024-05-01 (2).png')).toBe('Screenshot 2024-05-01 (2).png');
    expect(sanitizeFileName('résumé-été.txt')).toBe('résumé-été.txt');
    expect(sanitizeFileName('.env.example')).toBe('.env.example');
  });

  it('replaces odd characters with "_" and defuses a leading dash', () => {
    expect(sanitizeFileName('a;b|c$d`e"f\'g<h>i*j?.txt')).toBe('a_b_c_d_e_f_g_h_i_j_.txt');
    expect(sanitizeFileName('-rf')).toBe('_rf');
    expect(sanitizeFileName('rocket 🚀.txt')).toBe('rocket _.txt');
  });

  it('is idempotent', () => {
    for (const n of ['a b.txt', 'x;y', '-z', 'été', '...']) expect(sanitizeFileName(sanitizeFileName(n))).toBe(sanitizeFileName(n));
  });

  it.each([
    '',
    '   ',
    '.',
    '..',
    ' .. ',
    '../../etc/passwd',
    '..\\x',
    'a/../b',
    '../',
    'x/',
    'a/b.txt',
    '/etc/passwd',
    'C:\\fakepath\\photo.jpg',
    'a\0b',
    'line\nbreak',
    'tab\there',
    'del\u007f',
    '.bottega-tmp-x',
  ])('rejects %j', (name) => {
    expect(() => sanitizeFileName(name)).toThrow(validation);
  });

  it('rejects names over 200 bytes, counting UTF-8 bytes', () => {
    expect(sanitizeFileName('a'.repeat(200))).toHaveLength(200);
    expect(() => sanitizeFileName('a'.repeat(201))).toThrow(/200 bytes/);
    expect(() => sanitizeFileName('é'.repeat(101))).toThrow(/200 bytes/);
  });
});

describe('input file storage', () => {
  it('lists nothing when the folder does not exist yet', async () => {
    expect(await listInputFiles(dir)).toEqual([]);
  });

  it('writes, lists (sorted, regular files only) and overwrites', async () => {
    await writeInputFile(dir, 'b.txt', bytes('bee'));
    const info = await writeInputFile(dir, 'a.txt', bytes('a'));
    expect(info).toMatchObject({ name: 'a.txt', size: 1 });
    await mkdir(join(dir, 'subdir'));
    await symlink(join(outside, 'secret.txt'), join(dir, 'link.txt'));
    await writeInputFile(dir, 'b.txt', bytes('bumblebee'));
    const list = await listInputFiles(dir);
    expect(list.map((f) => [f.name, f.size])).toEqual([
      ['a.txt', 1],
      ['b.txt', 9],
    ]);
    expect(new Date(list[0]?.modifiedAt ?? '').toISOString()).toBe(list[0]?.modifiedAt);
    expect(await readFile(join(dir, 'b.txt'), 'utf8')).toBe('bumblebee');
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt', 'link.txt', 'subdir']);
  });

  it.each(['../../etc/passwd', '..\\x', '../outside/secret.txt', 'a\0b', '/etc/passwd'])('refuses to write %j', async (name) => {
    await expect(writeInputFile(dir, name, bytes('x'))).rejects.toThrow(validation);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses an absolute upload name, even one naming a real file elsewhere', async () => {
    await expect(writeInputFile(dir, join(outside, 'secret.txt'), bytes('pwned'))).rejects.toThrow(/path separator/);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect(await listInputFiles(dir)).toEqual([]);
  });

  it('refuses to write through a symlink that points outside', async () => {
    await mkdir(dir, { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(dir, 'evil.txt'));
    await expect(writeInputFile(dir, 'evil.txt', bytes('pwned'))).rejects.toThrow(/symbolic link/);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    expect((await lstat(join(dir, 'evil.txt'))).isSymbolicLink()).toBe(true);
  });

  it('refuses to work in a folder that is itself a symlink', async () => {
    await mkdir(join(root, 'task-1'), { recursive: true });
    await symlink(outside, dir);
    await expect(writeInputFile(dir, 'x.txt', bytes('x'))).rejects.toThrow(/not a real directory/);
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('deletes a file and reports whether it existed', async () => {
    await writeInputFile(dir, 'a.txt', bytes('a'));
    expect(await deleteInputFile(dir, 'a.txt')).toBe(true);
    expect(await deleteInputFile(dir, 'a.txt')).toBe(false);
    expect(await deleteInputFile(join(root, 'missing'), 'a.txt')).toBe(false);
    expect(await listInputFiles(dir)).toEqual([]);
  });

  it.each(['../../outside/secret.txt', '..\\secret.txt', '..', 'a\0b'])('refuses to delete %j', async (name) => {
    await mkdir(dir, { recursive: true });
    await expect(deleteInputFile(dir, name)).rejects.toThrow(validation);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('refuses to delete a symlink that escapes the folder, and never touches its target', async () => {
    await mkdir(dir, { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(dir, 'evil.txt'));
    await expect(deleteInputFile(dir, 'evil.txt')).rejects.toThrow(validation);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  });

  it('does not delete directories', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await expect(deleteInputFile(dir, 'sub')).rejects.toThrow(validation);
  });
});
