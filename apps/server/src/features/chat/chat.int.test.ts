// Manual chats through the whole product with the real Claude Code CLI
// against the fake Anthropic API: a turn that runs a shell command in the
// worktree, live broadcast equal to what is stored, resume, stop mid-tool,
// questions (live and after a restart), missing credentials.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDto, ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { boot } from '../../app/boot';
import { silentLogger } from '../../logger';
import { startServer } from '../../app/server';
import { connectClaude, EventRecorder, startChatWorld, type ChatWorld } from '../../testing/chat-world';
import { testConfig } from '../../testing/context';
import { processesMatching } from '../../testing/processes';

let w: ChatWorld;
beforeEach(async () => {
  w = await startChatWorld();
});
afterEach(async () => w.close());

async function startChat(message: string): Promise<ConversationDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
    as: w.owner,
    json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message },
  });
  if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { conversation: ConversationDto }).conversation;
}

async function history(conversationId: number): Promise<UnifiedMessage[]> {
  const res = await w.ctx.request('GET', `/api/conversations/${conversationId}/messages?limit=1000`, { as: w.owner });
  return ((await res.json()) as { messages: UnifiedMessage[] }).messages;
}

/** The agent's own model requests (the CLI's, with tools), not the background title request. */
const agentRequests = () => w.fake.modelRequests().filter((r) => ((r.body as { tools?: unknown[] }).tools ?? []).length > 0);

const broadcast = (events: ServerEvent[], conversationId: number) =>
  events.flatMap((e) =>
    e.type === 'message' && e.conversationId === conversationId && e.message.type !== 'stream_delta' ? [e.message] : [],
  );

describe('manual chat', () => {
  it('runs a shell command in the worktree; the stored transcript equals what was broadcast', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(`Create the file. ${directive.bash('echo hello > hello.txt')}`);
    await rec.turnEnded(conv.id);
    expect(await readFile(join(w.task.worktreePath ?? '', 'hello.txt'), 'utf8')).toBe('hello\n');

    const stored = await history(conv.id);
    const types = stored.map((m) => m.type).filter((t) => t !== 'system' && t !== 'assistant_thinking');
    expect(types).toEqual(['user', 'tool_use', 'tool_result', 'assistant', 'result']);
    expect(stored.map((m) => m.seq)).toEqual([...stored.map((m) => m.seq)].sort((a, b) => a - b));
    expect(broadcast(rec.events, conv.id)).toEqual(stored);
    const toolUse = stored.find((m) => m.type === 'tool_use');
    expect(toolUse).toMatchObject({ name: 'Bash', provider: 'anthropic' });

    const got = (await (await w.ctx.request('GET', `/api/conversations/${conv.id}`, { as: w.owner })).json()) as {
      conversation: ConversationDto;
    };
    expect(got.conversation).toMatchObject({ kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(got.conversation.providerSessionId).toBeTruthy();
    expect(rec.events.some((e) => e.type === 'session.created' && e.conversationId === conv.id)).toBe(true);
    // The agent ran inside the task's worktree with the task's context prompt.
    const request = w.fake.modelRequests()[0];
    expect(JSON.stringify(request?.body)).toContain(`task-${w.task.id}.md`);
    rec.close();
  });

  it('resumes the same session with its history and the stored model', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(directive.say('first answer'));
    await rec.turnEnded(conv.id);
    const before = agentRequests().length;
    const res = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
      as: w.owner,
      json: { message: directive.say('second answer') },
    });
    expect(res.status).toBe(202);
    await rec.turnEnded(conv.id, 2);
    const followUp = agentRequests()[before]?.body as { model: string; messages: unknown[] } | undefined;
    expect(followUp?.model).toBe('claude-sonnet-4-5');
    expect(JSON.stringify(followUp?.messages)).toContain('first answer');
    const texts = (await history(conv.id)).flatMap((m) => (m.type === 'assistant' ? [m.text] : []));
    expect(texts).toEqual(['first answer', 'second answer']);
    rec.close();
  });

  it('a chat that never got a provider session starts afresh with its earlier message and the new one', async () => {
    // What a crash before the provider named its session leaves: the first message stored, no session id.
    const taskRow = await w.ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', w.task.id).executeTakeFirstOrThrow();
    const conv = await w.ctx.conversation(taskRow, { kind: 'chat', provider: 'anthropic', model: 'claude-sonnet-4-5', effort: null });
    await w.ctx.deps.harness.store.append(
      conv.id,
      [
        {
          type: 'user',
          text: 'Which files are in the repository? (first message)',
          id: 'prompt:crashed',
          providerSessionId: null,
          raw: null,
        },
      ],
      'anthropic',
    );
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const before = agentRequests().length;
    const res = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
      as: w.owner,
      json: { message: directive.say('answered afresh') },
    });
    expect(res.status).toBe(202);
    await rec.turnEnded(conv.id);
    const request = agentRequests()[before]?.body as { model: string; messages: { role: string }[] };
    expect(request.model).toBe('claude-sonnet-4-5');
    // One new session whose single user turn carries both messages, in order.
    expect(request.messages.filter((m) => m.role === 'user')).toHaveLength(1);
    const sent = JSON.stringify(request.messages);
    expect(sent.indexOf('(first message)')).toBeGreaterThan(-1);
    expect(sent.indexOf('answered afresh')).toBeGreaterThan(sent.indexOf('(first message)'));
    const stored = await history(conv.id);
    expect(
      stored
        .map((m) =>
          m.type === 'user' || m.type === 'assistant' ? `${m.type}:${m.text}` : m.type === 'system' ? `system:${m.subtype}` : null,
        )
        .filter(Boolean),
    ).toEqual(
      expect.arrayContaining([
        'user:Which files are in the repository? (first message)',
        'system:restarted',
        `user:${directive.say('answered afresh')}`,
        'assistant:answered afresh',
      ]),
    );
    const row = await w.ctx.deps.db
      .selectFrom('conversations')
      .select('provider_session_id')
      .where('id', '=', conv.id)
      .executeTakeFirstOrThrow();
    expect(row.provider_session_id).toBeTruthy();
    // From now on it is an ordinary session: the next message resumes it.
    const again = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
      as: w.owner,
      json: { message: directive.say('and again') },
    });
    expect(again.status).toBe(202);
    await rec.turnEnded(conv.id, 2);
    expect(JSON.stringify(agentRequests().at(-1)?.body)).toContain('answered afresh');
    rec.close();
  });

  it('stops mid-tool: the process tree is gone, the transcript says who stopped it, and the conversation stays usable', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const marker = `sleep 37.${w.task.id}`;
    // (The CLI refuses a bare `sleep`; a command that sleeps among other work runs.)
    const conv = await startChat(directive.bash(`echo begin; ${marker}; echo end`));
    await rec.waitFor((e) => e.type === 'message' && e.message.type === 'tool_use');
    for (let i = 0; i < 100 && (await processesMatching(marker)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await processesMatching(marker)).length).toBeGreaterThan(0);
    // (Stop on an agent run's turn, which fails the run first, is covered by the loop's tests.)
    const stop = await w.ctx.request('POST', `/api/conversations/${conv.id}/stop`, { as: w.owner });
    expect(await stop.json()).toEqual({ stopped: true });
    expect(await processesMatching(marker)).toEqual([]);
    await rec.turnEnded(conv.id);
    // The transcript says the turn was stopped, and by whom.
    const last = (await history(conv.id)).at(-1);
    expect(last?.type === 'system' && [last.subtype, last.text]).toEqual(['stopped', `Stopped by ${w.owner.row.username}.`]);
    const res = await w.ctx.request('POST', `/api/conversations/${conv.id}/messages`, {
      as: w.owner,
      json: { message: directive.say('still here') },
    });
    expect(res.status).toBe(202);
    await rec.turnEnded(conv.id, 2);
    expect((await history(conv.id)).some((m) => m.type === 'assistant' && m.text === 'still here')).toBe(true);
    rec.close();
  });

  it('streams thinking as deltas and stores the whole thought once', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(`${directive.think('weighing the options carefully')} ${directive.say('decided')}`);
    await rec.turnEnded(conv.id);
    const deltas = rec.events.flatMap((e) =>
      e.type === 'message' && e.conversationId === conv.id && e.message.type === 'stream_delta' && e.message.kind === 'thinking'
        ? [e.message.text]
        : [],
    );
    expect(deltas.join('')).toBe('weighing the options carefully');
    const stored = await history(conv.id);
    expect(stored.filter((m) => m.type === 'assistant_thinking').map((m) => m.type === 'assistant_thinking' && m.text)).toEqual([
      'weighing the options carefully',
    ]);
    expect(stored.some((m) => m.type === 'stream_delta')).toBe(false);
    expect(await (await w.ctx.request('GET', `/api/conversations/${conv.id}/live`, { as: w.owner })).json()).toEqual({
      streaming: false,
      thinking: '',
      question: null,
      queue: null,
    });
    rec.close();
  });

  it('refuses a user who has not connected the provider, creating nothing', async () => {
    const stranger = await w.ctx.user();
    await w.ctx.deps.db
      .insertInto('project_members')
      .values({ project_id: w.projectId, user_id: stranger.row.id, created_at: new Date().toISOString() })
      .execute();
    const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
      as: stranger,
      json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message: 'hi' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PROVIDER_CREDENTIALS_MISSING');
    expect(await w.ctx.deps.db.selectFrom('conversations').select('id').execute()).toEqual([]);
  });
});

describe('questions', () => {
  it('parks the turn on a question, broadcasts it, and resumes with the answer', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(directive.ask('Which colour?', ['Blue', 'Green']));
    const asked = await rec.waitFor((e) => e.type === 'question.asked');
    if (asked.type !== 'question.asked') throw new Error('unexpected');
    expect(asked.questions[0]?.question).toBe('Which colour?');
    const live = await (await w.ctx.request('GET', `/api/conversations/${conv.id}/live`, { as: w.owner })).json();
    expect(live).toMatchObject({ streaming: true, question: { toolUseId: asked.toolUseId } });
    const res = await w.ctx.request('POST', `/api/conversations/${conv.id}/answer`, {
      as: w.owner,
      json: { toolUseId: asked.toolUseId, answers: { 'Which colour?': 'Green' } },
    });
    expect(await res.json()).toEqual({ outcome: 'answered' });
    await rec.turnEnded(conv.id);
    const final = (await history(conv.id)).filter((m) => m.type === 'assistant').at(-1);
    expect(final?.type === 'assistant' && final.text).toContain('Green');
    rec.close();
  });

  it('a turn stopped while its question waits says the question no longer waits', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(directive.ask('Which colour?', ['Blue', 'Green']));
    const asked = await rec.waitFor((e) => e.type === 'question.asked');
    if (asked.type !== 'question.asked') throw new Error('unexpected');
    const stop = await w.ctx.request('POST', `/api/conversations/${conv.id}/stop`, { as: w.owner });
    expect(await stop.json()).toEqual({ stopped: true });
    const gone = await rec.waitFor((e) => e.type === 'question.answered');
    expect(gone).toMatchObject({ conversationId: conv.id, toolUseId: asked.toolUseId });
    const read = await w.ctx.request('GET', `/api/conversations/${conv.id}`, { as: w.owner });
    expect(((await read.json()) as { conversation: ConversationDto }).conversation.questionWaiting).toBe(false);
    rec.close();
  });

  it('answers a question left open by a server restart by resuming the session', async () => {
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const conv = await startChat(directive.ask('Which colour?', ['Blue', 'Green']));
    const asked = await rec.waitFor((e) => e.type === 'question.asked');
    if (asked.type !== 'question.asked') throw new Error('unexpected');
    rec.close();
    // Restart: the server (and the agent with it) goes away; a new one opens the same home.
    await w.server.close();
    const second = await boot(testConfig(w.ctx.home, { sessionSecret: w.ctx.deps.sessionSecret, depsCopy: 'off' }), silentLogger());
    const server = await startServer(second.deps, { host: '127.0.0.1', port: 0 });
    try {
      const rec2 = await EventRecorder.open(server.url, w.owner.auth, w.task.id);
      const read = async () =>
        (
          (await (await fetch(`${server.url}/api/conversations/${conv.id}`, { headers: { authorization: w.owner.auth } })).json()) as {
            conversation: ConversationDto;
          }
        ).conversation;
      expect((await read()).questionWaiting).toBe(true);
      const res = await fetch(`${server.url}/api/conversations/${conv.id}/answer`, {
        method: 'POST',
        headers: { authorization: w.owner.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ toolUseId: asked.toolUseId, answers: { 'Which colour?': 'Blue' } }),
      });
      expect(await res.json()).toEqual({ outcome: 'resumed' });
      // Answered as the turn resumes, not when it ends: the task page, board and inbox stop showing it.
      const answered = await rec2.waitFor((e) => e.type === 'question.answered');
      expect(answered).toMatchObject({ conversationId: conv.id, toolUseId: asked.toolUseId });
      expect((await read()).questionWaiting).toBe(false);
      await rec2.turnEnded(conv.id);
      const messages = await second.deps.harness.store.all(conv.id);
      const final = messages.filter((m) => m.type === 'assistant').at(-1);
      expect(final?.type === 'assistant' && final.text).toContain('Blue');
      rec2.close();
    } finally {
      await server.close();
      await second.close();
      w.server = await startServer(w.ctx.deps, { host: '127.0.0.1', port: 0 });
    }
  });
});

describe('credentials', () => {
  it("sends each user's own key, never another user's, never the server's", async () => {
    const other = await w.ctx.user();
    await w.ctx.deps.db
      .insertInto('project_members')
      .values({ project_id: w.projectId, user_id: other.row.id, created_at: new Date().toISOString() })
      .execute();
    await connectClaude(w.ctx, other, w.fake, 'key-of-the-other-user');
    const previous = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = 'server-global-key';
    try {
      const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
      const mine = await startChat(directive.say('mine'));
      await rec.turnEnded(mine.id);
      const mineCount = agentRequests().length;
      const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
        as: other,
        json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message: directive.say('theirs') },
      });
      const theirs = ((await res.json()) as { conversation: ConversationDto }).conversation;
      await rec.turnEnded(theirs.id);
      const keys = agentRequests().map((r) => r.headers['x-api-key']);
      expect(keys.slice(0, mineCount).every((k) => k === 'test-key')).toBe(true);
      expect(keys.slice(mineCount).every((k) => k === 'key-of-the-other-user')).toBe(true);
      expect(JSON.stringify(w.fake.requests)).not.toContain('server-global-key');
      rec.close();
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previous;
    }
    const listing = JSON.stringify(await (await w.ctx.request('GET', '/api/providers', { as: w.owner })).json());
    expect(listing).toContain('"connected":true');
    expect(listing).not.toContain('test-key');
  });
});
