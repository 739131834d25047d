// Tests for the agent's working directory: worktree when it exists, else the
// repository, plus a subproject path that must stay inside.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveCwd } from './cwd';

let root = '';
let repoPath = '';
let worktreePath = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bottega-cwd-'));
  repoPath = join(root, 'repo');
  worktreePath = join(root, 'repo-worktrees', 'task-1');
  await mkdir(join(repoPath, 'packages', 'api'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('effectiveCwd', () => {
  it('uses the repository when there is no worktree (none recorded, or directory gone)', async () => {
    expect(await effectiveCwd({ repoPath, subprojectPath: null, worktreePath: null })).toBe(repoPath);
    expect(await effectiveCwd({ repoPath, worktreePath })).toBe(repoPath);
    expect(await effectiveCwd({ repoPath, subprojectPath: 'packages/api', worktreePath })).toBe(join(repoPath, 'packages', 'api'));
  });

  it('uses the worktree once it exists, with the subproject path', async () => {
    await mkdir(worktreePath, { recursive: true });
    expect(await effectiveCwd({ repoPath, worktreePath })).toBe(worktreePath);
    expect(await effectiveCwd({ repoPath, subprojectPath: 'packages/api', worktreePath })).toBe(join(worktreePath, 'packages', 'api'));
    expect(await effectiveCwd({ repoPath, subprojectPath: '  ', worktreePath })).toBe(worktreePath);
  });

  it('ignores a worktree path that is a file', async () => {
    await mkdir(join(root, 'repo-worktrees'));
    await writeFile(worktreePath, 'x');
    expect(await effectiveCwd({ repoPath, worktreePath })).toBe(repoPath);
  });

  it.each(['..', '../other', '/etc', 'a/../../x'])('rejects a subproject path %j that escapes', async (sub) => {
    await mkdir(worktreePath, { recursive: true });
    await expect(effectiveCwd({ repoPath, subprojectPath: sub, worktreePath })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(effectiveCwd({ repoPath, subprojectPath: sub })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
