// Real-git check of task branch names: git itself must accept every branch
// made from a hostile title, and must let us create it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRepo, makeTempDir } from '../forge/git.fixture';
import { refExists, runGit } from '../forge/git';
import { branchNameFor } from './slug';
import { HOSTILE_TITLES } from './slug.fixture';

let root = '';
let repo = '';
beforeAll(async () => {
  root = await makeTempDir('bottega-slug-');
  repo = await initRepo(join(root, 'repo'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('branchNameFor against real git', () => {
  it('passes `git check-ref-format --branch` and can be created, for every hostile title', async () => {
    for (const [i, title] of HOSTILE_TITLES.entries()) {
      const branch = branchNameFor(i + 1, title);
      expect((await runGit(['check-ref-format', '--branch', branch], { cwd: repo })).trim()).toBe(branch);
      await runGit(['branch', branch], { cwd: repo });
      expect(await refExists(repo, `refs/heads/${branch}`)).toBe(true);
    }
  });
});
