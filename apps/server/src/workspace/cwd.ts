// The directory an agent works in (docs/behaviour/tasks.md#working-directory): the task's worktree if it exists,
// else the repository itself; plus the project's subproject path, kept inside it.
import { stat } from 'node:fs/promises';
import { ifMissing } from '../fs-errors';
import { resolveInside } from './paths';

export interface EffectiveCwdInput {
  repoPath: string;
  subprojectPath?: string | null;
  worktreePath?: string | null;
}

export async function effectiveCwd(input: EffectiveCwdInput): Promise<string> {
  const worktree = input.worktreePath ? await stat(input.worktreePath).catch(ifMissing(null)) : null;
  const base = worktree?.isDirectory() && input.worktreePath ? input.worktreePath : input.repoPath;
  const sub = input.subprojectPath?.trim();
  return resolveInside(base, sub ? sub : '.');
}
