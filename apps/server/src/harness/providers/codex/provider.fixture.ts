// Shared set-up for the Codex provider's integration tests: a temp instance
// home, the fake Responses API, users whose stored API keys route Codex to it
// (the custom base URL), and turn options built from the provider's environment.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '@bottega/testkit';
import { silentLogger } from '../../../logger';
import { cwdOnly, testSandbox } from '../../../testing/sandbox';
import type { LlmProvider, TurnOptions } from '../../contract';
import { saveCodexCredentials } from './credentials';
import { createCodexProvider } from './provider';

export const CODEX_MODEL = 'gpt-5.1-codex';

export interface CodexWorld {
  home: string;
  cwd: string;
  fake: FakeOpenAI;
  provider: LlmProvider;
  connect(userId: number, apiKey: string): Promise<void>;
  turn(userId: number, prompt: string | null, extra?: Partial<TurnOptions>): Promise<TurnOptions>;
  close(): Promise<void>;
}

export async function createCodexWorld(opts: { stallTimeoutMs?: number; fake?: FakeOpenAIOptions } = {}): Promise<CodexWorld> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-codex-int-'));
  const cwd = await mkdtemp(join(tmpdir(), 'bottega-codex-cwd-'));
  const fake = await startFakeOpenAI(opts.fake);
  const provider = createCodexProvider({
    home,
    sandbox: await testSandbox(home),
    logger: silentLogger(),
    stallTimeoutMs: opts.stallTimeoutMs ?? 60_000,
  });
  return {
    home,
    cwd,
    fake,
    provider,
    connect: (userId, apiKey) => saveCodexCredentials(home, userId, { method: 'api-key', apiKey, baseUrl: fake.baseUrl }),
    async turn(userId, prompt, extra = {}) {
      return {
        cwd,
        confinement: cwdOnly(cwd),
        model: CODEX_MODEL,
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
