// Per-route-class body limits, in-process: each route reads under its class's
// limit (a chat message carries its images, an ordinary JSON route does not),
// a maximal valid chat message fits its limit, and the bytes actually read are
// what counts — not a Content-Length that claims less.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHAT_IMAGE_BYTES, MAX_CHAT_IMAGES } from '@bottega/protocol';
import { allRoutes } from '../app/app';
import { bodyClassOf, bodyLimitBytes } from './body-limits';
import { createTestContext, type TestContext, type TestUser } from '../testing/context';
import type { ConversationRow, ProjectRow, TaskRow } from '../db/schema';

const MiB = 1024 * 1024;

/** A request body streamed in 64 KiB chunks, so no Content-Length is derived from it. */
function stream(bytes: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + 64 * 1024)));
      offset += 64 * 1024;
    },
  });
}

describe('body limits per route class', () => {
  let ctx: TestContext;
  let user: TestUser;
  let project: ProjectRow;
  let task: TaskRow;
  let conversation: ConversationRow;

  beforeAll(async () => {
    ctx = await createTestContext({ maxUploadBytes: 3 * MiB });
    user = await ctx.user();
    project = await ctx.project({ members: [user] });
    task = await ctx.task(project, user);
    conversation = await ctx.conversation(task, { kind: 'chat' });
  });
  afterAll(async () => ctx.close());

  const post = (path: string, body: Buffer | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    ctx.app.request(path, {
      method: 'POST',
      headers: { authorization: user.auth, 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit);

  it('gives every body-taking route the limit of its class', () => {
    const routes = allRoutes(ctx.deps);
    const limitOf = (method: string, path: string) => {
      const route = routes.find((r) => r.method === method && r.path === path);
      if (!route) throw new Error(`${method} ${path} is not a route`);
      return bodyLimitBytes(bodyClassOf(route), ctx.deps.config);
    };
    expect(limitOf('POST', '/api/auth/login')).toBe(MiB);
    expect(limitOf('POST', '/api/projects/:projectId/tasks')).toBe(MiB);
    expect(limitOf('PUT', '/api/tasks/:taskId/document')).toBe(8 * MiB);
    expect(limitOf('POST', '/api/conversations/:conversationId/messages')).toBe(limitOf('POST', '/api/tasks/:taskId/conversations'));
    expect(limitOf('POST', '/api/tasks/:taskId/files')).toBe(3 * MiB + 64 * 1024);
    expect(limitOf('POST', '/api/tasks/:taskId/tmp-files')).toBe(3 * MiB + 64 * 1024);
    expect(limitOf('POST', '/api/webhooks/github')).toBe(25 * MiB);
  });

  it('lets a chat message with its largest images through where an ordinary JSON route refuses the same size', async () => {
    const image = { mediaType: 'image/png', data: Buffer.alloc(MAX_CHAT_IMAGE_BYTES).toString('base64') };
    const message = Buffer.from(
      JSON.stringify({ message: 'é'.repeat(200_000), images: Array.from({ length: MAX_CHAT_IMAGES }, () => image) }),
    );
    expect(message.length).toBeGreaterThan(11 * MiB);
    // Read whole and judged on its content (the images are not PNGs), not refused for its size.
    const chat = await post(`/api/conversations/${conversation.id}/messages`, stream(message));
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');

    const json = await post(
      `/api/projects/${project.id}/tasks`,
      stream(Buffer.from(JSON.stringify({ title: 'Big', description: 'x'.repeat(2 * MiB) }))),
    );
    expect(json.status).toBe(413);
    expect(await json.json()).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(`${MiB} bytes`), requestId: expect.any(String) },
    });
    expect(await ctx.deps.db.selectFrom('tasks').select('id').execute()).toHaveLength(1);
  });

  it('counts the bytes read, not the Content-Length claimed', async () => {
    const body = Buffer.from(JSON.stringify({ username: 'someone', password: 'p'.repeat(2 * MiB) }));
    const lying = await post('/api/auth/login', stream(body), { 'content-length': '64' });
    expect(lying.status).toBe(413);
    expect(((await lying.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const declared = await post('/api/auth/login', Buffer.from('{}'), { 'content-length': String(2 * MiB) });
    expect(declared.status).toBe(413);
  });
});
