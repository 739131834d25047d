// The run queue with the real Claude Code CLI on the simulated model (docs/behaviour/capacity.md):
// a run that finds no free slot is queued with its place and reason, can be cancelled, and starts
// when a slot frees; a chat turn waits for a slot too but goes ahead of its user's queued runs; a
// rate limit is waited out with a backoff and the run completes; a usage limit with a reset parks
// the run (its slot goes to another user's run meanwhile) and it resumes its session at the reset.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRunDto, ConversationDto, ServerEvent, UnifiedMessage } from '@bottega/protocol';
import { directive } from '@bottega/testkit';
import { buildServer } from '../../testing/build';
import { connectClaude, EventRecorder, startChatWorld, type ChatWorld } from '../../testing/chat-world';
import { saveClaudeCredentials } from '../../harness/providers/claude/credentials';

let w: ChatWorld;
beforeAll(buildServer);
beforeEach(async () => {
  w = await startChatWorld({ config: { maxRunning: 1 } });
});
afterEach(async () => w.close());

async function prompt(role: string, text: string): Promise<void> {
  await mkdir(join(w.ctx.home, 'prompts'), { recursive: true });
  await writeFile(join(w.ctx.home, 'prompts', `${role}.md`), text);
}

async function secondTask(): Promise<number> {
  const res = await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, { as: w.owner, json: { title: 'Second' } });
  const { task } = (await res.json()) as { task: { id: number } };
  await w.ctx.deps.background.drain();
  return task.id;
}

async function startRun(taskId: number): Promise<AgentRunDto> {
  const res = await w.ctx.request('POST', `/api/tasks/${taskId}/agent-runs`, { as: w.owner, json: { agentType: 'planification' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { run: AgentRunDto }).run;
}

async function getRun(id: number): Promise<AgentRunDto> {
  return ((await (await w.ctx.request('GET', `/api/agent-runs/${id}`, { as: w.owner })).json()) as { run: AgentRunDto }).run;
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the run queue', () => {
  it('queues a run while the only slot is taken, says where it stands, cancels it, and never starts it', async () => {
    await prompt('planification', `Plan. ${directive.sleep(2500)} ${directive.say('The plan.')}`);
    const other = await secondTask();
    const first = await startRun(w.task.id);
    expect(first.status).toBe('running');
    const queued = await startRun(other);
    expect(queued).toMatchObject({
      status: 'queued',
      conversationId: null,
      queue: { position: 1, reason: 'user_limit', resumeAt: null },
    });
    expect(await getRun(queued.id)).toMatchObject({ status: 'queued', queue: { position: 1 } });
    // One slot and it is the owner's: their own limit is what holds the run (the per-user limit defaults to the global one).
    // The board's live runs include it, with its place.
    const active = (await (await w.ctx.request('GET', `/api/projects/${w.projectId}/active-runs`, { as: w.owner })).json()) as {
      runs: AgentRunDto[];
    };
    expect(active.runs.find((r) => r.id === queued.id)?.queue).toMatchObject({ position: 1 });
    // The inbox lists the owner's own waiting run.
    const inbox = (await (await w.ctx.request('GET', '/api/inbox', { as: w.owner })).json()) as { waiting: { runId: number }[] };
    expect(inbox.waiting.map((r) => r.runId)).toEqual([queued.id]);

    const cancel = await w.ctx.request('POST', `/api/agent-runs/${queued.id}/cancel`, { as: w.owner });
    expect(cancel.status).toBe(200);
    const cancelled = ((await cancel.json()) as { run: AgentRunDto }).run;
    expect(cancelled).toMatchObject({
      status: 'failed',
      queue: null,
      failureReason: `cancelled by ${w.owner.row.username} before it started`,
    });
    // Only a queued or waiting run can be cancelled.
    expect((await w.ctx.request('POST', `/api/agent-runs/${queued.id}/cancel`, { as: w.owner })).status).toBe(409);
    expect((await w.ctx.request('POST', `/api/agent-runs/${first.id}/cancel`, { as: w.owner })).status).toBe(409);

    await until(async () => (await getRun(first.id)).status === 'completed', 'the first run to complete');
    await w.ctx.deps.background.drain();
    await new Promise((r) => setTimeout(r, 300));
    const after = await getRun(queued.id);
    expect(after).toMatchObject({ status: 'failed', conversationId: null, startedAt: null });
    expect(w.ctx.deps.scheduler.held).toBe(0);
    // The task it was queued on is free for a new run.
    expect((await startRun(other)).status).toBe('running');
  });

  it("lets a chat turn wait for the slot too, ahead of its own user's queued run", async () => {
    await prompt('planification', `Plan. ${directive.sleep(2000)} ${directive.say('The plan.')}`);
    const other = await secondTask();
    const rec = await EventRecorder.open(w.server.url, w.owner.auth, w.task.id);
    const order: string[] = [];
    const unsubscribe = w.ctx.deps.bus.subscribe((e: ServerEvent) => {
      if (e.type === 'agent-run.updated' && e.run.status === 'running' && !order.includes(`run ${e.run.taskId}`))
        order.push(`run ${e.run.taskId}`);
      if (e.type === 'streaming.started') order.push(`stream ${e.conversationId}`);
    });
    const first = await startRun(w.task.id);
    const queuedRun = await startRun(other);
    expect(queuedRun.status).toBe('queued');

    const res = await w.ctx.request('POST', `/api/tasks/${w.task.id}/conversations`, {
      as: w.owner,
      json: { provider: 'anthropic', model: 'claude-sonnet-4-5', message: directive.say('chat answer') },
    });
    expect(res.status).toBe(201);
    const chat = ((await res.json()) as { conversation: ConversationDto }).conversation;
    const waiting = await rec.waitFor((e) => e.type === 'turn.queued' && e.conversationId === chat.id && e.queue !== null);
    expect(waiting.type === 'turn.queued' && waiting.queue).toMatchObject({ position: 1, reason: 'user_limit' });
    // A page opened now (or reloaded) reads the same from the conversation's live state.
    const live = (await (await w.ctx.request('GET', `/api/conversations/${chat.id}/live`, { as: w.owner })).json()) as {
      streaming: boolean;
      queue: unknown;
    };
    expect(live).toMatchObject({ streaming: false, queue: { position: 1 } });
    // The queued run moved back a place.
    expect((await getRun(queuedRun.id)).queue).toMatchObject({ position: 2 });
    // The user's words are in the transcript already; the answer comes when the slot is free.
    const messages = async () =>
      (
        (await (await w.ctx.request('GET', `/api/conversations/${chat.id}/messages?limit=100`, { as: w.owner })).json()) as {
          messages: UnifiedMessage[];
        }
      ).messages;
    expect((await messages()).map((m) => m.type)).toEqual(['user']);

    await rec.turnEnded(chat.id);
    await until(async () => (await getRun(queuedRun.id)).status === 'completed', 'the queued run to complete');
    unsubscribe();
    rec.close();
    expect(order).toEqual([
      `run ${w.task.id}`,
      `stream ${first.conversationId}`,
      `stream ${chat.id}`,
      `run ${other}`,
      expect.stringMatching(/^stream /),
    ]);
    expect((await messages()).some((m) => m.type === 'assistant' && JSON.stringify(m).includes('chat answer'))).toBe(true);
  });

  it('waits out a rate limit with a backoff and completes the run in the same session', async () => {
    await prompt('planification', `Plan. ${directive.say('Planned after the wait.')}`);
    // Claude Code retries twice by itself; the third refusal reaches Bottega, which waits and goes on.
    w.fake.failNext(429, { count: 3 });
    const run = await startRun(w.task.id);
    await until(async () => (await getRun(run.id)).status !== 'running', 'the run to end');
    const ended = await getRun(run.id);
    expect(ended.status).toBe('completed');
    const messages = (
      (await (await w.ctx.request('GET', `/api/conversations/${ended.conversationId}/messages?limit=100`, { as: w.owner })).json()) as {
        messages: UnifiedMessage[];
      }
    ).messages;
    // Claude Code's own two retries are in the transcript; then Bottega's wait.
    const retry = messages.find((m) => m.type === 'system' && m.subtype === 'retry' && m.text.includes('trying again'));
    expect(retry?.type === 'system' && retry.text).toMatch(/rate limited.*trying again in \d+ s \(attempt 2 of 6\)/);
    // After the wait the agent answered the continuation, in the same conversation.
    expect(messages.slice(messages.indexOf(retry as UnifiedMessage)).some((m) => m.type === 'assistant')).toBe(true);
    // Three refusals, then the continuation that was answered.
    expect(w.fake.modelRequests().length).toBeGreaterThanOrEqual(4);
  });

  it("parks a run at its usage limit until the reset, lets another user's run through meanwhile, then resumes its session", async () => {
    await prompt('planification', `Plan. ${directive.say('The plan.')}`);
    // The owner is signed in with a subscription (OAuth): only then does Claude Code report a usage limit with its reset.
    const token = 'sk-ant-oat01-quota-test-token';
    await saveClaudeCredentials(w.ctx.home, w.owner.row.id, { oauthToken: token, baseUrl: w.fake.url });
    const colleague = await w.ctx.user();
    await connectClaude(w.ctx, colleague, w.fake);
    const admin = await w.ctx.user({ isAdmin: true });
    expect(
      (await w.ctx.request('POST', `/api/projects/${w.projectId}/members`, { as: admin, json: { userId: colleague.row.id } })).status,
    ).toBe(201);
    const theirs = (
      (await (await w.ctx.request('POST', `/api/projects/${w.projectId}/tasks`, { as: colleague, json: { title: 'Theirs' } })).json()) as {
        task: { id: number };
      }
    ).task.id;
    await w.ctx.deps.background.drain();

    const statuses: string[] = [];
    const unsubscribe = w.ctx.deps.bus.subscribe((e: ServerEvent) => {
      if (e.type !== 'agent-run.updated') return;
      const entry = `${e.run.taskId === theirs ? 'theirs' : 'mine'} ${e.run.status}`;
      if (statuses.at(-1) !== entry) statuses.push(entry);
    });
    // Far enough ahead that a slowly starting CLI still meets the limit.
    const resetAt = new Date(Date.now() + 8000);
    w.fake.usageLimitUntil(resetAt, { credential: token });
    const parked = await startRun(w.task.id);
    await until(async () => (await getRun(parked.id)).status === 'waiting_for_quota', 'the run to wait for its quota');
    const waiting = await getRun(parked.id);
    expect(waiting.queue).toMatchObject({ reason: 'quota', position: null });
    expect(Math.abs(Date.parse(waiting.queue?.resumeAt ?? '') - resetAt.getTime())).toBeLessThan(1500);
    expect(waiting.failureReason).toMatch(/limit/i);

    // The only slot is free again: the colleague's run starts while the owner's waits.
    const other = await w.ctx.request('POST', `/api/tasks/${theirs}/agent-runs`, { as: colleague, json: { agentType: 'planification' } });
    const otherRun = ((await other.json()) as { run: AgentRunDto }).run;
    expect(otherRun.status).toBe('running');
    await until(async () => (await getRun(otherRun.id)).status === 'completed', "the colleague's run to complete");

    // At the reset it goes on in the same conversation and session, and completes.
    await until(async () => (await getRun(parked.id)).status === 'completed', 'the parked run to complete after the reset', 30_000);
    const done = await getRun(parked.id);
    expect(done).toMatchObject({ conversationId: waiting.conversationId, failureReason: null, queue: null });
    const messages = (
      (await (await w.ctx.request('GET', `/api/conversations/${done.conversationId}/messages?limit=100`, { as: w.owner })).json()) as {
        messages: UnifiedMessage[];
      }
    ).messages;
    const userTurns = messages.filter((m) => m.type === 'user').map((m) => (m.type === 'user' ? m.text : ''));
    expect(userTurns.at(-1)).toMatch(/usage limit was reached and has now reset/);
    expect(messages.at(-1)?.type).not.toBe('system');
    unsubscribe();
    // One slot: the colleague's run came and went while the owner's waited for its quota.
    expect(statuses.filter((x) => !x.endsWith('queued'))).toEqual([
      'mine running',
      'mine waiting_for_quota',
      'theirs running',
      'theirs completed',
      'mine running',
      'mine completed',
    ]);
  });
});
