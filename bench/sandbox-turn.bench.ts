// What the agent sandbox adds to a turn: the same Claude Code and Codex turns
// (two model requests and one shell command, against the same local fake),
// through the same provider code, once unconfined (BOTTEGA_SANDBOX=off) and
// once in bubblewrap with its network relays, alternating so both see the same
// machine. Each turn starts after the previous one's leftovers are gone (its
// process sweep, and for a confined turn the kernel's teardown of its
// namespaces), so neither mode pays for the other's cleanup. Target: < 30 ms
// median added per turn.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { directive, startFakeAnthropic, startFakeOpenAI } from '@bottega/testkit';
import type { LlmProvider, TurnOptions } from '../apps/server/src/harness/contract';
import { saveClaudeCredentials } from '../apps/server/src/harness/providers/claude/credentials';
import { createClaudeProvider } from '../apps/server/src/harness/providers/claude/provider';
import { saveCodexCredentials } from '../apps/server/src/harness/providers/codex/credentials';
import { createCodexProvider } from '../apps/server/src/harness/providers/codex/provider';
import { silentLogger } from '../apps/server/src/logger';
import { Sandbox, type SandboxMode } from '../apps/server/src/sandbox/sandbox';
import { initRepo } from '../apps/server/src/testing/git';
import { median, report } from './lib';

const ROUNDS = 21;
/** Long enough for a finished turn's process sweep (300 ms after its end) and namespace teardown. */
const SETTLE_MS = 800;
const PROMPT = `${directive.bash('echo confined')} ${directive.say('done')}`;

type Make = (sandbox: Sandbox) => LlmProvider;

async function turnMs(provider: LlmProvider, model: string, cwd: string): Promise<number> {
  const options: TurnOptions = {
    cwd,
    confinement: { mounts: [{ path: cwd, access: 'rw' }], hosts: [] },
    model,
    effort: null,
    systemPrompt: null,
    permissionMode: 'bypass',
    disallowedTools: [],
    env: await provider.environmentFor(1),
    signal: new AbortController().signal,
    prompt: PROMPT,
  };
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const t0 = performance.now();
  let elapsed = 0;
  for await (const m of provider.startTurn(options).messages) if (m.type === 'result') elapsed = performance.now() - t0;
  if (elapsed === 0) throw new Error('the turn ended without a result');
  return elapsed;
}

async function compare(label: string, home: string, cwd: string, model: string, make: Make): Promise<void> {
  const providers = {} as Record<SandboxMode, LlmProvider>;
  for (const mode of ['off', 'required'] as const)
    providers[mode] = make(await Sandbox.create({ mode, home, logger: silentLogger(), signalUrl: () => null }));
  try {
    await turnMs(providers.off, model, cwd);
    await turnMs(providers.required, model, cwd);
    const off: number[] = [];
    const confined: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      off.push(await turnMs(providers.off, model, cwd));
      confined.push(await turnMs(providers.required, model, cwd));
    }
    report(`${label} turn unconfined, median of ${ROUNDS}`, median(off), 'ms');
    report(`${label} turn in the sandbox, median of ${ROUNDS}`, median(confined), 'ms');
    report(`sandbox overhead per ${label} turn (difference of medians)`, median(confined) - median(off), 'ms', 30);
  } finally {
    await Promise.all(Object.values(providers).map((p) => p.shutdown()));
  }
}

export async function run(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-sandbox-'));
  const anthropic = await startFakeAnthropic();
  const openai = await startFakeOpenAI();
  try {
    const cwd = await initRepo(join(home, 'repo'));
    await saveClaudeCredentials(home, 1, { apiKey: 'sk-bench', baseUrl: anthropic.url });
    await saveCodexCredentials(home, 1, { method: 'api-key', apiKey: 'sk-bench', baseUrl: openai.baseUrl });
    const logger = silentLogger();
    await compare('Claude Code', home, cwd, 'claude-sonnet-4-5', (sandbox) =>
      createClaudeProvider({ home, logger, stallTimeoutMs: 60_000, sandbox }),
    );
    await compare('Codex', home, cwd, 'gpt-5.1-codex', (sandbox) => createCodexProvider({ home, logger, stallTimeoutMs: 60_000, sandbox }));
    const [one, five] = loadavg();
    console.log(`INFO   machine load while measuring: ${one?.toFixed(2)} (1 min), ${five?.toFixed(2)} (5 min) on 2 cores`);
  } finally {
    await anthropic.close();
    await openai.close();
    await rm(home, { recursive: true, force: true });
  }
}
