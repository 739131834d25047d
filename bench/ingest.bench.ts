// Transcript ingest: unified messages persisted and broadcast to 10
// WebSocket subscribers, sustained — target ≥ 20,000 messages/s. A synthetic
// provider emits the messages as fast as the runtime takes them; the real
// runtime, transcript store, server and hub do the rest.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { boot } from '../apps/server/src/app/boot';
import { newTaskRow } from '../apps/server/src/engine/transitions/tasks';
import type { LlmProvider, ProviderMessage, TurnHandle } from '../apps/server/src/harness/contract';
import { ProviderRegistry } from '../apps/server/src/harness/registry';
import { silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import type { DatabaseConfig } from '../apps/server/src/config';
import { benchAdmin, report } from './lib';

const MESSAGES = 100_000;

/** Worker source: opens the subscribers, counts message events (single or batched frames). */
const SUBSCRIBERS_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require('ws');
let acks = 0, received = 0;
for (let i = 0; i < workerData.count; i++) {
  const ws = new WebSocket(workerData.url, { headers: { authorization: workerData.auth } });
  ws.on('open', () => ws.send(JSON.stringify({ action: 'subscribe', taskId: workerData.taskId })));
  // A subscriber told to resync (code 1012) has missed events: the run fails rather than wait forever.
  ws.on('close', (code) => received < workerData.expected && parentPort.postMessage('closed ' + code + ' after ' + received + ' events'));
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.kind === 'ack' && ++acks === workerData.count) parentPort.postMessage('subscribed');
    const events = frame.kind === 'event' ? [frame.event] : frame.kind === 'events' ? frame.events : [];
    for (const e of events) if (e.type === 'message' && ++received === workerData.expected) parentPort.postMessage('done');
  });
}
`;
const SUBSCRIBERS = 10;

function syntheticProvider(count: number): LlmProvider {
  const turn = (): TurnHandle => ({
    pid: null,
    sessionId: Promise.resolve('bench-session'),
    abort: async () => undefined,
    messages: (async function* () {
      for (let i = 0; i < count; i++) {
        const m: ProviderMessage = {
          type: 'assistant',
          text: `message ${i} with a little text to carry`,
          id: `m${i}`,
          providerSessionId: 'bench-session',
          raw: null,
        };
        yield m;
        // Yield to the loop now and then, like a real stream does.
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
    })(),
  });
  return {
    name: 'anthropic',
    capabilities: {
      supportsAskUserQuestion: false,
      supportsThinkingDelta: false,
      supportsContextUsageBreakdown: false,
      supportsMcpServers: false,
      supportsImages: false,
    },
    environmentFor: async () => ({}),
    startTurn: turn,
    sendTurnMessage: turn,
    loadTranscript: async () => [],
    abortTurn: async () => undefined,
    shutdown: async () => undefined,
  };
}

export async function run(): Promise<void> {
  await measureIngest({ label: 'SQLite', target: 20_000 });
}

/**
 * Measures ingest on a database (SQLite in a temp home unless `database` names another) and prints it
 * beside `target` (messages per second). Returns the figure.
 */
export async function measureIngest(opts: {
  database?: DatabaseConfig;
  label: string;
  target: number;
  /** CPU milliseconds the database's own processes have used so far (a server database), for the CPU cost per entry. */
  databaseCpuMs?: () => Promise<number>;
  /** The subscribers connect to a second node (an API node on the same database) while the turn runs on the first. */
  subscribersOnAnotherNode?: boolean;
}): Promise<number> {
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-ingest-'));
  const config = testConfig(home, opts.database ? { database: opts.database } : {});
  const { deps, close } = await boot(config, silentLogger(), {
    providers: new ProviderRegistry().register('anthropic', syntheticProvider(MESSAGES)),
  });
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  // The second node boots over the same configuration (database, schema, home), as a deployment's API node would.
  const second = opts.subscribersOnAnotherNode ? await boot(config, silentLogger(), { role: 'api' }) : null;
  const secondServer = second ? await startServer(second.deps, { host: '127.0.0.1', port: 0 }) : null;
  try {
    const now = new Date().toISOString();
    const user = await benchAdmin(deps);
    const project = await deps.db
      .insertInto('projects')
      .values({ name: 'Bench', repo_path: home, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const task = await deps.db
      .insertInto('tasks')
      .values(newTaskRow({ project_id: project.id, owner_id: user.id, title: 'ingest', yolo_mode: 0, created_at: now, updated_at: now }))
      .returningAll()
      .executeTakeFirstOrThrow();
    const auth = user.auth;
    // The subscribers run in a worker thread, as browsers would run elsewhere:
    // their parsing must not be billed to the server.
    const clients = new Worker(SUBSCRIBERS_SCRIPT, {
      eval: true,
      workerData: {
        url: `${(secondServer ?? server).url.replace('http', 'ws')}/ws`,
        auth,
        taskId: task.id,
        count: SUBSCRIBERS,
        expected: SUBSCRIBERS * (MESSAGES + 1),
      },
    });
    const message = (kind: string) =>
      new Promise<void>((resolve, reject) => {
        clients.on('message', (m: string) => {
          if (m === kind) resolve();
          if (m.startsWith('closed')) reject(new Error(`a subscriber was ${m} of ${SUBSCRIBERS * (MESSAGES + 1)}`));
        });
        clients.once('error', reject);
      });
    const subscribed = message('subscribed');
    const allIn = message('done');
    // Awaited once the turn has started; a failure before that must not count as unhandled.
    allIn.catch(() => undefined);
    await subscribed;
    const cpu0 = process.cpuUsage();
    const dbCpu0 = await opts.databaseCpuMs?.();
    const t0 = performance.now();
    await deps.harness.start({
      taskId: task.id,
      projectId: project.id,
      userId: user.id,
      cwd: home,
      confinement: { mounts: [{ path: home, access: 'rw' }], hosts: [] },
      systemPrompt: null,
      permissionMode: 'bypass',
      disallowedTools: [],
      kind: 'chat',
      provider: 'anthropic',
      model: 'bench',
      effort: null,
      title: null,
      prompt: 'go',
    });
    await allIn.catch(async (err: unknown) => {
      await clients.terminate();
      throw err;
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const dbCpu = dbCpu0 === undefined ? undefined : (await opts.databaseCpuMs!()) - dbCpu0;
    await clients.terminate();
    const stored = await deps.db
      .selectFrom('transcript_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== MESSAGES + 1) throw new Error(`stored ${stored.n} of ${MESSAGES + 1}`);
    const rate = MESSAGES / seconds;
    report(
      `transcript ingest (${opts.label}): ${MESSAGES} messages stored and broadcast to ${SUBSCRIBERS} subscribers${second ? ' on another node' : ''}`,
      rate,
      'msg/s',
      opts.target,
      'above',
    );
    // CPU per 1,000 entries, which a busy machine does not inflate the way it inflates the wall-clock rate.
    report(
      `  CPU of this process (server${second ? 's of both nodes' : ''} and subscribers) per 1,000 entries`,
      ((cpu.user + cpu.system) / 1000 / MESSAGES) * 1000,
      'ms',
    );
    if (dbCpu !== undefined) report("  CPU of the database's processes per 1,000 entries", (dbCpu / MESSAGES) * 1000, 'ms');
    return rate;
  } finally {
    await secondServer?.close();
    await second?.close();
    await server.close();
    await close();
    await rm(home, { recursive: true, force: true });
  }
}
