// Codex chat turns through the product against the fake Responses API, with
// the real Codex CLI: per-turn overhead over the bare SDK (the same
// two-request turn with one command, the same fake): the first turn of a
// conversation (a new thread) and a follow-up turn (the thread resumed), each
// as paired differences (turns.ts); target < 50 ms, judged on the median's
// 95 % interval. The bare SDK gets the options the product builds for the
// turn (buildCodexOptions: the same provider configuration, system prompt,
// environment and thread options) but runs `codex exec` unconfined, with no
// process tracking, runtime, store or WebSocket.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codex } from '@openai/codex-sdk';
import { directive, startFakeOpenAI } from '@bottega/testkit';
import type { TaskDto } from '@bottega/protocol';
import { boot } from '../apps/server/src/app/boot';
import type { TurnOptions } from '../apps/server/src/harness/contract';
import { buildCodexOptions, resolveCodexExecutable } from '../apps/server/src/harness/providers/codex/options';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, benchPairs } from './lib';
import { benchSandbox, chatDriver, chatTurnOptions, comparePerTurn } from './turns';

const MODEL = 'gpt-5.1-codex';
const KEY = 'sk-bench-codex-key';
const PROMPT = `${directive.bash('echo overhead')} ${directive.say('done')}`;
/** Long enough for a finished turn's process sweep (300 ms after the CLI's exit) and its sandbox's teardown. */
const SETTLE_MS = 800;

/** The turn straight through the SDK, timed to `turn.completed`, as Bottega's turn ends there too. */
async function bareTurn(turn: TurnOptions, resume: string | null): Promise<{ ms: number; session: string }> {
  const t0 = performance.now();
  const sdk = buildCodexOptions(turn, resolveCodexExecutable());
  const codex = new Codex(sdk.codex);
  const thread = resume ? codex.resumeThread(resume, sdk.thread) : codex.startThread(sdk.thread);
  const { events } = await thread.runStreamed(PROMPT);
  let elapsed = 0;
  let session = resume ?? '';
  for await (const e of events) {
    if (e.type === 'thread.started') session = e.thread_id;
    if (e.type === 'turn.failed') throw new Error(`bare turn failed: ${e.error.message}`);
    if (e.type === 'turn.completed') elapsed = performance.now() - t0;
  }
  if (elapsed === 0 || !session) throw new Error('the bare turn did not complete');
  return { ms: elapsed, session };
}

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-codex-'));
  const fake = await startFakeOpenAI();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', sandbox: benchSandbox() }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await call('PUT', '/api/providers/openai', { apiKey: KEY, baseUrl: fake.baseUrl });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'bench' });
    await deps.background.drain();

    const turn = await chatTurnOptions(deps, task.id, user.id, 'openai', MODEL, PROMPT);
    const driver = await chatDriver(server.url, user.auth, task.id, 'openai', MODEL);
    await comparePerTurn({
      label: 'Codex',
      prompt: PROMPT,
      pairs: benchPairs(40),
      settleMs: SETTLE_MS,
      bare: { first: () => bareTurn(turn, null), follow: async (session) => (await bareTurn(turn, session)).ms },
      product: driver,
      afterProductTurn: () => deps.background.drain(),
      target: 50,
    });
    driver.close();
  } finally {
    await server.close();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
