// Codex chat turns through the product against the fake Responses API, with
// the real Codex CLI: per-turn overhead over the bare SDK (the same
// two-request turn with one command, the same fake, the same custom-provider
// configuration). Target: < 50 ms median added.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codex } from '@openai/codex-sdk';
import { codexFakeConfig, directive, startFakeOpenAI } from '@bottega/testkit';
import { eventsOfFrame, type ServerFrame, type TaskDto } from '@bottega/protocol';
import WebSocket from 'ws';
import { boot } from '../apps/server/src/app/boot';
import { resolveCodexExecutable } from '../apps/server/src/harness/providers/codex/options';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { apiClient, benchAdmin, median, report } from './lib';

const ROUNDS = 10;
const MODEL = 'gpt-5.1-codex';
const KEY = 'sk-bench-codex-key';
const PROMPT = `${directive.bash('echo overhead')} ${directive.say('done')}`;

async function bareTurn(baseUrl: string, home: string, cwd: string): Promise<number> {
  const t0 = performance.now();
  const codex = new Codex({
    codexPathOverride: resolveCodexExecutable(),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: join(home, '.codex'), OPENAI_API_KEY: KEY },
    config: codexFakeConfig({ baseUrl, envKey: 'OPENAI_API_KEY' }) as NonNullable<ConstructorParameters<typeof Codex>[0]>['config'],
  });
  const thread = codex.startThread({
    model: MODEL,
    workingDirectory: cwd,
    skipGitRepoCheck: true,
    sandboxMode: 'danger-full-access',
    approvalPolicy: 'never',
  });
  const { events } = await thread.runStreamed(PROMPT);
  let elapsed = 0;
  for await (const e of events) {
    if (e.type === 'turn.failed') throw new Error(`bare turn failed: ${e.error.message}`);
    if (e.type === 'turn.completed') elapsed = performance.now() - t0;
  }
  return elapsed;
}

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-codex-'));
  const fake = await startFakeOpenAI();
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off' }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await call('PUT', '/api/providers/openai', { apiKey: KEY, baseUrl: fake.baseUrl });
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'bench' });
    await deps.background.drain();

    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { authorization: user.auth } });
    await new Promise((r) => ws.once('open', r));
    const ended = new Map<number, () => void>();
    ws.on('message', (data) => {
      for (const e of eventsOfFrame(JSON.parse(String(data)) as ServerFrame))
        if (e.type === 'streaming.ended') ended.get(e.conversationId)?.();
    });
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ action: 'subscribe', taskId: task.id }));
    });
    const productTurn = async (): Promise<number> => {
      const t0 = performance.now();
      const { conversation } = await call<{ conversation: { id: number } }>('POST', `/api/tasks/${task.id}/conversations`, {
        provider: 'openai',
        model: MODEL,
        message: PROMPT,
      });
      await new Promise<void>((resolve) => ended.set(conversation.id, resolve));
      return performance.now() - t0;
    };

    const bareHome = join(home, 'bare');
    await mkdir(join(bareHome, '.codex'), { recursive: true });
    const cwd = task.worktreePath ?? repo;
    await bareTurn(fake.baseUrl, bareHome, cwd);
    await productTurn();
    const bare: number[] = [];
    const product: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareTurn(fake.baseUrl, bareHome, cwd));
      product.push(await productTurn());
    }
    report(`bare Codex SDK turn (2 model requests + 1 command), median of ${ROUNDS}`, median(bare), 'ms');
    report(`the same turn through Bottega (HTTP → runtime → store → WebSocket), median of ${ROUNDS}`, median(product), 'ms');
    report('per-turn overhead added by Bottega on Codex (difference of medians)', median(product) - median(bare), 'ms', 50);
    ws.close();
  } finally {
    await server.close();
    await close();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
