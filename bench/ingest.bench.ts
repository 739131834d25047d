// Transcript ingest: a working agent's transcript persisted and broadcast to
// 10 WebSocket subscribers, sustained — target ≥ 20,000 entries/s. A synthetic
// provider emits a realistic stream as fast as the runtime takes it: per step
// an answer streamed as text deltas, the answer, a tool call and its result of
// 2–20 KB, every message shaped like Claude Code's (its native message kept as
// `raw`, as the Claude mapper keeps it). The stream never waits; it yields to
// the event loop after each 64 KB, as a real CLI's stream does between reads
// of its stdout pipe. The real runtime, transcript store, server and hub do
// the rest. Entries are what the store keeps (the deltas are only broadcast).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { boot } from '../apps/server/src/app/boot';
import { newTaskRow } from '../apps/server/src/engine/transitions/tasks';
import type { LlmProvider, ProviderMessage, TurnHandle } from '../apps/server/src/harness/contract';
import { ProviderRegistry } from '../apps/server/src/harness/registry';
import { silentLogger } from '../apps/server/src/logger';
import { startServer } from '../apps/server/src/app/server';
import { testConfig } from '../apps/server/src/testing/context';
import type { DatabaseConfig } from '../apps/server/src/config';
import { benchAdmin, report } from './lib';

/** Steps of the synthetic agent (BENCH_INGEST_STEPS): each stores three entries and broadcasts its deltas. */
const STEPS = Number(process.env.BENCH_INGEST_STEPS ?? 2000);
/** What one read of a CLI's stdout pipe delivers at most: the stream yields to the event loop after this much. */
const READ_BYTES = 64 * 1024;
const SESSION = 'bench-session';

/**
 * Worker source: opens the subscribers and counts the stored entries they receive (single or batched frames)
 * and the bytes. The subscribers stand in for browsers on other machines, so they are kept cheap, lest their
 * work starve the server of this machine's CPU and get them cut off as too slow: the first parses every frame,
 * checks, frame by frame, the counts the others get by scanning the frame's bytes for the start of a message
 * event and of a delta as the server serializes them (`type` first), and adds up the deltas' text (on another
 * node a fast stream's deltas arrive merged, so their number differs; their text must not); the others parse
 * only the small frames (the subscription's ack among them).
 */
const SUBSCRIBERS_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require('ws');
const START = Buffer.from('{"type":"message","projectId":');
const DELTA = Buffer.from('"message":{"type":"stream_delta"');
const scan = (data, what) => {
  let n = 0;
  for (let at = data.indexOf(what); at !== -1; at = data.indexOf(what, at + what.length)) n++;
  return n;
};
const entriesOf = (data) => scan(data, START) - scan(data, DELTA);
let acks = 0, received = 0, firstReceived = 0, done = false, bytes = 0, deltas = 0, deltaChars = 0;
// Done once every subscriber has every entry, the first (the one that adds up the deltas) included.
const count = (i, n) => {
  received += n;
  if (i === 0) firstReceived += n;
  if (done || received < workerData.expected || firstReceived < workerData.expected / workerData.count) return;
  done = true;
  if (deltaChars !== workerData.deltaChars) parentPort.postMessage('error the deltas carried ' + deltaChars + ' characters of ' + workerData.deltaChars);
  parentPort.postMessage('done ' + bytes + ' ' + deltas);
};
for (let i = 0; i < workerData.count; i++) {
  const ws = new WebSocket(workerData.url, { headers: { authorization: workerData.auth } });
  ws.on('open', () => ws.send(JSON.stringify({ action: 'subscribe', taskId: workerData.taskId })));
  // A subscriber told to resync (code 1012) or cut off as too slow has missed events: the run fails rather than wait forever.
  ws.on('close', (code) => received < workerData.expected && parentPort.postMessage('closed ' + code + ' after ' + received + ' entries'));
  ws.on('message', (data) => {
    if (i === 0) bytes += data.length;
    if (i === 0 || data.length < 4096) {
      const frame = JSON.parse(String(data));
      if (frame.kind === 'ack' && ++acks === workerData.count) parentPort.postMessage('subscribed');
      const events = (frame.kind === 'event' ? [frame.event] : frame.kind === 'events' ? frame.events : []).filter((e) => e.type === 'message');
      const streamed = events.filter((e) => e.message.type === 'stream_delta');
      if (i === 0) {
        deltas += streamed.length;
        for (const e of streamed) deltaChars += e.message.text.length;
        if (events.length - streamed.length !== entriesOf(data)) parentPort.postMessage('error a frame of ' + (events.length - streamed.length) + ' entries scans as ' + entriesOf(data));
      }
      count(i, events.length - streamed.length);
    } else count(i, entriesOf(data));
  });
}
`;
const SUBSCRIBERS = 10;

/** A small deterministic generator (a linear congruential one): the same stream on every run. */
function lcg(seed: number): (lo: number, hi: number) => number {
  let x = seed >>> 0;
  return (lo, hi) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return lo + (x % (hi - lo + 1));
  };
}

const WORDS = 'the a file test change function we now that this it run check build fix error value type module import'.split(' ');
/** Plain ASCII output lines, sliced for tool results (a slice costs nothing to make). */
const OUTPUT = Array.from(
  { length: 1200 },
  (_, i) => `  ok src/features/module-${i % 97}/part-${i}.test.ts (${(i * 7) % 40} tests) ${(i * 13) % 900} ms`,
).join('\n');

/** How many entries (stored) and deltas (only broadcast) the synthetic agent's turn makes. */
function countsOf(steps: number): { entries: number; deltas: number; deltaChars: number } {
  let entries = 0;
  let deltas = 0;
  let deltaChars = 0;
  for (const { message } of agentTranscript(steps)) {
    if (message.type === 'stream_delta') {
      deltas += 1;
      deltaChars += message.text.length;
    } else entries += 1;
  }
  return { entries, deltas, deltaChars };
}

/** The synthetic agent's messages, with the bytes a CLI's stdout would carry for each (roughly: its text). */
function* agentTranscript(steps: number): Generator<{ message: ProviderMessage; bytes: number }> {
  const rand = lcg(18);
  const usage = { input_tokens: 12, output_tokens: 240, cache_creation_input_tokens: 0, cache_read_input_tokens: 48_000 };
  const assistantRaw = (id: string, content: unknown[]) => ({
    type: 'assistant',
    message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content, stop_reason: null, stop_sequence: null, usage },
    parent_tool_use_id: null,
    uuid: `${id}-uuid`,
    session_id: SESSION,
  });
  for (let i = 0; i < steps; i++) {
    const id = `msg_${i}`;
    const length = rand(200, 1500);
    const deltas: string[] = [];
    for (let at = 0; at < length;) {
      const size = rand(20, 60);
      let text = '';
      while (text.length < size) text += `${WORDS[rand(0, WORDS.length - 1)]} `;
      deltas.push(text);
      at += size;
    }
    for (const [k, text] of deltas.entries()) {
      const raw = {
        type: 'stream_event',
        event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        parent_tool_use_id: null,
        uuid: `${id}-d${k}`,
        session_id: SESSION,
      };
      yield {
        message: { type: 'stream_delta', kind: 'text', text, parentId: `${id}:0`, id: `${id}-d${k}`, providerSessionId: SESSION, raw },
        bytes: 200 + text.length,
      };
    }
    const text = deltas.join('');
    yield {
      message: {
        type: 'assistant',
        text,
        id: `${id}:0`,
        providerSessionId: SESSION,
        raw: assistantRaw(id, [{ type: 'text', text }]),
      },
      bytes: 400 + text.length,
    };
    const toolUseId = `toolu_${i}`;
    const input = { command: `npm test -- src/features/module-${i % 97}`, description: `Run the tests of module ${i % 97}` };
    yield {
      message: {
        type: 'tool_use',
        toolUseId,
        name: 'Bash',
        input,
        id: `${id}:1`,
        providerSessionId: SESSION,
        raw: assistantRaw(`${id}b`, [{ type: 'tool_use', id: toolUseId, name: 'Bash', input }]),
      },
      bytes: 500,
    };
    const size = rand(2048, 20480);
    const from = rand(0, OUTPUT.length - 20480);
    const output = OUTPUT.slice(from, from + size);
    yield {
      message: {
        type: 'tool_result',
        toolUseId,
        output,
        isError: false,
        id: `${toolUseId}:result`,
        providerSessionId: SESSION,
        raw: {
          type: 'user',
          message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: output, is_error: false }] },
          parent_tool_use_id: null,
          uuid: `${toolUseId}-uuid`,
          session_id: SESSION,
          tool_use_result: { stdout: output, stderr: '', interrupted: false, isImage: false },
        },
      },
      bytes: 300 + 2 * output.length,
    };
  }
  yield {
    message: {
      type: 'result',
      status: 'success',
      text: 'done',
      usage: null,
      contextUsage: null,
      costUsd: null,
      durationMs: null,
      id: 'result',
      providerSessionId: SESSION,
      raw: null,
    },
    bytes: 600,
  };
}

function syntheticProvider(steps: number): LlmProvider {
  const turn = (): TurnHandle => ({
    pid: null,
    sessionId: Promise.resolve(SESSION),
    abort: async () => undefined,
    messages: (async function* () {
      let read = 0;
      for (const { message, bytes } of agentTranscript(steps)) {
        yield message;
        read += bytes;
        // The end of one read of the pipe: the next arrives on a later turn of the event loop.
        if (read >= READ_BYTES) {
          read = 0;
          await new Promise((r) => setImmediate(r));
        }
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
 * beside `target` (entries per second). Returns the figure.
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
  const counts = countsOf(STEPS);
  // The stored entries all the subscribers get: each gets the prompt and the turn's entries (and the deltas between them).
  const expected = SUBSCRIBERS * (1 + counts.entries);
  const home = await mkdtemp(join(tmpdir(), 'bottega-bench-ingest-'));
  const config = testConfig(home, opts.database ? { database: opts.database } : {});
  const { deps, close } = await boot(config, silentLogger(), {
    providers: new ProviderRegistry().register('anthropic', syntheticProvider(STEPS)),
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
        expected,
        deltaChars: counts.deltaChars,
      },
    });
    const message = (kind: string) =>
      new Promise<string>((resolve, reject) => {
        clients.on('message', (m: string) => {
          if (m.split(' ')[0] === kind) resolve(m);
          if (m.startsWith('closed')) reject(new Error(`a subscriber was ${m} of ${expected}`));
          if (m.startsWith('error ')) reject(new Error(m.slice(6)));
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
    let done: string;
    try {
      done = await allIn;
    } catch (err) {
      await clients.terminate();
      // The server cuts off a subscriber that falls too far behind (or tells it to resync): no rate to report.
      if (!(err instanceof Error) || !err.message.startsWith('a subscriber was closed')) throw err;
      console.log(
        `MISSES transcript ingest (${opts.label}): ${err.message} after ${((performance.now() - t0) / 1000).toFixed(1)} s, so no rate`,
      );
      return NaN;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const dbCpu = dbCpu0 === undefined ? undefined : (await opts.databaseCpuMs!()) - dbCpu0;
    await clients.terminate();
    // The content is ASCII: a payload's length is its size in bytes, on either database.
    const stored = await deps.db
      .selectFrom('transcript_entries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`sum(length(payload))`.as('bytes')])
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== counts.entries + 1) throw new Error(`stored ${stored.n} of ${counts.entries + 1}`);
    const rate = counts.entries / seconds;
    const mb = (bytes: number) => bytes / 1024 / 1024;
    report(
      `transcript ingest (${opts.label}): ${counts.entries} entries (tool results of 2–20 KB, answers, tool calls) stored and broadcast to ${SUBSCRIBERS} subscribers${second ? ' on another node' : ''}, with ${counts.deltas} text deltas broadcast between them`,
      rate,
      'entries/s',
      opts.target,
      'above',
    );
    report('  the same as every message the turn emitted (entries and deltas)', (counts.entries + counts.deltas) / seconds, 'msg/s');
    report(
      `  stored (${mb(Number(stored.bytes)).toFixed(0)} MB of payload, the native message included)`,
      mb(Number(stored.bytes)) / seconds,
      'MB/s',
    );
    const [, receivedBytes, receivedDeltas] = done.split(' ').map(Number);
    report('  received by each subscriber (WebSocket frames)', mb(receivedBytes!) / seconds, 'MB/s');
    console.log(
      `  the ${counts.deltas} text deltas reached each subscriber as ${receivedDeltas}${second ? ' (merged on the way to the other node)' : ''}`,
    );
    // CPU per 1,000 entries, which a busy machine does not inflate the way it inflates the wall-clock rate.
    report(
      `  CPU of this process (server${second ? 's of both nodes' : ''} and subscribers) per 1,000 entries`,
      ((cpu.user + cpu.system) / 1000 / counts.entries) * 1000,
      'ms',
    );
    if (dbCpu !== undefined) report("  CPU of the database's processes per 1,000 entries", (dbCpu / counts.entries) * 1000, 'ms');
    return rate;
  } finally {
    await secondServer?.close();
    await second?.close();
    await server.close();
    await close();
    await rm(home, { recursive: true, force: true });
  }
}
