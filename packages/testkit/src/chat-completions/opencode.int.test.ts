// The fake Chat Completions API against the real OpenCode server: a scripted
// bash call runs for real and its result comes back as a `role: "tool"`
// message; title requests (no tools) get text; failures reach OpenCode as
// API errors with their status.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directive } from '@bottega/simulator';
import { startOpencode } from './opencode-cli.fixture';
import type { OpencodeFixture } from './opencode-cli.fixture';
import { startFakeChatCompletions } from './server';
import type { FakeChatCompletions } from './server';
import type { ChatRequest } from './wire';

let fake: FakeChatCompletions;
let oc: OpencodeFixture;

beforeEach(async () => {
  fake = await startFakeChatCompletions({ apiKey: 'sk-fixture' });
  oc = await startOpencode(fake.baseUrl, 'sk-fixture');
});

afterEach(async () => {
  await oc.close();
  await fake.close();
});

describe('a fake Chat Completions model behind the real OpenCode', () => {
  it('runs a scripted bash call and answers with the tool result', async () => {
    const session = (await oc.client.session.create({ directory: oc.work })).data;
    if (!session) throw new Error('no session');
    const events = await oc.turn(session.id, `Write it. ${directive.bash('echo fake-works > out.txt && cat out.txt')}`);
    expect(await readFile(join(oc.work, 'out.txt'), 'utf8')).toBe('fake-works\n');
    const tool = events.flatMap((e) => (e.type === 'message.part.updated' && e.properties.part.type === 'tool' ? [e.properties.part] : []));
    expect(tool.at(-1)).toMatchObject({ tool: 'bash', state: { status: 'completed', output: 'fake-works\n\n[fake-exit-status: 0]\n' } });
    const agent = fake.agentRequests().map((r) => r.body as ChatRequest);
    expect(agent).toHaveLength(2);
    expect(agent[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: 'fake-works\n\n[fake-exit-status: 0]\n' });
    expect(agent[1]?.messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'bash' } }] });
    const texts = events.flatMap((e) =>
      e.type === 'message.part.updated' && e.properties.part.type === 'text' ? [e.properties.part.text] : [],
    );
    expect(texts.at(-1)).toBe('Done. 1. Bash: fake-works');
    // The title side request offers no tools and is answered with text.
    const title = fake.completionRequests().find((r) => !(r.body as ChatRequest).tools);
    expect(title?.response).toEqual({ status: 200, kind: 'stream' });
    expect(fake.completionRequests().every((r) => r.headers.authorization === 'Bearer sk-fixture')).toBe(true);
  });

  it('lets the brain see a failed command as an error', async () => {
    const session = (await oc.client.session.create({ directory: oc.work })).data;
    if (!session) throw new Error('no session');
    const events = await oc.turn(session.id, directive.bash('echo broken; exit 3'));
    const texts = events.flatMap((e) =>
      e.type === 'message.part.updated' && e.properties.part.type === 'text' ? [e.properties.part.text] : [],
    );
    expect(texts.at(-1)).toBe('Done. 1. Bash (error): Exit code 3');
  });

  it('reports an injected failure to OpenCode with its status', async () => {
    const session = (await oc.client.session.create({ directory: oc.work })).data;
    if (!session) throw new Error('no session');
    fake.failNext(400, { message: 'no such model' });
    const events = await oc.turn(session.id, directive.bash('echo never'));
    const error = events.find((e) => e.type === 'session.error');
    expect(error?.type === 'session.error' && error.properties.error).toMatchObject({
      name: 'APIError',
      data: { statusCode: 400, message: 'no such model' },
    });
  });

  it('waits out a retry-after however long, announcing the retry with its time', async () => {
    const session = (await oc.client.session.create({ directory: oc.work })).data;
    if (!session) throw new Error('no session');
    fake.rateLimitNext({ retryAfterS: 1 });
    const events = await oc.turn(session.id, directive.say('after one second'));
    const retry = events.find((e) => e.type === 'session.status' && e.properties.status.type === 'retry');
    expect(retry?.type === 'session.status' && retry.properties.status).toMatchObject({
      type: 'retry',
      attempt: 1,
      message: 'Rate limit reached (fake).',
    });
    const [first, second] = fake.agentRequests();
    const next = retry?.type === 'session.status' && retry.properties.status.type === 'retry' ? retry.properties.status.next : 0;
    // `next` is when the retry goes out: retry-after after the 429 came back.
    expect(Math.abs(next - Date.now() + (performance.now() - (second?.receivedAt ?? 0)))).toBeLessThan(1500);
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(events.some((e) => e.type === 'session.error')).toBe(false);

    // A far reset is announced the same way (and would be waited out for an hour).
    fake.usageLimitUntil(new Date(Date.now() + 3_600_000));
    const running = oc.turn(session.id, directive.say('never'));
    const far = await fake.waitForRequest((r) => r.response?.status === 429 && r !== first);
    expect(far.response?.status).toBe(429);
    let announced: number | null = null;
    for (let i = 0; i < 100 && announced === null; i++) {
      const statuses = await oc.client.session.status({ directory: oc.work });
      const status = (statuses.data as Record<string, { type: string; next?: number }> | undefined)?.[session.id];
      if (status?.type === 'retry') announced = status.next ?? null;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect((announced ?? 0) - Date.now()).toBeGreaterThan(3_500_000);
    await oc.client.session.abort({ sessionID: session.id, directory: oc.work });
    await running;
  });
});
