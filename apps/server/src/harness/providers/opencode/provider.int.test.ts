// The OpenCode provider against the real `opencode serve` and the fake Chat
// Completions API: tool calls, resume, stop, model errors, per-turn
// environment, and the catalog of the user's live server.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directive, type ChatRequest } from '@bottega/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialsMissingError, ProviderError } from '../../contract';
import { drain, follow, typesOf } from '../claude/provider.fixture';
import { createOpencodeWorld, MODEL, type OpencodeWorld } from './provider.fixture';

let w: OpencodeWorld;

beforeEach(async () => {
  w = await createOpencodeWorld();
});

afterEach(async () => {
  await w.close();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('OpenCode turns', () => {
  it('runs a bash tool call and ends with a result at session.idle', async () => {
    await w.connect(1, 'sk-user-one');
    const handle = w.provider.startTurn(await w.turn(1, `Go. ${directive.bash('echo opencode-ok > made.txt && cat made.txt')}`));
    const { messages, error } = await drain(handle);
    expect(error).toBeNull();
    const sessionId = await handle.sessionId;
    expect(sessionId).toMatch(/^ses_/);
    expect(typesOf(messages)).toEqual(['tool_use', 'tool_result', 'assistant', 'result']);
    // The fake appends a status line to its commands (OpenCode hides exit codes from the model).
    expect(messages[0]).toMatchObject({ type: 'tool_use', name: 'bash', providerSessionId: sessionId });
    expect(JSON.stringify(messages[0])).toContain('echo opencode-ok > made.txt && cat made.txt');
    expect(messages[1]).toMatchObject({ type: 'tool_result', output: 'opencode-ok\n\n[fake-exit-status: 0]\n', isError: false });
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'Done. 1. Bash: opencode-ok' });
    expect(await readFile(join(w.cwd, 'made.txt'), 'utf8')).toBe('opencode-ok\n');
    expect(messages.some((m) => m.type === 'stream_delta' && m.kind === 'text')).toBe(true);
  });

  it('resumes the same session with its history', async () => {
    await w.connect(1, 'sk-user-one');
    const first = w.provider.startTurn(await w.turn(1, `First. ${directive.bash('echo one')}`));
    await drain(first);
    const sessionId = await first.sessionId;
    const second = w.provider.sendTurnMessage({
      ...(await w.turn(1, `Second. ${directive.say('second done')}`)),
      resumeSessionId: sessionId,
    });
    const { messages, error } = await drain(second);
    expect(error).toBeNull();
    expect(await second.sessionId).toBe(sessionId);
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: 'second done' });
    const last = w.fake.agentRequests().at(-1)?.body as ChatRequest;
    const userTexts = last.messages.filter((m) => m.role === 'user').map((m) => JSON.stringify(m.content));
    expect(userTexts.some((t) => t.includes('First.'))).toBe(true);
    expect(userTexts.some((t) => t.includes('Second.'))).toBe(true);
  });

  it('stops the turn on the server: a scripted write after the abort never happens', async () => {
    await w.connect(1, 'sk-user-one');
    const handle = w.provider.startTurn(
      await w.turn(
        1,
        `Slow. ${directive.bash('sleep 2; touch late-tool.txt')} ${directive.sleep(1500)} ${directive.bash('touch late-model.txt')}`,
      ),
    );
    const f = follow(handle);
    await f.until((m) => m.type === 'tool_use');
    await handle.abort();
    const { messages, error } = await f.done;
    expect(error).toBeNull();
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'interrupted' });
    await new Promise((r) => setTimeout(r, 3500));
    expect(await exists(join(w.cwd, 'late-tool.txt'))).toBe(false);
    expect(await exists(join(w.cwd, 'late-model.txt'))).toBe(false);
    expect(w.fake.agentRequests()).toHaveLength(1);
  });

  it('fails the turn on a model error (fatal, with an error result)', async () => {
    await w.connect(1, 'sk-user-one');
    w.fake.failNext(400, { message: 'model not served here' });
    const { messages, error } = await drain(w.provider.startTurn(await w.turn(1, directive.bash('echo never'))));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'opencode', kind: 'fatal', code: 'invalid_request' });
    expect((error as Error).message).toContain('model not served here');
    expect(typesOf(messages)).toEqual(['system/error', 'result']);
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'error' });
  });

  it('gives shell commands the turn’s own variables, not the server’s secrets', async () => {
    await w.connect(1, 'sk-user-one');
    const options = await w.turn(
      1,
      directive.bash('echo "token=$BOTTEGA_RUN_TOKEN pw=$OPENCODE_SERVER_PASSWORD cfg=$OPENCODE_CONFIG_CONTENT" > env.txt'),
    );
    await drain(w.provider.startTurn({ ...options, env: { ...options.env, BOTTEGA_RUN_TOKEN: 'brt_turn_secret' } }));
    expect(await readFile(join(w.cwd, 'env.txt'), 'utf8')).toBe('token=brt_turn_secret pw= cfg=\n');
  });

  it('needs credentials, and a model named provider/model', async () => {
    await expect(w.provider.environmentFor(7)).rejects.toBeInstanceOf(CredentialsMissingError);
    await w.connect(1, 'sk-user-one');
    const { error } = await drain(w.provider.startTurn(await w.turn(1, 'hi', { model: 'no-slash' })));
    expect(error).toMatchObject({ code: 'invalid_request' });
  });

  it('lists the models of the user’s live server', async () => {
    await w.connect(1, 'sk-user-one', ['fake-model', 'fake-large']);
    const models = await w.provider.models(1);
    expect(models.map((m) => m.id)).toEqual(['custom/fake-large', MODEL]);
  });
});
