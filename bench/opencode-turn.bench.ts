// OpenCode turns through the product against the fake Chat Completions API,
// with the real `opencode serve`:
// - per-turn overhead over the bare SDK on a warm server of its own (same
//   fake, same two-request turn with one bash call): the first turn of a
//   conversation and a follow-up turn, each as paired differences (turns.ts);
//   target < 50 ms, judged on the median's 95 % interval. Per turn the bare
//   side makes the SDK calls the product makes (OpenCodeTurn): a session
//   created for a new conversation only, an event subscription opened for
//   the turn and closed after it, the prompt with the same agent, tools and
//   system prompt, the wait for the session's `session.idle`;
// - the first turn of a user (cold: the user's server is started), end to end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpencodeClient } from '@opencode-ai/sdk/v2/client';
import { directive, startFakeChatCompletions } from '@bottega/testkit';
import type { TaskDto } from '@bottega/protocol';
import { boot } from '../apps/server/src/app/boot';
import { routeProcessWarnings, silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import { initRepo } from '../apps/server/src/testing/git';
import { opencodeServerEnvironment, parseModel, prepareOpencodeDirs } from '../apps/server/src/harness/providers/opencode/config';
import { OpencodeServerProcess, resolveOpencodeBinary } from '../apps/server/src/harness/providers/opencode/server-process';
import { apiClient, benchAdmin, benchPairs, median, report } from './lib';
import { benchSandbox, chatDriver, chatTurnOptions, comparePerTurn } from './turns';

const COLD_ROUNDS = 3;
/** An OpenCode turn starts no process of its own but the command's: a short pause is enough. */
const SETTLE_MS = 300;
const PROMPT = directive.bash('echo overhead');
const MODEL = 'custom/fake-model';

export async function run(): Promise<void> {
  routeProcessWarnings(silentLogger());
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-opencode-'));
  const fake = await startFakeChatCompletions({ apiKey: 'sk-bench-opencode' });
  const credentials = { custom: { baseUrl: fake.baseUrl, apiKey: 'sk-bench-opencode', models: ['fake-model'] } };
  const { deps, close } = await boot(testConfig(home, { depsCopy: 'off', sandbox: benchSandbox() }), silentLogger());
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

    // What the product sends OpenCode for a chat turn on this task (OpencodeTurn.run).
    const options = await chatTurnOptions(deps, task.id, user.id, 'opencode', MODEL, PROMPT);
    const model = parseModel(MODEL)!;
    const cwd = options.cwd;
    const system = options.systemPrompt?.text;
    const bareTurn = async (resume: string | null): Promise<{ ms: number; session: string }> => {
      const t0 = performance.now();
      const client = createOpencodeClient({ baseUrl: bareServer.url, headers: { authorization: bareServer.authorization } });
      let session = resume;
      if (!session) {
        const created = (await client.session.create({ directory: cwd })).data;
        if (!created) throw new Error('bare session.create failed');
        session = created.id;
      }
      const subscription = new AbortController();
      try {
        const sub = await client.event.subscribe({ directory: cwd }, { signal: subscription.signal, sseMaxRetryAttempts: 1 });
        const events = sub.stream[Symbol.asyncIterator]();
        await events.next();
        const sent = await client.session.promptAsync({
          sessionID: session,
          directory: cwd,
          model,
          agent: 'build',
          tools: { question: false },
          ...(system ? { system } : {}),
          parts: [{ type: 'text', text: PROMPT }],
        });
        if (sent.error !== undefined) throw new Error('bare prompt failed');
        for (;;) {
          const next = await events.next();
          if (next.done) throw new Error('bare stream ended');
          if (next.value.type === 'session.error') throw new Error('bare turn failed');
          if (next.value.type === 'session.idle' && next.value.properties.sessionID === session) break;
        }
        return { ms: performance.now() - t0, session };
      } finally {
        subscription.abort();
      }
    };

    const driver = await chatDriver(server.url, user.auth, task.id, 'opencode', MODEL);
    const provider = deps.providers.get('opencode') as unknown as { invalidate(userId: number): Promise<void> };
    const cold: number[] = [];
    for (let i = 0; i < COLD_ROUNDS; i++) {
      await provider.invalidate(user.id);
      cold.push((await driver.start(PROMPT)).ms);
      await deps.background.drain();
    }
    report(`first turn of a user, cold (their opencode serve started), median of ${COLD_ROUNDS}`, median(cold), 'ms');

    await comparePerTurn({
      label: 'OpenCode',
      prompt: PROMPT,
      pairs: benchPairs(40),
      settleMs: SETTLE_MS,
      bare: { first: () => bareTurn(null), follow: async (session) => (await bareTurn(session)).ms },
      product: driver,
      afterProductTurn: () => deps.background.drain(),
      target: 50,
    });
    driver.close();
  } finally {
    await server.close();
    await close();
    await bareServer.stop();
    await fake.close();
    await rm(home, { recursive: true, force: true });
  }
}
