// The sandbox as tests use it: `required`, so a machine where bubblewrap
// cannot run fails loudly instead of testing unconfined agents.
import { silentLogger } from '../logger';
import { rw, type Confinement } from '../sandbox/confinement';
import { Sandbox } from '../sandbox/sandbox';

export function testSandbox(home: string, signalUrl: () => string | null = () => null): Promise<Sandbox> {
  return Sandbox.create({ mode: 'required', home, logger: silentLogger(), signalUrl });
}

/** A provider test's confinement: its working directory and nothing else. */
export function cwdOnly(cwd: string): Confinement {
  return { mounts: [rw(cwd)], hosts: [] };
}
