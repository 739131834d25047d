// The Codex provider driving the REAL Codex CLI (through the SDK) against the
// fake Responses API: a command turn, resume of the same thread, Stop leaving
// no process behind, failures classified, and per-user isolation.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { directive } from '@bottega/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialsMissingError, ProviderError } from '../../contract';
import { drain, follow, isAlive, typesOf } from '../claude/provider.fixture';
import { processesMatching } from '../../../testing/processes';
import { codexPaths } from './credentials';
import { createCodexWorld, type CodexWorld } from './provider.fixture';

const KEY_A = 'sk-codex-user-a-0000';
const KEY_B = 'sk-codex-user-b-1111';
let world: CodexWorld;

beforeEach(async () => {
  world = await createCodexWorld();
  await world.connect(1, KEY_A);
  await world.connect(2, KEY_B);
});
afterEach(async () => {
  await world.close();
});

describe('a Codex turn', () => {
  it('runs a command in cwd: a tool_use/tool_result pair, the reply, and a result with usage', async () => {
    const handle = world.provider.startTurn(
      await world.turn(1, `Make a file. ${directive.bash('echo made > out.txt && echo ok')} ${directive.say('file made')}`, {
        effort: 'low',
      }),
    );
    const { messages, error } = await drain(handle);
    expect(error).toBeNull();
    expect(await readFile(join(world.cwd, 'out.txt'), 'utf8')).toBe('made\n');
    const sessionId = await handle.sessionId;
    expect(typesOf(messages)).toEqual(['system/warning', 'tool_use', 'tool_result', 'assistant', 'result']);
    expect(messages.every((m) => m.providerSessionId === sessionId)).toBe(true);
    const use = messages.find((m) => m.type === 'tool_use');
    expect(use).toMatchObject({ name: 'Bash', input: { command: 'echo made > out.txt && echo ok' } });
    const result = messages.find((m) => m.type === 'tool_result');
    expect(result).toMatchObject({ toolUseId: use?.type === 'tool_use' ? use.toolUseId : '', output: 'ok\n', isError: false });
    const final = messages.at(-1);
    expect(final).toMatchObject({ type: 'result', status: 'success', text: 'file made' });
    expect(final?.type === 'result' && final.usage?.inputTokens).toBeGreaterThan(0);
    // The context meter's figure: the last request against the model's window, from Codex's session file.
    const context = final?.type === 'result' ? final.contextUsage : null;
    expect(context?.usedTokens).toBeGreaterThan(0);
    expect(context?.windowTokens).toBeGreaterThan(context?.usedTokens ?? 0);
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const body = world.fake.modelRequests()[0]?.body as { reasoning?: { effort?: string } };
    expect(body.reasoning?.effort).toBe('low');
  });

  it('resumes the same thread: the next request carries the first turn', async () => {
    const first = world.provider.startTurn(await world.turn(1, `First. ${directive.say('alpha-reply')}`));
    expect((await drain(first)).error).toBeNull();
    const sessionId = await first.sessionId;
    const second = world.provider.sendTurnMessage({
      ...(await world.turn(1, `Second. ${directive.say('beta-reply')}`)),
      resumeSessionId: sessionId,
    });
    const { messages, error } = await drain(second);
    expect(error).toBeNull();
    expect(await second.sessionId).toBe(sessionId);
    expect(messages.at(-1)).toMatchObject({ type: 'result', text: 'beta-reply' });
    const last = JSON.stringify(world.fake.modelRequests().at(-1)?.body);
    expect(last).toContain('alpha-reply');
    expect(last).toContain('First.');
  });

  it('abort stops Codex and its running command, leaving no process behind', async () => {
    const needle = `sleep 987${process.pid % 100}`;
    const handle = world.provider.startTurn(await world.turn(1, directive.bash(needle)));
    const f = follow(handle);
    await world.fake.waitForRequest((r) => r.response?.kind === 'stream', 30_000);
    for (let i = 0; i < 100 && (await processesMatching(needle)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await processesMatching(needle)).length).toBeGreaterThan(0);
    const pid = handle.pid;
    expect(pid).toBeGreaterThan(0);
    await handle.abort();
    const { error } = await f.done;
    expect(error).toBeNull();
    expect(await processesMatching(needle)).toEqual([]);
    expect(await isAlive(pid ?? 0)).toBe(false);
  });

  it('a refused request fails the turn with a classified error', async () => {
    world.fake.failNext(429);
    const { messages, error } = await drain(world.provider.startTurn(await world.turn(1, directive.say('never'))));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', kind: 'transient', code: 'rate_limit' });
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'error' });
  });

  it('refuses an effort outside its vocabulary before starting anything', async () => {
    const { error } = await drain(world.provider.startTurn(await world.turn(1, 'hi', { effort: 'max' })));
    expect(error).toMatchObject({ code: 'invalid_request' });
    expect(world.fake.modelRequests()).toHaveLength(0);
  });
});

describe('per-user isolation', () => {
  it('gives each user their own CODEX_HOME and only their own key, which is all the fake receives', async () => {
    const envA = await world.provider.environmentFor(1);
    const envB = await world.provider.environmentFor(2);
    expect(envA.CODEX_HOME).toBe(codexPaths(world.home, 1).codexHome);
    expect(envB.CODEX_HOME).toBe(codexPaths(world.home, 2).codexHome);
    expect(((await stat(envB.CODEX_HOME ?? '')).mode & 0o777).toString(8)).toBe('700');
    expect(Object.values(envB).join('\n')).not.toContain(KEY_A);
    expect(Object.values(envA).join('\n')).not.toContain(KEY_B);
    for (const name of Object.keys(process.env).filter((k) => /KEY|TOKEN|SECRET/.test(k)))
      expect(envB[name] === process.env[name]).toBe(false);

    const b = world.provider.startTurn(await world.turn(2, `${directive.bash('env')} ${directive.say('done')}`));
    const { messages, error } = await drain(b);
    expect(error).toBeNull();
    const request = world.fake.modelRequests().at(-1);
    expect(request?.headers.authorization).toBe(`Bearer ${KEY_B}`);
    expect(JSON.stringify(world.fake.requests)).not.toContain(KEY_A);
    const output = messages.find((m) => m.type === 'tool_result');
    expect(output?.type === 'tool_result' && output.output).toContain(`CODEX_HOME=${envB.CODEX_HOME}`);
    expect(JSON.stringify(messages)).not.toContain(KEY_A);
    // The model key stays with Codex: its commands never see it.
    expect(JSON.stringify(messages)).not.toContain(KEY_B);
  });

  it('a user without credentials gets CredentialsMissingError', async () => {
    await expect(world.provider.environmentFor(3)).rejects.toBeInstanceOf(CredentialsMissingError);
  });
});
