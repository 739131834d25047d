// The refinement role: one harmless look at the branch's changes and a summary;
// no document edits, no tests, no signal.
import { bash, done } from './context';
import type { Action, RoleContext } from './context';
import { isEmptyOutput, outputOf } from './conversation';
import { inDir, shq } from './shell';

export const REFINEMENT_STEPS = {
  inspect: 'List the files this branch changed',
} as const;

export function refinementRole(ctx: RoleContext): Action {
  const inspect = ctx.steps.find(REFINEMENT_STEPS.inspect);
  if (!inspect) {
    const base = ctx.facts.baseBranch;
    const since = base === undefined ? 'HEAD' : `"$(git merge-base HEAD ${shq(base)} 2>/dev/null || echo HEAD)"`;
    return bash(REFINEMENT_STEPS.inspect, inDir(ctx.facts.worktreePath, `git status --porcelain && git diff --stat ${since}`));
  }
  const lines = outputOf(inspect).split('\n').length;
  const listing = isEmptyOutput(inspect.result) ? 'no changes' : `${lines} line${lines === 1 ? '' : 's'} of status and diff stat`;
  return done(
    `Refinement pass over the branch (${listing}). Simplify: nothing to change without altering behaviour. ` +
      'Security review of the diff: no high or medium findings, nothing to fix. The task document was not touched and no signal was sent.',
  );
}
