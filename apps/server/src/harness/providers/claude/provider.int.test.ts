// The Claude provider driving the REAL Claude Code CLI (through the Agent SDK)
// against the fake Anthropic API: a Bash turn, resume, AskUserQuestion, the
// after-restart tool_result re-drive, and per-user credential isolation.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directive } from '@bottega/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuestionRequest } from '../../contract';
import { createWorld, drain, follow, typesOf, type World } from './provider.fixture';
import { findToolUseEntry } from './session-file';

const KEY_A = 'sk-ant-api03-user-a-0000';
const KEY_B = 'sk-ant-api03-user-b-1111';
let world: World;

beforeEach(async () => {
  world = await createWorld();
  await world.connect(1, KEY_A);
  await world.connect(2, KEY_B);
});
afterEach(async () => {
  await world.close();
});

const bodyText = (body: unknown) => JSON.stringify(body);

describe('a turn', () => {
  it('runs a Bash command in cwd and yields its messages in order with stable ids', async () => {
    const handle = world.provider.startTurn(await world.turn(1, `Make a file. ${directive.bash('echo made > out.txt')}`));
    const { messages, error } = await drain(handle);
    expect(error).toBeNull();
    expect(await readFile(join(world.cwd, 'out.txt'), 'utf8')).toBe('made\n');
    expect(typesOf(messages)).toEqual(['system/init', 'tool_use', 'tool_result', 'assistant', 'result']);
    const sessionId = await handle.sessionId;
    expect(messages.every((m) => m.providerSessionId === sessionId)).toBe(true);
    const tool = messages.find((m) => m.type === 'tool_use');
    const result = messages.find((m) => m.type === 'tool_result');
    expect(tool).toMatchObject({ name: 'Bash', input: { command: 'echo made > out.txt' } });
    expect(tool?.id).toMatch(/^msg_.+:0$/);
    expect(result).toMatchObject({
      id: `${tool?.type === 'tool_use' ? tool.toolUseId : ''}:result`,
      output: expect.any(String),
      isError: false,
    });
    expect(messages.at(-1)).toMatchObject({
      type: 'result',
      status: 'success',
      id: `${sessionId}:${(messages.at(-1)?.raw as { uuid: string }).uuid}`,
    });
    const final = messages.at(-1);
    expect(final?.type === 'result' && final.contextUsage?.usedTokens).toBeGreaterThan(0);
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    expect(messages.some((m) => m.type === 'stream_delta' && m.kind === 'text')).toBe(true);
    expect(handle.pid).toBeGreaterThan(0);
  });

  it('resumes the session: the next request carries the first turn', async () => {
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
    const last = world.fake.modelRequests().at(-1);
    expect(bodyText(last?.body)).toContain('alpha-reply');
    expect(bodyText(last?.body)).toContain('First.');
  });

  it('applies the options: appended system prompt, disallowed tools, effort', async () => {
    const opts = await world.turn(1, 'Hello.', {
      systemPrompt: { mode: 'append', text: 'APPENDED-RULES-7731' },
      disallowedTools: ['subagents', 'ask-user'],
      effort: 'high',
    });
    expect((await drain(world.provider.startTurn(opts))).error).toBeNull();
    const body = world.fake.modelRequests()[0]?.body as { system: unknown; tools: { name: string }[] };
    expect(bodyText(body.system)).toContain('APPENDED-RULES-7731');
    const tools = body.tools.map((t) => t.name);
    expect(tools).toContain('Bash');
    expect(tools).not.toContain('AskUserQuestion');
    expect(tools).not.toContain('Task');
    expect(tools).not.toContain('Agent');
  });
});

describe('AskUserQuestion', () => {
  it('routes the question to onQuestion and the answer into the reply', async () => {
    const asked: QuestionRequest[] = [];
    const opts = await world.turn(1, `Pick. ${directive.ask('Which color?', ['Red', 'Blue'])}`, {
      onQuestion: (q) => {
        asked.push(q);
        return Promise.resolve({ 'Which color?': 'Blue' });
      },
    });
    const { messages, error } = await drain(world.provider.startTurn(opts));
    expect(error).toBeNull();
    expect(asked).toHaveLength(1);
    expect(asked[0]?.questions[0]).toMatchObject({ question: 'Which color?', options: [{ label: 'Red' }, { label: 'Blue' }] });
    const tool = messages.find((m) => m.type === 'tool_use');
    expect(tool).toMatchObject({ name: 'AskUserQuestion', toolUseId: asked[0]?.toolUseId, question: asked[0]?.questions });
    expect(messages.find((m) => m.type === 'tool_result')).toMatchObject({ output: expect.stringContaining('"Which color?"="Blue"') });
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: expect.stringContaining('Blue') });
  });

  it('answers a question parked before a crash by re-driving the tool result on the resumed session', async () => {
    let asked: (q: QuestionRequest) => void = () => undefined;
    const question = new Promise<QuestionRequest>((resolve) => (asked = resolve));
    const parked = world.provider.startTurn(
      await world.turn(1, `Pick. ${directive.ask('Which size?', ['Small', 'Large'])}`, {
        onQuestion: (q) => {
          asked(q);
          return new Promise(() => undefined);
        },
      }),
    );
    const run = follow(parked);
    const { toolUseId } = await question;
    const sessionId = await parked.sessionId;
    // The CLI writes its session file a moment after emitting a message.
    const configDir = (await world.provider.environmentFor(1)).CLAUDE_CONFIG_DIR as string;
    for (let i = 0; i < 200 && !(await findToolUseEntry(configDir, sessionId, toolUseId)); i++) await new Promise((r) => setTimeout(r, 25));
    process.kill(-(parked.pid as number), 'SIGKILL'); // the server died with the question open
    const crashed = await run.done;
    expect(crashed.error).toBeTruthy();

    const answer = 'The user answered: "Which size?"="Large".';
    const redrive = world.provider.sendTurnMessage({
      ...(await world.turn(1, null, { toolResult: { toolUseId, content: answer } })),
      resumeSessionId: sessionId,
    });
    const { messages, error } = await drain(redrive);
    expect(error).toBeNull();
    expect(messages.at(-1)).toMatchObject({ type: 'result', status: 'success', text: expect.stringContaining('Large') });
    const last = world.fake.modelRequests().at(-1)?.body as { messages: { role: string; content: unknown }[] };
    const toolResults = last.messages
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .filter((b: { type?: string }) => b.type === 'tool_result');
    expect(toolResults).toEqual([
      expect.objectContaining({ tool_use_id: toolUseId, content: expect.stringContaining('"Which size?"="Large"') }),
    ]);
  });
});

describe('credentials', () => {
  it("sends only the acting user's key: never another user's, never the server's own ANTHROPIC_*", async () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL, token: process.env.CLAUDE_CODE_OAUTH_TOKEN };
    process.env.ANTHROPIC_API_KEY = 'sk-server-process-global-key';
    process.env.ANTHROPIC_BASE_URL = 'http://127.0.0.1:9';
    process.env.CLAUDE_CODE_OAUTH_TOKEN = 'sk-ant-oat01-server-process-global';
    try {
      const envB = await world.provider.environmentFor(2);
      expect(JSON.stringify(envB)).not.toContain(KEY_A);
      expect(JSON.stringify(envB)).not.toContain('server-process-global');
      const { error } = await drain(
        world.provider.startTurn(await world.turn(2, `Hi. ${directive.bash('echo $ANTHROPIC_API_KEY $HOME > env.txt')}`)),
      );
      expect(error).toBeNull();
      const requests = world.fake.requests;
      expect(requests.length).toBeGreaterThan(0);
      for (const r of requests) {
        expect(r.headers['x-api-key']).toBe(KEY_B);
        expect(r.headers.authorization).toBeUndefined();
      }
      const all = JSON.stringify(requests.map((r) => [r.headers, r.body]));
      expect(all).not.toContain(KEY_A);
      expect(all).not.toContain('server-process-global');
    } finally {
      restore('ANTHROPIC_API_KEY', saved.key);
      restore('ANTHROPIC_BASE_URL', saved.url);
      restore('CLAUDE_CODE_OAUTH_TOKEN', saved.token);
    }
  });

  it('refuses a user who has not connected Claude Code', async () => {
    await expect(world.provider.environmentFor(3)).rejects.toMatchObject({ name: 'CredentialsMissingError', code: 'credentials_missing' });
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
