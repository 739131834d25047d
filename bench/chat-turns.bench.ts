// Chat turns through the product against the fake Anthropic API, with the
// real Claude Code CLI:
// - per-turn overhead over a bare SDK query() (same two-request turn, same
//   fake): target < 50 ms median added;
// - 16 concurrent chat turns: all complete, none loses an entry; wall time
//   and peak RSS of the server process reported.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';
import { claudeEnv, directive, startFakeAnthropic } from '@bottega/testkit';
import { eventsOfFrame, type ServerFrame, type TaskDto } from '@bottega/protocol';
import WebSocket from 'ws';
import { boot } from '../apps/server/src/app/boot';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, median, report } from './lib';

const ROUNDS = 10;
const CONCURRENT = 16;
const PROMPT = directive.bash('echo overhead');

async function bareTurn(fakeUrl: string, home: string, cwd: string): Promise<number> {
  const t0 = performance.now();
  const q = query({
    prompt: PROMPT,
    options: {
      cwd,
      model: 'claude-sonnet-4-5',
      env: claudeEnv({ baseUrl: fakeUrl, home, extra: { CLAUDE_CODE_MAX_RETRIES: '2' } }),
      permissionMode: 'bypassPermissions',
      allowDangerouslySkipPermissions: true,
      settingSources: [],
    },
  });
  // Timed to the result message, as Bottega's turn ends there too (the CLI's exit is not waited for).
  let elapsed = 0;
  for await (const m of q) {
    if (m.type !== 'result') continue;
    if (m.is_error) throw new Error('bare turn failed');
    elapsed = performance.now() - t0;
  }
  return elapsed;
}

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-chat-'));
  const fake = await startFakeAnthropic();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off' }), silentLogger());
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
    const productTurn = async (): Promise<number> => {
      const t0 = performance.now();
      const { conversation } = await call<{ conversation: { id: number } }>('POST', `/api/tasks/${task.id}/conversations`, {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        message: PROMPT,
      });
      await new Promise<void>((resolve) => ended.set(conversation.id, resolve));
      return performance.now() - t0;
    };

    const bareHome = join(home, 'bare');
    const bareCwd = task.worktreePath ?? repo;
    await bareTurn(fake.url, bareHome, bareCwd);
    await productTurn();
    const bare: number[] = [];
    const product: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareTurn(fake.url, bareHome, bareCwd));
      product.push(await productTurn());
    }
    report(`bare SDK query() turn (2 model requests + 1 Bash call), median of ${ROUNDS}`, median(bare), 'ms');
    report(`the same turn through Bottega (HTTP → runtime → store → WebSocket), median of ${ROUNDS}`, median(product), 'ms');
    report('per-turn overhead added by Bottega (difference of medians)', median(product) - median(bare), 'ms', 50);

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const { conversation } = await call<{ conversation: { id: number } }>('POST', `/api/tasks/${task.id}/conversations`, {
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
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
