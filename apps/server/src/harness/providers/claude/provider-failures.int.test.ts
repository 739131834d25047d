// The Claude provider's failure paths with the REAL CLI against the fake API:
// abort kills the CLI and its Bash children, stalls are bounded, a stale 401
// is recovered once in a fresh process, a persistent 401 / bad key is fatal.
import { directive } from '@bottega/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../contract';
import { CLAUDE_MAX_RETRIES } from './credentials';
import { createWorld, drain, follow, isAlive, processesMatching, typesOf, type World } from './provider.fixture';

const KEY = 'sk-ant-api03-failures-0000';
let world: World | null = null;

async function setUp(opts: Parameters<typeof createWorld>[0] = {}): Promise<World> {
  world = await createWorld(opts);
  await world.connect(1, KEY);
  return world;
}
afterEach(async () => {
  await world?.close();
  world = null;
});

/** One model request fails this many times in one process before the CLI gives up. */
const FAILS_PER_PROCESS = CLAUDE_MAX_RETRIES + 1;

describe('leftovers', () => {
  it('sweeps a background process a finished turn left behind, at the latest at shutdown', async () => {
    const w = await setUp();
    const marker = `sleep 43.${process.pid}`;
    const handle = w.provider.startTurn(await w.turn(1, directive.bash(`(${marker} &) ; echo spawned`)));
    const { error } = await drain(handle);
    expect(error).toBeNull();
    await w.provider.shutdown();
    expect(await isAlive(handle.pid as number)).toBe(false);
    expect(await processesMatching(marker)).toEqual([]);
  });
});

describe('abort', () => {
  it('kills the CLI and the running Bash command, ends the stream, and the session stays resumable', async () => {
    const w = await setUp();
    // A standalone `sleep N` is refused by Claude Code's Bash tool; a compound command runs.
    const marker = `sleep 31.${process.pid}`;
    const handle = w.provider.startTurn(await w.turn(1, `Wait. ${directive.bash(`echo started; ${marker}`)}`));
    const run = follow(handle);
    await run.until((m) => m.type === 'tool_use');
    const cli = handle.pid as number;
    let sleepers: number[] = [];
    for (let i = 0; i < 200 && sleepers.length === 0; i++) {
      sleepers = await processesMatching(marker);
      if (sleepers.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(sleepers.length).toBeGreaterThan(0);
    expect(await isAlive(cli)).toBe(true);

    const started = Date.now();
    await handle.abort();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await isAlive(cli)).toBe(false);
    expect(await processesMatching(marker)).toEqual([]);
    const { error } = await run.done;
    expect(error).toBeNull();

    const sessionId = await handle.sessionId;
    const next = w.provider.sendTurnMessage({ ...(await w.turn(1, `Again. ${directive.say('still here')}`)), resumeSessionId: sessionId });
    const { messages, error: nextError } = await drain(next);
    expect(nextError).toBeNull();
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'still here' });
  });

  it('aborts through the turn signal and through abortTurn(sessionId)', async () => {
    const w = await setUp();
    const controller = new AbortController();
    const viaSignal = w.provider.startTurn(await w.turn(1, `Wait. ${directive.bash('echo a; sleep 32')}`, { signal: controller.signal }));
    const run = follow(viaSignal);
    await run.until((m) => m.type === 'tool_use');
    controller.abort();
    expect((await run.done).error).toBeNull();
    expect(await isAlive(viaSignal.pid as number)).toBe(false);

    const viaId = w.provider.startTurn(await w.turn(1, `Wait. ${directive.bash('echo b; sleep 33')}`));
    const run2 = follow(viaId);
    await run2.until((m) => m.type === 'tool_use');
    await w.provider.abortTurn(await viaId.sessionId);
    expect(await isAlive(viaId.pid as number)).toBe(false);
    expect((await run2.done).error).toBeNull();
    expect(await processesMatching('sleep 33')).toEqual([]);
  });
});

describe('stall', () => {
  it('stops a turn whose model stream goes silent, with a transient "stalled" error and no process left', async () => {
    const w = await setUp({ stallTimeoutMs: 1500 });
    w.fake.stallNext();
    const handle = w.provider.startTurn(await w.turn(1, 'Hello.'));
    const started = Date.now();
    const { error } = await drain(handle);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'transient', code: 'stalled' });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(await isAlive(handle.pid as number)).toBe(false);
  });

  it('does not count a long-running tool as a stall', async () => {
    const w = await setUp({ stallTimeoutMs: 700 });
    const { messages, error } = await drain(
      w.provider.startTurn(await w.turn(1, `Work. ${directive.bash('echo go; sleep 1.5; echo ok')}`)),
    );
    expect(error).toBeNull();
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success' });
  });
});

describe('401 recovery', () => {
  it('continues the turn in a fresh process after a rejected credential mid-turn', async () => {
    const w = await setUp();
    const handle = w.provider.startTurn(await w.turn(1, `Two steps. ${directive.bash('echo one')} ${directive.say('finished both')}`));
    const run = follow(handle);
    await w.fake.waitForRequest((r) => r.path === '/v1/messages' && r.response?.kind === 'stream');
    w.fake.failNext(401, { count: FAILS_PER_PROCESS });
    const { messages, error } = await run.done;
    expect(error).toBeNull();
    const types = typesOf(messages);
    expect(types.filter((t) => t === 'system/init')).toHaveLength(2);
    expect(types).toContain('system/retry');
    expect(types.at(-1)).toBe('result');
    expect(messages.at(-1)).toMatchObject({ status: 'success' });
    expect(messages.filter((m) => m.type === 'result')).toHaveLength(1);
  });

  it('fails fatally with a clear message when the 401 persists in the fresh process', async () => {
    const w = await setUp();
    w.fake.failNext(401, { count: 2 * FAILS_PER_PROCESS + 2 });
    const started = Date.now();
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({
      kind: 'fatal',
      code: 'auth',
      message: expect.stringContaining('the Anthropic credentials were rejected'),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'error' });
    expect(typesOf(messages).filter((t) => t === 'system/init')).toHaveLength(2);
  });

  it('reports a key the API does not accept as fatal', async () => {
    const w = await setUp({ fake: { requireAuth: { apiKey: 'sk-ant-api03-the-right-key' } } });
    const { error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'fatal', code: 'auth', message: expect.stringContaining('credentials were rejected') });
    expect(w.fake.modelRequests().every((r) => r.headers['x-api-key'] === KEY)).toBe(true);
  });
});

describe('other API failures', () => {
  it('classifies an unknown model (404) as fatal and still yields the error result', async () => {
    const w = await setUp();
    w.fake.failNext(404, { count: 5, body: { type: 'error', error: { type: 'not_found_error', message: 'model: claude-nope' } } });
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'fatal', code: 'invalid_request' });
    expect(typesOf(messages)).toEqual(['system/init', 'system/error', 'result']);
  });

  it('classifies an overloaded API as transient after the CLI retries', async () => {
    const w = await setUp();
    w.fake.failNext(529, { count: FAILS_PER_PROCESS });
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, 'Hello.')));
    expect(error).toMatchObject({ kind: 'transient', code: 'overloaded' });
    expect(typesOf(messages).filter((t) => t === 'system/retry')).toHaveLength(CLAUDE_MAX_RETRIES);
  });
});
