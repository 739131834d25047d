// The words a task is blocked with at the pull-request stage (docs/behaviour/loop.md#pr-stage), and the
// settings in force for a project.
import { describe, expect, it } from 'vitest';
import { ciBlockReason, ciCapReason, conflictBlockReason, prSettingsOf } from './pr-stage';

describe('block reasons', () => {
  it('says how many rounds CI failed, the limit, and which jobs', () => {
    expect(ciBlockReason(3, 3, ['test'])).toBe('CI is still failing after 3 rounds (the limit is 3): job `test` failed.');
    expect(ciBlockReason(1, 5, ['lint', 'test'])).toBe('CI is still failing after 1 round (the limit is 5): jobs `lint`, `test` failed.');
    expect(ciBlockReason(2, 3, [])).toBe('CI is still failing after 2 rounds (the limit is 3): a check failed.');
    expect(ciCapReason(4, 3, ['test'])).toBe(
      'CI is still failing after 4 rounds (the limit is 3): job `test` failed; the PR agent was stopped at the limit.',
    );
  });

  it('names the pull request, its base and the conflicting files', () => {
    expect(conflictBlockReason(4, 'main', ['a.ts', 'src/b.ts'])).toBe('Pull request #4 conflicts with main in a.ts, src/b.ts.');
    expect(conflictBlockReason(4, 'main', [])).toBe('Pull request #4 conflicts with main.');
  });
});

describe('prSettingsOf', () => {
  const config = { maxCiRounds: 3 } as Parameters<typeof prSettingsOf>[0]['config'];
  it("uses the project's own cap, else the instance's", () => {
    expect(prSettingsOf({ config }, { pr_update_strategy: 'merge', pr_max_ci_rounds: 6 })).toEqual({
      updateStrategy: 'merge',
      maxCiRounds: 6,
      effectiveMaxCiRounds: 6,
      instanceMaxCiRounds: 3,
    });
    expect(prSettingsOf({ config }, { pr_update_strategy: 'rebase', pr_max_ci_rounds: null })).toMatchObject({ effectiveMaxCiRounds: 3 });
  });
});
