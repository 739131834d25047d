// The zip writer's archives open with Info-ZIP's unzip (names, sizes and CRCs checked).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { writeZip } from './zip';

const run = promisify(execFile);
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('writeZip', () => {
  it('writes an archive unzip lists, tests and extracts byte for byte', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-test-'));
    const big = 'line of a long log\n'.repeat(5000);
    const archive = join(dir, 'logs.zip');
    await writeFile(
      archive,
      writeZip([
        { name: 'build/1_Set up job.txt', data: 'setting up\n' },
        { name: 'build/2_Run tests.txt', data: big },
        { name: '0_build.txt', data: Buffer.from([0, 1, 2, 255]) },
      ]),
    );
    const tested = await run('unzip', ['-t', archive]);
    expect(tested.stdout).toMatch(/No errors detected/);
    const listed = await run('unzip', ['-Z1', archive]);
    expect(listed.stdout.trim().split('\n')).toEqual(['build/1_Set up job.txt', 'build/2_Run tests.txt', '0_build.txt']);
    await run('unzip', ['-q', archive, '-d', join(dir, 'out')]);
    expect(await readFile(join(dir, 'out', 'build', '2_Run tests.txt'), 'utf8')).toBe(big);
    expect([...(await readFile(join(dir, 'out', '0_build.txt')))]).toEqual([0, 1, 2, 255]);
  });

  it('writes a valid empty archive', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zip-test-'));
    await writeFile(join(dir, 'empty.zip'), writeZip([]));
    const listed = await run('unzip', ['-l', join(dir, 'empty.zip')]).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${listed.stdout}${listed.stderr}`).toMatch(/zipfile is empty|0 files/);
  });
});
