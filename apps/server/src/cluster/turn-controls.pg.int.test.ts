// Stop and question answers across nodes (docs/decisions/0015-events-across-nodes.md): real chat
// turns (the Claude Code CLI against the fake Anthropic API) run on node B — the chat world's
// server — while the person's browser talks to node A, another node on the same schema and home.
// A's WebSocket clients follow the turn, its Stop ends it, its answer reaches the question.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDto, ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { boot, type Booted } from '../app/boot';
import { startServer, type RunningServer } from '../app/server';
import { silentLogger } from '../logger';
import { EventRecorder, startChatWorld, type ChatWorld } from '../testing/chat-world';

let w: ChatWorld;
let nodeA: Booted;
let serverA: RunningServer;

beforeEach(async () => {
  w = await startChatWorld();
  nodeA = await boot(w.ctx.deps.config, silentLogger());
  serverA = await startServer(nodeA.deps, { host: '127.0.0.1', port: 0 });
  // Both nodes are live in the registry: a request for a turn not held here is asked of the other.
  await w.ctx.deps.nodes.start(w.server.url);
  await nodeA.deps.nodes.start(serverA.url);
});

afterEach(async () => {
  await serverA.close();
  await nodeA.close();
  await w.close();
});

/** A chat started on node B (its turn runs there). */
async function startChatOnB(message: string): Promise<ConversationDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
    as: w.owner,
    json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message },
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversation: ConversationDto }).conversation;
}

/** A request to node A's API. */
async function onA(method: string, path: string, json?: unknown): Promise<Response> {
  return fetch(`${serverA.url}${path}`, {
    method,
    headers: { authorization: w.owner.auth, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
}

async function history(conversationId: number): Promise<UnifiedMessage[]> {
  const res = await onA('GET', `/api/conversations/${conversationId}/messages?limit=1000`);
  return ((await res.json()) as { messages: UnifiedMessage[] }).messages;
}

const stored = (events: ServerEvent[], conversationId: number) =>
  events.flatMap((e) =>
    e.type === 'message' && e.conversationId === conversationId && e.message.type !== 'stream_delta' ? [e.message] : [],
  );

describe('turn controls across nodes', () => {
  it('an answer sent to node A reaches the question waiting on node B; A’s clients see the whole turn as stored', async () => {
    const rec = await EventRecorder.open(serverA.url, w.owner.auth, w.task.id);
    const conv = await startChatOnB(directive.ask('Which colour?', ['Blue', 'Green']));
    const asked = await rec.waitFor((e) => e.type === 'question.asked');
    if (asked.type !== 'question.asked') throw new Error('unexpected');
    expect(w.ctx.deps.harness.isLive(conv.id)).toBe(true);
    expect(nodeA.deps.harness.isLive(conv.id)).toBe(false);
    // A's view of the conversation (what the web app reads after a reload) shows the turn and its question.
    expect(await (await onA('GET', `/api/conversations/${conv.id}/live`)).json()).toMatchObject({
      streaming: true,
      question: { toolUseId: asked.toolUseId },
    });

    const res = await onA('POST', `/api/conversations/${conv.id}/answer`, {
      toolUseId: asked.toolUseId,
      answers: { 'Which colour?': 'Green' },
    });
    expect(await res.json()).toEqual({ outcome: 'answered' });
    await rec.turnEnded(conv.id);
    const transcript = await history(conv.id);
    const final = transcript.filter((m) => m.type === 'assistant').at(-1);
    expect(final?.type === 'assistant' && final.text).toContain('Green');
    expect(stored(rec.events, conv.id)).toEqual(transcript);
    expect(rec.events.some((e) => e.type === 'question.answered' && e.toolUseId === asked.toolUseId)).toBe(true);
    rec.close();
  });

  it('an answer naming a question no node holds is refused; a follow-up while B runs the turn is refused on A', async () => {
    const rec = await EventRecorder.open(serverA.url, w.owner.auth, w.task.id);
    const conv = await startChatOnB(directive.ask('Which colour?', ['Blue', 'Green']));
    await rec.waitFor((e) => e.type === 'question.asked');
    const wrong = await onA('POST', `/api/conversations/${conv.id}/answer`, { toolUseId: 'no-such-tool', answers: { q: 'a' } });
    expect(wrong.status).toBe(404);
    const followUp = await onA('POST', `/api/conversations/${conv.id}/messages`, { message: directive.say('too early') });
    expect(followUp.status).toBe(409);
    expect(((await followUp.json()) as { error: { code: string } }).error.code).toBe('RUN_IN_PROGRESS');
    rec.close();
  });

  it('Stop on node A ends the turn live on node B; the transcript says who stopped it', async () => {
    const rec = await EventRecorder.open(serverA.url, w.owner.auth, w.task.id);
    const conv = await startChatOnB(directive.ask('Which colour?', ['Blue', 'Green']));
    const asked = await rec.waitFor((e) => e.type === 'question.asked');
    if (asked.type !== 'question.asked') throw new Error('unexpected');

    const stop = await onA('POST', `/api/conversations/${conv.id}/stop`);
    expect(await stop.json()).toEqual({ stopped: true });
    expect(w.ctx.deps.harness.isLive(conv.id)).toBe(false);
    await rec.turnEnded(conv.id);
    await rec.waitFor((e) => e.type === 'question.answered' && e.toolUseId === asked.toolUseId);
    const last = (await history(conv.id)).at(-1);
    expect(last?.type === 'system' && [last.subtype, last.text]).toEqual(['stopped', `Stopped by ${w.owner.row.username}.`]);
    expect(await (await onA('GET', `/api/conversations/${conv.id}/live`)).json()).toEqual({
      streaming: false,
      thinking: '',
      question: null,
      queue: null,
    });
    // Nothing runs any more: a second Stop finds no turn on any node.
    expect(await (await onA('POST', `/api/conversations/${conv.id}/stop`)).json()).toEqual({ stopped: false });
    rec.close();
  });

  it('a node live in the registry whose listening connection is gone (a killed process) is not waited for', async () => {
    const rec = await EventRecorder.open(serverA.url, w.owner.auth, w.task.id);
    const conv = await startChatOnB(directive.say('done'));
    await rec.turnEnded(conv.id);
    const now = new Date().toISOString();
    await w.ctx.deps.db
      .insertInto('cluster_nodes')
      .values({
        id: 'killed-node',
        role: 'all',
        hostname: 'h',
        pid: 1,
        version: 'v',
        url: null,
        slots: 1,
        started_at: now,
        heartbeat_at: now,
        stopped_at: null,
        stop_reason: null,
      })
      .execute();
    expect((await nodeA.deps.nodes.live()).map((n) => n.id)).toContain('killed-node');
    // No node holds the turn: answered as such, not a 409 for a node that cannot reply.
    const answer = await onA('POST', `/api/conversations/${conv.id}/answer`, { toolUseId: 'none', answers: { q: 'a' } });
    expect(answer.status).toBe(404);
    expect(await (await onA('POST', `/api/conversations/${conv.id}/stop`)).json()).toEqual({ stopped: false });
    rec.close();
  });
});
