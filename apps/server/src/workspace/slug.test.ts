// Tests for task branch naming: hostile titles must always give a short,
// shell-inert, `git check-ref-format`-valid branch name.
import { describe, expect, it } from 'vitest';
import { branchNameFor, slugify, taskIdFromBranch } from './slug';
import { HOSTILE_TITLES } from './slug.fixture';

/** The rules of `git check-ref-format --branch` (see git-check-ref-format(1)), for a full ref name. */
function isValidRefName(name: string): boolean {
  if (name === '@' || name.length === 0) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  if ([...name].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f || '~^:?*[\\'.includes(ch))) return false;
  return name.split('/').every((c) => c.length > 0 && !c.startsWith('.') && !c.endsWith('.lock'));
}

const hostile = HOSTILE_TITLES;

describe('slugify', () => {
  it('lower-cases, strips diacritics and joins words with single dashes', () => {
    expect(slugify('Café Crème — Brûlée!')).toBe('cafe-creme-brulee');
    expect(slugify('  Add  OAuth2 login   flow ')).toBe('add-oauth2-login-flow');
  });

  it('falls back to "task" when nothing usable remains', () => {
    expect(slugify('')).toBe('task');
    expect(slugify('🚀 — !!!')).toBe('task');
    expect(slugify('日本語のタイトル')).toBe('task');
  });

  it('cuts to maxLen without leaving a trailing dash', () => {
    expect(slugify('x'.repeat(10_000))).toBe('x'.repeat(40));
    expect(slugify('abcd efgh', 5)).toBe('abcd');
    expect(slugify('abc-def', 4)).toBe('abc');
  });

  it('only ever yields [a-z0-9-], bounded, without leading/trailing/double dashes', () => {
    for (const title of hostile) {
      const slug = slugify(title);
      expect(slug, title).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(slug.length).toBeLessThanOrEqual(40);
    }
  });

  it('rejects a non-positive maxLen', () => {
    expect(() => slugify('x', 0)).toThrow(RangeError);
  });
});

describe('branchNameFor', () => {
  it('is task/{id}-{slug}', () => {
    expect(branchNameFor(42, 'Fix the login page')).toBe('task/42-fix-the-login-page');
    expect(branchNameFor(7, '')).toBe('task/7-task');
  });

  it('gives a valid git ref name for every hostile title', () => {
    for (const title of hostile) {
      const branch = branchNameFor(123, title);
      expect(isValidRefName(branch), `${JSON.stringify(title)} → ${branch}`).toBe(true);
      expect(isValidRefName(`refs/heads/${branch}`)).toBe(true);
      expect(branch).not.toMatch(/[\s;$`|&<>'"\\()]/);
    }
  });

  it('rejects ids that are not positive integers', () => {
    expect(() => branchNameFor(0, 'x')).toThrow(/invalid task id/);
    expect(() => branchNameFor(1.5, 'x')).toThrow(/invalid task id/);
    expect(() => branchNameFor(Number.NaN, 'x')).toThrow(/invalid task id/);
  });

  it('round-trips through taskIdFromBranch', () => {
    for (const title of hostile) expect(taskIdFromBranch(branchNameFor(987, title))).toBe(987);
  });
});

describe('taskIdFromBranch', () => {
  it('parses our branch names, with or without refs/heads/', () => {
    expect(taskIdFromBranch('task/12-add-login')).toBe(12);
    expect(taskIdFromBranch('refs/heads/task/12-add-login')).toBe(12);
    expect(taskIdFromBranch('task/5')).toBe(5);
  });

  it('returns null for anything else', () => {
    for (const b of [
      'main',
      'task/',
      'task/abc',
      'task/0-x',
      'task/012-x',
      'tasks/1-x',
      'feature/task/1-x',
      'task/1x',
      'task/1-Upper',
      'task/99999999999999999-x',
      'refs/remotes/origin/task/1-x',
    ]) {
      expect(taskIdFromBranch(b), b).toBeNull();
    }
  });
});

describe('the ref-name checker used above', () => {
  it('agrees with git on known-bad names', () => {
    for (const bad of ['a..b', 'a.lock', 'a/.b', '-a', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a@{1}', 'a/', 'a.', '@']) {
      expect(isValidRefName(bad), bad).toBe(false);
    }
    expect(isValidRefName('task/1-ok')).toBe(true);
  });
});
