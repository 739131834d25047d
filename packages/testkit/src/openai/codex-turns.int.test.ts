// The real Codex CLI against the fake Responses API: a command turn, a resumed
// thread that resends its history, a failed request, and the role brain's
// reading of Codex's tool output.
import { afterEach, describe, expect, it } from 'vitest';
import { directive } from '@bottega/simulator';
import type { CodexWorld } from './codex-cli.fixture';
import { createCodexWorld } from './codex-cli.fixture';

let world: CodexWorld | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

const completed = (events: { type: string; item?: unknown }[]) =>
  events.filter((e) => e.type === 'item.completed').map((e) => e.item as { type: string; [k: string]: unknown });

describe('codex exec against the fake Responses API', () => {
  it('runs a scripted command and ends with the brain summary, sending the key as a Bearer token', async () => {
    world = await createCodexWorld({ requireKey: 'sk-fake-codex' });
    const { events, code, stderr } = await world.exec(`${directive.bash('echo codex-was-here && exit 3')} ${directive.say('finished')}`);
    expect(code, stderr).toBe(0);
    const items = completed(events);
    const command = items.find((i) => i.type === 'command_execution');
    expect(command).toMatchObject({ exit_code: 3, status: 'failed' });
    expect(String(command?.aggregated_output)).toContain('codex-was-here');
    expect(items.at(-1)).toMatchObject({ type: 'agent_message', text: 'finished' });
    expect(events.at(-1)?.type).toBe('turn.completed');
    const requests = world.fake.modelRequests();
    expect(requests).toHaveLength(2);
    expect(requests[0]?.headers.authorization).toBe('Bearer sk-fake-codex');
    const last = requests[1]?.body as { input: { type: string; output?: string }[] };
    expect(last.input.some((i) => i.type === 'function_call_output' && String(i.output).includes('codex-was-here'))).toBe(true);
  });

  it('resumes a thread with the earlier turn in the history', async () => {
    world = await createCodexWorld();
    const first = await world.exec(directive.say('first answer'));
    const started = first.events.find((e) => e.type === 'thread.started') as { thread_id: string } | undefined;
    expect(started?.thread_id).toBeTruthy();
    const second = await world.exec(directive.say('second answer'), { threadId: started?.thread_id ?? '' });
    expect(second.code).toBe(0);
    expect(completed(second.events).at(-1)).toMatchObject({ type: 'agent_message', text: 'second answer' });
    const body = world.fake.modelRequests().at(-1)?.body as { input: { type: string; role?: string; content?: { text?: string }[] }[] };
    const assistantTexts = body.input
      .filter((i) => i.type === 'message' && i.role === 'assistant')
      .flatMap((i) => (i.content ?? []).map((c) => c.text));
    expect(assistantTexts).toContain('first answer');
  });

  it('reports an injected 400 as a failed turn', async () => {
    world = await createCodexWorld();
    world.fake.failNext(400);
    const { events, code } = await world.exec(directive.say('never'));
    expect(code).not.toBe(0);
    expect(events.some((e) => e.type === 'turn.failed' || e.type === 'error')).toBe(true);
  });

  it('reports a plan usage limit with the reset time, a 429 and an exhausted quota without one, never retrying', async () => {
    world = await createCodexWorld();
    const failure = async (): Promise<string> => {
      const { events, code } = await world!.exec(directive.say('never'));
      expect(code).not.toBe(0);
      const failed = events.find((e) => e.type === 'turn.failed') as { error?: { message?: string } } | undefined;
      expect(events.find((e) => e.type === 'error')).toMatchObject({ message: failed?.error?.message });
      return failed?.error?.message ?? '';
    };
    world.fake.usageLimitUntil(new Date(Date.now() + 3 * 86_400_000), { planType: 'plus' });
    expect(await failure()).toMatch(
      /^You’ve hit your usage limit\. Upgrade to Pro .* or try again at [A-Z][a-z]{2} \d{1,2}(st|nd|rd|th), \d{4} \d{1,2}:\d{2} [AP]M\.$/,
    );
    world.fake.usageLimitUntil(new Date(Date.now() + 60_000), { planType: 'pro' });
    expect(await failure()).toMatch(/^You’ve hit your usage limit\. .*try again at (\d{1,2}:\d{2} [AP]M|.*\d{4} \d{1,2}:\d{2} [AP]M)\.$/);
    world.fake.usageLimitUntil(new Date(0));
    world.fake.rateLimitNext({ retryAfterS: 2 });
    expect(await failure()).toBe('exceeded retry limit, last status: 429 Too Many Requests');
    world.fake.failNext(429, {
      body: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
    });
    expect(await failure()).toBe('Quota exceeded. Check your plan and billing details.');
    expect(world.fake.modelRequests().map((r) => r.response?.status)).toEqual([429, 429, 429, 429]);
  });
});
