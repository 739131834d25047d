// The real server on a real port: REST and the WebSocket hub together, with
// the hub's access rules backed by the database. Every WebSocket action is
// checked for anonymous, non-member, member and admin callers.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventsOfFrame, type ServerFrame } from '@bottega/protocol';
import { TestClient } from '../events/ws-hub.fixture';
import { startServer, type RunningServer } from './server';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import { initRepo } from '../testing/git';

let ctx: TestContext;
let server: RunningServer;

beforeEach(async () => {
  ctx = await createTestContext({ depsCopy: 'off' });
  server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
});
afterEach(async () => {
  await server.close();
  await ctx.close();
});

function connect(user: TestUser | null): Promise<TestClient | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: user ? { authorization: user.auth } : {} });
    ws.once('open', () => resolve(new TestClient(ws)));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

async function client(user: TestUser): Promise<TestClient> {
  const c = await connect(user);
  if (typeof c === 'number') throw new Error(`upgrade refused with ${c}`);
  return c;
}

describe('WebSocket authorization', () => {
  it('refuses anonymous and logged-out callers at the upgrade', async () => {
    expect(await connect(null)).toBe(401);
    const u = await ctx.user();
    await ctx.request('POST', '/api/auth/logout', { as: u });
    expect(await connect(u)).toBe(401);
  });

  it('authorizes every subscribe action by membership (admins bypass)', async () => {
    const member = await ctx.user();
    const outsider = await ctx.user();
    const admin = await ctx.user({ isAdmin: true });
    const project = await ctx.project({ members: [member] });
    const task = await ctx.task(project, member);
    const actions = [
      { action: 'subscribe', taskId: task.id },
      { action: 'subscribe-project', projectId: project.id },
    ];
    for (const frame of actions) {
      for (const [user, allowed] of [
        [member, true],
        [admin, true],
        [outsider, false],
      ] as const) {
        const c = await client(user);
        const reply: ServerFrame = await c.request(frame);
        expect(reply.kind, `${frame.action} as ${user.row.username}`).toBe(allowed ? 'ack' : 'error');
        c.ws.close();
      }
    }
    const c = await client(outsider);
    expect(await c.request({ action: 'subscribe', taskId: 987654 })).toMatchObject({ kind: 'error', code: 'NOT_FOUND' });
    expect(await c.request({ action: 'unsubscribe', taskId: task.id })).toMatchObject({ kind: 'ack' });
    expect(await c.request({ action: 'ping' })).toEqual({ kind: 'pong' });
    c.ws.close();
  });

  it('broadcasts task create, update and delete to subscribers only', async () => {
    const member = await ctx.user();
    const outsider = await ctx.user();
    const repo = await initRepo(join(ctx.home, 'repos', 'live'));
    // An administrator registers the checkout; the member owns the project.
    const projectId = (await ctx.registerProject(member, { name: 'Live', repoPath: repo })).id;
    const board = await client(member);
    expect(await board.request({ action: 'subscribe-project', projectId })).toMatchObject({ kind: 'ack' });
    const spy = await client(outsider);
    await spy.request({ action: 'subscribe-project', projectId });

    const res = await fetch(`${server.url}/api/projects/${projectId}/tasks`, {
      method: 'POST',
      headers: { authorization: member.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Live task' }),
    });
    const taskId = ((await res.json()) as { task: { id: number } }).task.id;
    expect(await board.next()).toMatchObject({ kind: 'event', event: { type: 'task.created', taskId, task: { title: 'Live task' } } });
    // The worktree's checkout finishes in the background with its own task.updated.
    await ctx.deps.background.drain();
    expect(await board.next()).toMatchObject({
      kind: 'event',
      event: { type: 'task.updated', taskId, task: { workspaceStatus: 'ready' } },
    });

    const watcher = await client(member);
    expect(await watcher.request({ action: 'subscribe', taskId })).toMatchObject({ kind: 'ack' });
    await fetch(`${server.url}/api/tasks/${taskId}`, {
      method: 'PATCH',
      headers: { authorization: member.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'in_review' }),
    });
    expect(await watcher.next()).toMatchObject({ kind: 'event', event: { type: 'task.updated', task: { status: 'in_review' } } });
    await fetch(`${server.url}/api/tasks/${taskId}`, { method: 'DELETE', headers: { authorization: member.auth } });
    expect(await watcher.next()).toMatchObject({ kind: 'event', event: { type: 'task.deleted', taskId } });
    expect(await spy.drainUntilPong()).toEqual([]);
  });

  it('drops a subscription when membership is revoked and closes sockets on logout', async () => {
    const admin = await ctx.user({ isAdmin: true });
    const a = await ctx.user();
    const b = await ctx.user();
    const project = await ctx.project({ members: [a, b] });
    const task = await ctx.task(project, a);
    const c = await client(b);
    await c.request({ action: 'subscribe', taskId: task.id });
    const removed = await ctx.request('DELETE', `/api/projects/${project.id}/members/${b.row.id}`, { as: admin });
    expect(removed.status).toBe(200);
    const row = await ctx.deps.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    ctx.deps.bus.publish({ type: 'task.deleted', projectId: project.id, taskId: row.id });
    const frames = await c.drainUntilPong();
    expect(frames.flatMap(eventsOfFrame)).toEqual([]);

    const d = await client(a);
    await ctx.request('POST', '/api/auth/logout', { as: a });
    expect((await d.closed).code).toBeGreaterThan(0);
  });
});

describe('HTTP basics', () => {
  it('serves the web app for deep links and JSON 404s under /api', async () => {
    const page = await fetch(`${server.url}/projects/1`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${server.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses state-changing requests from another origin', async () => {
    const u = await ctx.user();
    const res = await fetch(`${server.url}/api/auth/profile`, {
      method: 'PATCH',
      headers: { authorization: u.auth, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ isTechnical: false }),
    });
    expect(res.status).toBe(403);
  });
});
