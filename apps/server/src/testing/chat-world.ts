// A running server with a real git project, a task whose worktree is ready,
// the fake Anthropic API, and users who connected Claude Code to it through
// the ordinary base-URL setting. Used by the chat integration tests.
import { join } from 'node:path';
import WebSocket from 'ws';
import { eventsOfFrame, type ServerEvent, type ServerFrame, type TaskDto } from '@bottega/protocol';
import { startFakeAnthropic, type Brain, type FakeAnthropic } from '@bottega/testkit';
import { recoverInterruptedRuns } from '../engine/recovery';
import { startServer, type RunningServer } from '../app/server';
import type { Config } from '../config';
import { createTestContext, type TestContext, type TestUser } from './context';
import { initRepo } from './git';

export interface ChatWorld {
  ctx: TestContext;
  server: RunningServer;
  fake: FakeAnthropic;
  owner: TestUser;
  projectId: number;
  task: TaskDto;
  /** Stops the server (its agents with it), boots again over the same home, recovers, listens again. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function connectClaude(ctx: TestContext, user: TestUser, fake: FakeAnthropic, apiKey = 'test-key'): Promise<void> {
  const res = await ctx.request('PUT', '/api/providers/anthropic', { as: user, json: { apiKey, baseUrl: fake.url } });
  if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${await res.text()}`);
}

export async function startChatWorld(
  opts: { brain?: Brain; repoFiles?: Record<string, string>; taskDescription?: string; config?: Partial<Config> } = {},
): Promise<ChatWorld> {
  const ctx = await createTestContext({ depsCopy: 'off', stallTimeoutMs: 20_000, ...opts.config });
  const server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
  const fake = await startFakeAnthropic(opts.brain ? { brain: opts.brain } : {});
  const owner = await ctx.user();
  await connectClaude(ctx, owner, fake);
  const repo = await initRepo(join(ctx.home, 'repos', 'app'), opts.repoFiles ? { files: opts.repoFiles } : {});
  const projectId = (await ctx.registerProject(owner, { name: 'App', repoPath: repo })).id;
  const t = await ctx.request('POST', `/api/projects/${projectId}/tasks`, {
    as: owner,
    json: { title: 'Chat here', ...(opts.taskDescription ? { description: opts.taskDescription } : {}) },
  });
  const task = ((await t.json()) as { task: TaskDto }).task;
  await ctx.deps.background.drain();
  const world: ChatWorld = {
    ctx,
    server,
    fake,
    owner,
    projectId,
    task,
    async restart() {
      await world.server.close();
      await ctx.restart();
      await recoverInterruptedRuns(ctx.deps);
      world.server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
    },
    async close() {
      await world.server.close();
      await fake.close();
      await ctx.close();
    },
  };
  return world;
}

/** A WebSocket client subscribed to one task that records every event. */
export class EventRecorder {
  readonly events: ServerEvent[] = [];
  private waiters: { pred: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      for (const event of eventsOfFrame(JSON.parse(String(data)) as ServerFrame)) {
        this.events.push(event);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(event)) return true;
          w.resolve(event);
          return false;
        });
      }
    });
  }

  static async open(url: string, auth: string, taskId: number): Promise<EventRecorder> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: auth } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const acked = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.send(JSON.stringify({ action: 'subscribe', taskId }));
    await acked;
    return new EventRecorder(ws);
  }

  /** The first recorded or future event matching `pred`. */
  waitFor(pred: (e: ServerEvent) => boolean, timeoutMs = 30_000): Promise<ServerEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event not received in time')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Waits for the `nth` (1-based) streaming.ended of a conversation. */
  async turnEnded(conversationId: number, nth = 1, timeoutMs?: number): Promise<void> {
    let count = 0;
    await this.waitFor((e) => e.type === 'streaming.ended' && e.conversationId === conversationId && ++count >= nth, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
