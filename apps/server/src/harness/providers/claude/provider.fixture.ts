// Shared set-up for the Claude provider's integration tests: a temp instance
// home, the fake Anthropic API, users with stored credentials pointing at it,
// and helpers to run a turn and inspect live processes through /proc.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '@bottega/testkit';
import { silentLogger } from '../../../logger';
import { cwdOnly, testSandbox } from '../../../testing/sandbox';
import type { LlmProvider, ProviderMessage, TurnHandle, TurnOptions } from '../../contract';
import { saveClaudeCredentials } from './credentials';
import { createClaudeProvider } from './provider';

export const MODEL = 'claude-sonnet-4-5';

export interface World {
  home: string;
  cwd: string;
  fake: FakeAnthropic;
  provider: LlmProvider;
  /** Stores an API key for `userId` with the fake as base URL. */
  connect(userId: number, apiKey: string): Promise<void>;
  /** Turn options for `userId` (environment from the provider). */
  turn(userId: number, prompt: string | null, extra?: Partial<TurnOptions>): Promise<TurnOptions>;
  close(): Promise<void>;
}

export async function createWorld(opts: { stallTimeoutMs?: number; fake?: FakeAnthropicOptions } = {}): Promise<World> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-claude-int-'));
  const cwd = await mkdtemp(join(tmpdir(), 'bottega-claude-cwd-'));
  const fake = await startFakeAnthropic(opts.fake);
  const provider = createClaudeProvider({
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
    connect: (userId, apiKey) => saveClaudeCredentials(home, userId, { apiKey, baseUrl: fake.url }),
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
      // Whatever a finished turn left running (the CLI still writing its
      // config on the way out) is gone before its folders are removed.
      await provider.shutdown();
      await fake.close();
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      await rm(cwd, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** Reads a whole turn; returns its messages and the error it ended with (if any). */
export async function drain(handle: TurnHandle): Promise<{ messages: ProviderMessage[]; error: unknown }> {
  const messages: ProviderMessage[] = [];
  try {
    for await (const m of handle.messages) messages.push(m);
    return { messages, error: null };
  } catch (error) {
    return { messages, error };
  }
}

/** Reads a turn in the background; `until` resolves at the first message matching. */
export function follow(handle: TurnHandle): {
  messages: ProviderMessage[];
  done: Promise<{ messages: ProviderMessage[]; error: unknown }>;
  until(pred: (m: ProviderMessage) => boolean, timeoutMs?: number): Promise<ProviderMessage>;
} {
  const messages: ProviderMessage[] = [];
  const waiters: { pred: (m: ProviderMessage) => boolean; resolve: (m: ProviderMessage) => void }[] = [];
  const done = (async () => {
    try {
      for await (const m of handle.messages) {
        messages.push(m);
        for (const w of [...waiters]) if (w.pred(m)) w.resolve(m);
      }
      return { messages, error: null as unknown };
    } catch (error) {
      return { messages, error };
    }
  })();
  return {
    messages,
    done,
    until(pred, timeoutMs = 30_000) {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no matching message in ${timeoutMs} ms: ${messages.map((m) => m.type).join(',')}`)),
          timeoutMs,
        );
        waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
        void done.then(() => reject(new Error(`the turn ended without a matching message: ${messages.map((m) => m.type).join(',')}`)));
      });
    },
  };
}

export { processesMatching } from '../../../testing/processes';

/** Whether a process is alive (a zombie counts as gone). */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z';
}

export const typesOf = (ms: ProviderMessage[]) =>
  ms.filter((m) => m.type !== 'stream_delta').map((m) => (m.type === 'system' ? `system/${m.subtype}` : m.type));
