// Chat turns through the product against the fake Anthropic API, with the
// real Claude Code CLI:
// - per-turn overhead over a bare SDK query() (same two-request turn, same
//   fake): the first turn of a conversation and a follow-up turn, each as
//   paired differences (turns.ts); target < 50 ms, judged on the median's 95 %
//   interval. The bare query() gets the options the product builds for the
//   turn (buildSdkOptions: the same system prompt, environment, streamed
//   deltas, resumed session) but the SDK's own spawn: no sandbox, no process
//   tracking, no runtime, store or WebSocket;
// - 16 concurrent chat turns: all complete, none loses an entry; wall time
//   and peak RSS of the server process reported.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';
import { directive, startFakeAnthropic } from '@bottega/testkit';
import { eventsOfFrame, type ServerFrame, type TaskDto } from '@bottega/protocol';
import WebSocket from 'ws';
import { boot } from '../apps/server/src/app/boot';
import type { TurnOptions } from '../apps/server/src/harness/contract';
import { buildSdkOptions, resolveClaudeExecutable } from '../apps/server/src/harness/providers/claude/options';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, benchPairs, report, reportLoad } from './lib';
import { benchSandbox, chatDriver, chatTurnOptions, comparePerTurn } from './turns';

const CONCURRENT = 16;
/** Long enough for a finished turn's process sweep (300 ms after its end) and its sandbox's teardown. */
const SETTLE_MS = 800;
const PROMPT = directive.bash('echo overhead');
const MODEL = 'claude-sonnet-4-5';

/** The turn straight through the SDK, timed to the result message, as Bottega's turn ends there too. */
async function bareTurn(turn: TurnOptions, resume: string | null): Promise<{ ms: number; session: string }> {
  const t0 = performance.now();
  const { spawnClaudeCodeProcess: _productSpawn, ...options } = buildSdkOptions({
    turn,
    resume,
    executablePath: resolveClaudeExecutable(),
    abortController: new AbortController(),
    mcpServers: {},
    spawn: () => {
      throw new Error('the bare turn uses the SDK’s own spawn');
    },
    gate: { onWaiting: () => undefined },
  });
  let elapsed = 0;
  let session = '';
  for await (const m of query({ prompt: PROMPT, options })) {
    if (m.type !== 'result') continue;
    if (m.is_error) throw new Error('bare turn failed');
    elapsed = performance.now() - t0;
    session = m.session_id;
  }
  if (!session) throw new Error('bare turn ended without a result');
  return { ms: elapsed, session };
}

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-chat-'));
  const fake = await startFakeAnthropic();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', sandbox: benchSandbox() }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const auth = user.auth;
    const call = apiClient(server.url, auth);
    await call('PUT', '/api/providers/anthropic', { apiKey: 'test-key', baseUrl: fake.url });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'bench' });
    await deps.background.drain();

    const turn = await chatTurnOptions(deps, task.id, user.id, 'anthropic', MODEL, PROMPT);
    const driver = await chatDriver(server.url, auth, task.id, 'anthropic', MODEL);
    await comparePerTurn({
      label: 'Claude Code',
      prompt: PROMPT,
      pairs: benchPairs(40),
      settleMs: SETTLE_MS,
      bare: { first: () => bareTurn(turn, null), follow: async (session) => (await bareTurn(turn, session)).ms },
      product: driver,
      afterProductTurn: () => deps.background.drain(),
      target: 50,
    });
    driver.close();
    reportLoad('after the per-turn comparison');

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { authorization: auth } });
    await new Promise((r) => ws.once('open', r));
    const ended = new Map<number, () => void>();
    const received = new Map<number, number>();
    ws.on('message', (data) => {
      for (const e of eventsOfFrame(JSON.parse(String(data)) as ServerFrame)) {
        if (e.type === 'message' && e.message.type !== 'stream_delta')
          received.set(e.conversationId, (received.get(e.conversationId) ?? 0) + 1);
        if (e.type === 'streaming.ended') ended.get(e.conversationId)?.();
      }
    });
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ action: 'subscribe', taskId: task.id }));
    });

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const { conversation } = await call<{ conversation: { id: number } }>('POST', `/api/tasks/${task.id}/conversations`, {
          provider: 'anthropic',
          model: MODEL,
          message: directive.bash('echo one && echo two'),
        });
        await new Promise<void>((resolve) => ended.set(conversation.id, resolve));
        return conversation.id;
      }),
    );
    const wall = performance.now() - t0;
    clearInterval(sampler);
    let lost = 0;
    let failed = 0;
    for (const id of ids) {
      const stored = await deps.harness.store.all(id);
      if (stored.length !== received.get(id)) lost += 1;
      if (!stored.some((m) => m.type === 'result' && m.status === 'success')) failed += 1;
    }
    if (lost > 0 || failed > 0) throw new Error(`${lost} conversations lost entries, ${failed} did not complete`);
    report(`${CONCURRENT} concurrent chat turns: all complete, no entry lost; wall time`, wall, 'ms');
    report(`  peak RSS of the server process during them (the CLIs are separate processes)`, peak / 1024 / 1024, 'MB');
    ws.close();
  } finally {
    await server.close();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
