// Builds the server bundle and the web app once before the browser suite.
import { execFileChecked } from '../../apps/server/src/process/exec';
import { root } from '../server-process';

export default async function setup(): Promise<void> {
  await execFileChecked(process.execPath, ['scripts/build.mjs'], { cwd: root, timeoutMs: 300_000 });
}
