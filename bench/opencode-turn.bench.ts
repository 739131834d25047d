// OpenCode turns through the product against the fake Chat Completions API,
// with the real `opencode serve`:
// - per-turn overhead over the bare SDK (session.create, subscribe,
//   promptAsync, wait for session.idle on a warm server of its own, same
//   fake, same two-request turn with one bash call): target < 50 ms median;
// - the first turn of a user (cold: the user's server is started) and warm
//   turns, end to end (HTTP → runtime → store → WebSocket).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import { directive, startFakeChatCompletions } from '@bottega/testkit';
import { eventsOfFrame, type ServerFrame, type TaskDto } from '@bottega/protocol';
import WebSocket from 'ws';
import { boot } from '../apps/server/src/app/boot';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { opencodeServerEnvironment, prepareOpencodeDirs } from '../apps/server/src/harness/providers/opencode/config';
import { OpencodeServerProcess, resolveOpencodeBinary } from '../apps/server/src/harness/providers/opencode/server-process';
import { apiClient, benchAdmin, median, report } from './lib';

const ROUNDS = 10;
const COLD_ROUNDS = 3;
const PROMPT = directive.bash('echo overhead');
const MODEL = 'custom/fake-model';

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-opencode-'));
  const fake = await startFakeChatCompletions({ apiKey: 'sk-bench-opencode' });
  const credentials = { custom: { baseUrl: fake.baseUrl, apiKey: 'sk-bench-opencode', models: ['fake-model'] } };
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off' }), silentLogger());
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  // The bare SDK's own server: user 999's directories, the same configuration.
  await prepareOpencodeDirs(home, 999);
  const bareServer = await OpencodeServerProcess.start({
    binary: resolveOpencodeBinary(),
    env: opencodeServerEnvironment(home, 999, credentials),
    cwd: home,
    instanceHome: home,
    logger: silentLogger(),
  });
  try {
    const user = await benchAdmin(deps);
    const call = apiClient(server.url, user.auth);
    await call('PUT', '/api/providers/opencode', credentials);
    const repo = await initRepo(join(home, 'repos', 'repo'));
    const { project } = await call<{ project: { id: number } }>('POST', '/api/projects', { name: 'Bench', repoPath: repo });
    const { task } = await call<{ task: TaskDto }>('POST', `/api/projects/${project.id}/tasks`, { title: 'bench' });
    await deps.background.drain();
    const cwd = task.worktreePath ?? repo;

    const client = createOpencodeClient({ baseUrl: bareServer.url, headers: { authorization: bareServer.authorization } });
    const bareTurn = async (): Promise<number> => {
      const t0 = performance.now();
      const session = (await client.session.create({ directory: cwd })).data;
      if (!session) throw new Error('bare session.create failed');
      const controller = new AbortController();
      const sub = await client.event.subscribe({ directory: cwd }, { signal: controller.signal });
      const events = sub.stream[Symbol.asyncIterator]();
      await events.next();
      await client.session.promptAsync({
        sessionID: session.id,
        directory: cwd,
        model: { providerID: 'custom', modelID: 'fake-model' },
        parts: [{ type: 'text', text: PROMPT }],
      });
      for (;;) {
        const next = await events.next();
        if (next.done) throw new Error('bare stream ended');
        if (next.value.type === 'session.idle' && next.value.properties.sessionID === session.id) break;
      }
      const elapsed = performance.now() - t0;
      controller.abort();
      return elapsed;
    };

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
        provider: 'opencode',
        model: MODEL,
        message: PROMPT,
      });
      await new Promise<void>((resolve) => ended.set(conversation.id, resolve));
      return performance.now() - t0;
    };

    const provider = deps.providers.get('opencode') as unknown as { invalidate(userId: number): Promise<void> };
    const cold: number[] = [];
    for (let i = 0; i < COLD_ROUNDS; i++) {
      await provider.invalidate(user.id);
      cold.push(await productTurn());
    }
    await bareTurn();
    const bare: number[] = [];
    const product: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareTurn());
      product.push(await productTurn());
    }
    report(`first turn of a user, cold (their opencode serve started), median of ${COLD_ROUNDS}`, median(cold), 'ms');
    report(
      `bare SDK turn on a warm server (create, subscribe, prompt, idle; 2 model requests + 1 bash), median of ${ROUNDS}`,
      median(bare),
      'ms',
    );
    report(`warm turn through Bottega (HTTP → runtime → pool → store → WebSocket), median of ${ROUNDS}`, median(product), 'ms');
    report('per-turn overhead added by Bottega (difference of medians)', median(product) - median(bare), 'ms', 50);
    ws.close();
  } finally {
    await server.close();
    await close();
    await bareServer.stop();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
