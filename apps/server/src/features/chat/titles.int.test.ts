// Automatic conversation titles with the real Claude Code CLI against the
// fake Anthropic API: the title comes from a small model after the first
// exchange and is published live; a title request that fails or hangs never
// holds up a turn; the user can rename a conversation whatever happened.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDto, ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { directive, scriptedBrain, startFakeChatCompletions, startFakeOpenAI, type MessagesRequest } from '@bottega/testkit';
import { EventRecorder, startChatWorld, type ChatWorld } from '../../testing/chat-world';

let w: ChatWorld;
let rec: EventRecorder;
beforeEach(async () => {
  w = await startChatWorld();
  rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
});
afterEach(async () => {
  rec.close();
  await w.close();
});

const isTitleRequest = (r: MessagesRequest) => r.model === 'claude-haiku-4-5' && (r.tools ?? []).length === 0;
const titleRequests = () => w.fake.modelRequests().filter((r) => isTitleRequest(r.body as MessagesRequest));

async function startChat(message: string): Promise<ConversationDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
    as: w.owner,
    json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { conversation: ConversationDto }).conversation;
}

async function conversation(id: number): Promise<ConversationDto> {
  return ((await (await w.ctx.request('GET', `/api/conversations/${id}`, { as: w.owner })).json()) as { conversation: ConversationDto })
    .conversation;
}

const renamed = (id: number) => (e: ServerEvent) => e.type === 'conversation.renamed' && e.conversationId === id;

describe('conversation titles', () => {
  it('names the conversation with a small model after the first exchange, with the user’s credentials', async () => {
    const conv = await startChat(`Fix the login page. ${directive.say('I fixed the login page.')}`);
    expect(conv.title).toBeNull();
    const event = await rec.waitFor(renamed(conv.id));
    expect(event).toMatchObject({ type: 'conversation.renamed', title: 'Scripted reply', taskId: w.task.id });
    expect((await conversation(conv.id)).title).toBe('Scripted reply');
    const [request] = titleRequests();
    expect(request?.headers['x-api-key']).toBe('test-key');
    const body = request?.body as MessagesRequest;
    expect(JSON.stringify(body.messages)).toContain('Fix the login page.');
    expect(JSON.stringify(body.messages)).toContain('I fixed the login page.');
    // A follow-up does not ask again.
    await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, { as: w.owner, json: { message: directive.say('again') } });
    await rec.turnEnded(conv.id, 2);
    expect(titleRequests()).toHaveLength(1);
  });

  it('a hanging title request holds up no turn; a failed one leaves no title; the user renames', async () => {
    w.fake.stallNext({ match: isTitleRequest });
    const conv = await startChat(directive.say('first answer'));
    await rec.turnEnded(conv.id);
    const stalled = await w.fake.waitForRequest((r) => isTitleRequest(r.body as MessagesRequest) && r.response?.kind === 'stalled-stream');
    // While the title request hangs, the next turn runs to its result.
    const started = performance.now();
    expect(
      (
        await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
          as: w.owner,
          json: { message: directive.say('second answer') },
        })
      ).status,
    ).toBe(202);
    await rec.waitFor(
      (e) => e.type === 'message' && e.conversationId === conv.id && e.message.type === 'result' && e.message.text === 'second answer',
    );
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(stalled.response?.kind).toBe('stalled-stream');
    expect(titleRequests()).toHaveLength(1);
    expect((await conversation(conv.id)).title).toBeNull();

    w.fake.failNext(500, { match: isTitleRequest });
    const other = await startChat(directive.say('third answer'));
    await rec.turnEnded(other.id);
    await w.fake.waitForRequest((r) => isTitleRequest(r.body as MessagesRequest) && r.response?.status === 500);
    const messages = (
      (await (await w.ctx.request('GET', `/api/conversations/${other.id}/messages`, { as: w.owner })).json()) as {
        messages: UnifiedMessage[];
      }
    ).messages;
    expect(messages.find((m) => m.type === 'result')).toMatchObject({ status: 'success', text: 'third answer' });
    expect((await conversation(other.id)).title).toBeNull();

    const res = await w.ctx.request('PATCH', `/api/conversations/${other.id}`, { as: w.owner, json: { title: '  Login page fix  ' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { conversation: ConversationDto }).conversation.title).toBe('Login page fix');
    expect(await rec.waitFor(renamed(other.id))).toMatchObject({ title: 'Login page fix' });
    expect((await w.ctx.request('PATCH', `/api/conversations/${other.id}`, { as: w.owner, json: { title: '' } })).status).toBe(400);
    expect(rec.events.some(renamed(conv.id))).toBe(false);
  });
});

describe('conversation titles on Codex and OpenCode', () => {
  it('names Codex and OpenCode chats through their own endpoints with the user’s own keys', async () => {
    const openai = await startFakeOpenAI({ brain: scriptedBrain, requireKey: 'sk-codex-titles' });
    const chat = await startFakeChatCompletions({ brain: scriptedBrain, apiKey: 'sk-opencode-titles' });
    try {
      expect(
        (await w.ctx.request('PUT', '/api/providers/openai', { as: w.owner, json: { apiKey: 'sk-codex-titles', baseUrl: openai.baseUrl } }))
          .status,
      ).toBe(200);
      expect(
        (
          await w.ctx.request('PUT', '/api/providers/opencode', {
            as: w.owner,
            json: { custom: { baseUrl: chat.baseUrl, apiKey: 'sk-opencode-titles', models: ['fake-model'] } },
          })
        ).status,
      ).toBe(200);
      for (const [provider, model] of [
        ['openai', 'gpt-5.1-codex'],
        ['opencode', 'custom/fake-model'],
      ] as const) {
        const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
          as: w.owner,
          json: { provider, model, message: `Tidy the README. ${directive.say('Tidied.')}` },
        });
        expect(res.status).toBe(201);
        const conv = ((await res.json()) as { conversation: ConversationDto }).conversation;
        const event = await rec.waitFor(renamed(conv.id), 60_000);
        expect(event).toMatchObject({ type: 'conversation.renamed', title: 'Scripted reply' });
      }
      // Each asked its own vendor, with the user's key; none asked Anthropic.
      expect(openai.requests.some((r) => JSON.stringify(r.body).includes('gpt-5.1-codex-mini'))).toBe(true);
      expect(chat.completionRequests().some((r) => (r.body as { stream?: boolean }).stream === false)).toBe(true);
      expect(titleRequests()).toHaveLength(0);
    } finally {
      await openai.close();
      await chat.close();
    }
  });
});
