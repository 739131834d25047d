// Shared set-up for the OpenCode provider's integration tests: a temp
// instance home, the fake Chat Completions API, users connected to it as a
// custom provider, and turn options built through the provider.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeChatCompletions, type FakeChatCompletions, type FakeChatCompletionsOptions } from '@bottega/testkit';
import { silentLogger } from '../../../logger';
import { cwdOnly, testSandbox } from '../../../testing/sandbox';
import type { TurnOptions } from '../../contract';
import { saveOpencodeCredentials } from './credentials';
import { createOpencodeProvider, type OpencodeProvider, type OpencodeProviderDeps } from './provider';

export const MODEL_ID = 'fake-model';
export const MODEL = `custom/${MODEL_ID}`;

export interface OpencodeWorld {
  home: string;
  cwd: string;
  fake: FakeChatCompletions;
  provider: OpencodeProvider;
  /** Connects `userId` to the fake as a custom provider with `apiKey`. */
  connect(userId: number, apiKey: string, models?: string[]): Promise<void>;
  turn(userId: number, prompt: string | null, extra?: Partial<TurnOptions>): Promise<TurnOptions>;
  close(): Promise<void>;
}

export async function createOpencodeWorld(
  opts: { provider?: Partial<OpencodeProviderDeps>; fake?: FakeChatCompletionsOptions } = {},
): Promise<OpencodeWorld> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-opencode-int-'));
  const cwd = await mkdtemp(join(tmpdir(), 'bottega-opencode-cwd-'));
  const fake = await startFakeChatCompletions(opts.fake);
  const provider = createOpencodeProvider({
    home,
    sandbox: await testSandbox(home),
    logger: silentLogger(),
    stallTimeoutMs: 60_000,
    ...opts.provider,
  });
  return {
    home,
    cwd,
    fake,
    provider,
    connect: (userId, apiKey, models = [MODEL_ID]) =>
      saveOpencodeCredentials(home, userId, { custom: { baseUrl: fake.baseUrl, apiKey, models } }),
    async turn(userId, prompt, extra = {}) {
      return {
        cwd,
        confinement: cwdOnly(cwd),
        model: MODEL,
        effort: null,
        systemPrompt: null,
        permissionMode: 'bypass',
        disallowedTools: [],
        env: await provider.environmentFor(userId),
        signal: new AbortController().signal,
        prompt,
        ...extra,
      };
    },
    async close() {
      await provider.shutdown();
      await fake.close();
      await rm(home, { recursive: true, force: true });
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
