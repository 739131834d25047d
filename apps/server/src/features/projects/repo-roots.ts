// Where repositories may live (BOTTEGA_REPO_ROOTS): a registered checkout must
// resolve — symlinks followed — to a folder strictly inside one of the roots,
// and clones by URL are made in the first root. A root that does not exist
// yet simply confines nothing (the first one is created for a clone).
import { mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { AppError } from '../../errors';
import { ifMissing } from '../../fs-errors';
import { isGitCheckoutRoot } from '../../forge/git';

/** The roots as they are on disk (symlinks resolved); missing ones are left out. */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    const real = await realpath(root).catch(ifMissing(null));
    if (real) out.push(real);
  }
  return out;
}

/** True when `path` lies strictly inside `root` (both already resolved). */
export function isStrictlyInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Resolves and checks an administrator-typed checkout path: absolute,
 * existing, inside a repository root once every symlink is followed, and the
 * root of a git checkout. Returns the real path.
 */
export async function validateRepoPath(input: string, roots: readonly string[]): Promise<string> {
  if (!isAbsolute(input)) throw new AppError('VALIDATION_FAILED', 'repoPath must be an absolute path on the server');
  let real: string;
  try {
    real = await realpath(input);
  } catch {
    throw new AppError('VALIDATION_FAILED', `repoPath ${input} does not exist on the server`);
  }
  const allowed = await realRoots(roots);
  if (!allowed.some((root) => isStrictlyInside(root, real))) {
    throw new AppError(
      'VALIDATION_FAILED',
      `repoPath must be inside one of the repository roots (BOTTEGA_REPO_ROOTS: ${roots.join(', ')}); ${input} resolves outside them`,
    );
  }
  if (!(await isGitCheckoutRoot(real))) {
    throw new AppError('VALIDATION_FAILED', `repoPath ${input} is not the root of a git checkout`);
  }
  return real;
}

/** The first root, created if needed, as it is on disk: where clones go. */
export async function cloneRoot(roots: readonly string[]): Promise<string> {
  const first = roots[0];
  if (!first) throw new AppError('VALIDATION_FAILED', 'no repository root is configured (BOTTEGA_REPO_ROOTS)');
  await mkdir(first, { recursive: true });
  return realpath(first);
}
