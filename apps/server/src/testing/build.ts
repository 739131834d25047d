// Builds the server bundle for tests that run the `bottega` command (the CLI
// tests, and agents that run `bottega signal`). The build writes atomically,
// so test files building at the same time do not trip over each other.
import { join } from 'node:path';
import { execFileChecked } from '../process/exec';

export const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');

export async function buildServer(): Promise<void> {
  await execFileChecked(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--server-only'], { cwd: repoRoot });
}
