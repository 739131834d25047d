// The offline demo's model (docs/behaviour/providers.md#simulated-model: a newcomer without credentials can watch a
// pipeline): the simulator's Anthropic API (@bottega/simulator) with its role-playing
// brain, served on 127.0.0.1 by the server itself and reached by the real
// Claude Code CLI through the ordinary base-URL setting. A user opts in per
// account; everything it produces is labelled "simulated".
import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoleBrain, startFakeAnthropic, type FakeAnthropic } from '@bottega/simulator';
import { claudePaths, saveClaudeCredentials } from './credentials';
import { ensureProviderDir } from '../../credential-store';

/** The model name every role shows while a user is on the simulated model. */
export const SIMULATED_MODEL = 'simulated';
const SIMULATED_KEY = 'simulated-model-not-a-real-key';
const MARKER = 'simulated';

export class SimulatedModel {
  private fake: Promise<FakeAnthropic> | null = null;

  /** The simulator's base URL, starting it on first use. */
  url(): Promise<string> {
    this.fake ??= startFakeAnthropic({ brain: createRoleBrain() });
    return this.fake.then((f) => f.url);
  }

  async close(): Promise<void> {
    const running = this.fake;
    this.fake = null;
    if (running) await (await running).close();
  }
}

/** Connects the user's Claude Code to the simulated model (replacing any real credentials). */
export async function useSimulatedModel(home: string, userId: number): Promise<void> {
  await saveClaudeCredentials(home, userId, { apiKey: SIMULATED_KEY, baseUrl: null });
  await ensureProviderDir(home, userId, 'anthropic');
  await writeFile(join(claudePaths(home, userId).dir, MARKER), 'this account uses the simulated model\n', { mode: 0o600 });
}

export async function isSimulated(home: string, userId: number): Promise<boolean> {
  return (await stat(join(claudePaths(home, userId).dir, MARKER)).catch(() => null)) !== null;
}

/** Back to real credentials (called whenever the user connects for real or disconnects). */
export async function leaveSimulatedModel(home: string, userId: number): Promise<void> {
  await rm(join(claudePaths(home, userId).dir, MARKER), { force: true });
}
