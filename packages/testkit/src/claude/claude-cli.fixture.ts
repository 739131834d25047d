// Drives the real Claude Code CLI (the Agent SDK's query()) against the fake
// server in temp dirs, collecting every message of a turn and how it ended.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';
import type { Options, SDKMessage, SDKResultMessage } from '@anthropic-ai/claude-agent-sdk';
import { claudeEnv } from './env';
import type { ClaudeEnvOptions } from './env';
import { startFakeAnthropic } from '@bottega/simulator';
import type { FakeAnthropic, FakeAnthropicOptions } from '@bottega/simulator';
import type { WireBlock } from '@bottega/simulator';

export interface TurnOutcome {
  messages: SDKMessage[];
  /** What the iterator threw, if it did (the CLI throws after an error result). */
  error?: unknown;
  result?: SDKResultMessage;
}

export interface TurnOptions {
  options?: Partial<Options>;
  env?: Partial<Omit<ClaudeEnvOptions, 'baseUrl' | 'home'>>;
  /** Called for each message as it arrives (e.g. to watch progress). */
  onMessage?: (m: SDKMessage) => void;
}

export interface ClaudeWorld {
  fake: FakeAnthropic;
  home: string;
  /** The CLI's working directory (inside home). */
  cwd: string;
  turn(prompt: string, options?: TurnOptions): Promise<TurnOutcome>;
  close(): Promise<void>;
}

export async function createClaudeWorld(fakeOptions: FakeAnthropicOptions = {}): Promise<ClaudeWorld> {
  const fake = await startFakeAnthropic(fakeOptions);
  const home = await mkdtemp(join(tmpdir(), 'testkit-claude-'));
  const cwd = await mkdtemp(join(home, 'work-'));
  return {
    fake,
    home,
    cwd,
    async turn(prompt, { options = {}, env = {}, onMessage } = {}) {
      const outcome: TurnOutcome = { messages: [] };
      const q = query({
        prompt,
        options: {
          env: claudeEnv({ baseUrl: fake.url, home, ...env }),
          permissionMode: 'bypassPermissions',
          allowDangerouslySkipPermissions: true,
          settingSources: [],
          cwd,
          model: 'claude-sonnet-4-5',
          ...options,
        },
      });
      try {
        for await (const m of q) {
          outcome.messages.push(m);
          if (m.type === 'result') outcome.result = m;
          onMessage?.(m);
        }
      } catch (err) {
        outcome.error = err;
      }
      return outcome;
    },
    async close() {
      await fake.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The content blocks of every assistant message, in order. */
export function assistantBlocks(messages: SDKMessage[]): WireBlock[] {
  return messages.flatMap((m) => (m.type === 'assistant' ? (m.message.content as WireBlock[]) : []));
}

/** A compact trace of a turn: message type (with subtype) and block types. */
export function trace(messages: SDKMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.type === 'system' && m.subtype === 'thinking_tokens') continue;
    if (m.type === 'assistant' || m.type === 'user') {
      const content = m.message.content;
      const blocks = typeof content === 'string' ? ['text'] : (content as WireBlock[]).map((b) => b.type);
      out.push(`${m.type}:${blocks.join(',')}`);
    } else {
      out.push('subtype' in m ? `${m.type}/${String(m.subtype)}` : m.type);
    }
  }
  return out;
}
