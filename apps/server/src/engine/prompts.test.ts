// The PR prompts carry the project's settings for the pull-request stage (docs/behaviour/loop.md#pr-stage):
// the cap on CI fix rounds in force (the project's own, else the instance's) and exactly one way
// of bringing the branch up to date — rebasing or merging — with its commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentType } from '@bottega/protocol';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import type { ProjectRow, TaskRow } from '../db/schema';
import { buildRunPrompt, updateStrategySection } from './prompts';

let ctx: TestContext;
let owner: TestUser;
beforeAll(async () => {
  ctx = await createTestContext({ maxCiRounds: 4 });
  owner = await ctx.user();
});
afterAll(async () => ctx.close());

const REBASING = 'This project brings a branch up to date by **rebasing**.';
const MERGING = 'This project brings a branch up to date by **merging**.';

async function render(
  settings: Partial<Pick<ProjectRow, 'pr_update_strategy' | 'pr_max_ci_rounds'>>,
  agentType: AgentType,
  feedback: string | null = null,
): Promise<string> {
  const project = await ctx.project({ members: [owner] });
  const row = await ctx.deps.db
    .updateTable('projects')
    .set({ updated_at: project.updated_at, ...settings })
    .where('id', '=', project.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const task: TaskRow = await ctx.task(row, owner, { branch_name: 'task/9-greet' });
  return buildRunPrompt(ctx.deps, { project: row, task, agentType, technical: true, feedback, note: null });
}

describe('the PR prompts', () => {
  it.each(['pr', 'yolo'] as const)('%s: rebasing by default, with the instance cap', async (agentType) => {
    const text = await render({}, agentType);
    expect(text).toContain('At most **4** fix rounds in all.');
    expect(text).toContain(REBASING);
    expect(text).not.toContain(MERGING);
    expect(text).toContain('`git rebase origin/main`');
    expect(text).toContain('`git push --force-with-lease origin task/9-greet`');
    expect(text).toContain('`git rebase --abort`');
    expect(text).not.toContain('{{');
  });

  it('merging with the project’s own cap, in the feedback prompt too', async () => {
    for (const [agentType, feedback] of [
      ['pr', null],
      ['pr', 'Rename it.'],
      ['yolo', null],
    ] as const) {
      const text = await render({ pr_update_strategy: 'merge', pr_max_ci_rounds: 7 }, agentType, feedback);
      expect(text).toContain('At most **7** fix rounds in all.');
      expect(text).toContain(MERGING);
      expect(text).not.toContain(REBASING);
      expect(text).toContain('`git merge origin/main`');
      expect(text).toContain('`git push origin task/9-greet`');
      expect(text).not.toContain('--force-with-lease');
      expect(text).toContain('`git merge --abort`');
    }
  });

  it('tells the feedback agent how to reply on a thread and resolve it', async () => {
    const text = await render({}, 'pr', 'A review.');
    expect(text).toContain('gh api repos//pulls/<number>/comments/<comment id>/replies -f body=…');
    expect(text).toContain(
      "gh api graphql -f query='mutation($id:ID!){resolveReviewThread(input:{threadId:$id}){thread{isResolved}}}' -f id=<thread id>",
    );
  });
});

describe('updateStrategySection', () => {
  it('names one strategy and its commands', () => {
    const rebase = updateStrategySection('rebase', 'trunk', 'task/1-x');
    expect(rebase.startsWith(REBASING)).toBe(true);
    expect(rebase).toContain('`git fetch origin trunk`');
    expect(rebase).toContain('`git rebase origin/trunk`');
    expect(rebase).toContain('`git push --force-with-lease origin task/1-x`');
    const merge = updateStrategySection('merge', 'trunk', 'task/1-x');
    expect(merge.startsWith(MERGING)).toBe(true);
    expect(merge).toContain('`git merge origin/trunk`');
    expect(merge).toContain('`git push origin task/1-x`');
  });
});
