// Manual chats on Codex through the whole product (real Codex CLI, fake
// Responses API reached through the user's base URL): a command turn stored
// as a tool_use/tool_result pair, a follow-up resuming the same thread on the
// stored provider and model after the user moved their role settings to
// another provider, no provider switch mid-conversation, and Stop.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConversationDto, UnifiedMessage } from '@bottega/protocol';
import { directive, startFakeOpenAI, type FakeOpenAI } from '@bottega/testkit';
import { EventRecorder, startChatWorld, type ChatWorld } from '../../testing/chat-world';
import { processesMatching } from '../../testing/processes';

let w: ChatWorld;
let openai: FakeOpenAI;
beforeEach(async () => {
  openai = await startFakeOpenAI({ requireKey: 'sk-codex-chat-key' });
  w = await startChatWorld();
  const res = await w.ctx.request('PUT', '/api/providers/openai', {
    as: w.owner,
    json: { apiKey: 'sk-codex-chat-key', baseUrl: openai.baseUrl },
  });
  expect(res.status).toBe(200);
});
afterEach(async () => {
  await w.close();
  await openai.close();
});

async function startChat(message: string): Promise<ConversationDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
    as: w.owner,
    json: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium', message },
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversation: ConversationDto }).conversation;
}

async function history(id: number): Promise<UnifiedMessage[]> {
  return (
    (await (await w.ctx.request('GET', `/api/conversations/${id}/messages?limit=1000`, { as: w.owner })).json()) as {
      messages: UnifiedMessage[];
    }
  ).messages;
}

async function conversation(id: number): Promise<ConversationDto> {
  return ((await (await w.ctx.request('GET', `/api/conversations/${id}`, { as: w.owner })).json()) as { conversation: ConversationDto })
    .conversation;
}

it('runs a command in the worktree, then resumes the same Codex thread after the role settings moved to Claude', async () => {
  const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
  const conv = await startChat(`Create the file. ${directive.bash('echo codex > codex.txt')} ${directive.say('created')}`);
  await rec.turnEnded(conv.id);
  expect(await readFile(join(w.task.worktreePath ?? '', 'codex.txt'), 'utf8')).toBe('codex\n');
  const first = await history(conv.id);
  expect(first.map((m) => m.type).filter((t) => t !== 'system')).toEqual(['user', 'tool_use', 'tool_result', 'assistant', 'result']);
  expect(first.find((m) => m.type === 'tool_use')).toMatchObject({
    provider: 'openai',
    name: 'Bash',
    input: { command: 'echo codex > codex.txt' },
  });
  const stored = await conversation(conv.id);
  expect(stored).toMatchObject({ provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium' });
  expect(stored.providerSessionId).toBeTruthy();

  const claude = { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'low' };
  const roles = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'];
  expect(
    (
      await w.ctx.request('PUT', '/api/agent-settings', {
        as: w.owner,
        json: { settings: Object.fromEntries(roles.map((r) => [r, claude])) },
      })
    ).status,
  ).toBe(200);

  const switched = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
    as: w.owner,
    json: { message: 'now on Claude', provider: 'anthropic' },
  });
  expect(switched.status).toBe(400);

  const sent = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
    as: w.owner,
    json: { message: `Again. ${directive.say('second')}` },
  });
  expect(sent.status).toBeLessThan(300);
  await rec.turnEnded(conv.id, 2);
  expect((await history(conv.id)).at(-1)).toMatchObject({ type: 'result', text: 'second', provider: 'openai' });
  expect(await conversation(conv.id)).toMatchObject({
    provider: 'openai',
    model: 'gpt-5.1-codex',
    providerSessionId: stored.providerSessionId,
  });
  const last = openai.modelRequests().at(-1)?.body as { model: string; reasoning?: { effort?: string } };
  expect(last.model).toBe('gpt-5.1-codex');
  expect(last.reasoning?.effort).toBe('medium');
  expect(JSON.stringify(last)).toContain('echo codex > codex.txt');
  expect(w.fake.modelRequests()).toHaveLength(0);
  rec.close();
});

it('Stop ends a Codex turn mid-command and leaves no process behind', async () => {
  const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
  const needle = `sleep 4${process.pid % 1000}1`;
  const conv = await startChat(directive.bash(needle));
  // Codex starting inside its sandbox takes seconds on a loaded machine: wait for the command by a generous deadline.
  const until = Date.now() + 40_000;
  while (Date.now() < until && (await processesMatching(needle)).length === 0) await new Promise((r) => setTimeout(r, 50));
  expect((await processesMatching(needle)).length).toBeGreaterThan(0);
  const stop = await w.ctx.request('POST', `/api/conversations/${conv.id}/stop`, { as: w.owner });
  expect(stop.status).toBeLessThan(300);
  await rec.turnEnded(conv.id);
  expect(await processesMatching(needle)).toEqual([]);
  rec.close();
});
