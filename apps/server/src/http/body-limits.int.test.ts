// Bodies are bounded while they are read (docs/behaviour/reliability.md#bounded-request-bodies), on a real listening
// server because chunking matters: an over-limit body sent chunked (no
// Content-Length) on each body-taking route class — a JSON route, both
// multipart uploads, the GitHub webhook and an anonymous login — is answered
// 413 with the closed error shape, nothing is written, and the server stops
// reading it: the connection ends long before the client could send it all.
// Bodies under their limits still arrive whole when chunked.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../app/server';
import { createTestContext, TEST_PASSWORD, type TestContext, type TestUser } from '../testing/context';
import type { ProjectRow, TaskRow } from '../db/schema';
import { signBody } from '../forge/webhook-signature';

const SECRET = 'body-limits-webhook-secret-0123';
const MiB = 1024 * 1024;
/** More than any limit plus what the kernel's socket buffers can take in. */
const FLOOD = 64 * MiB;

interface Answer {
  status: number;
  body: unknown;
  /** Bytes the client got to send before the answer came and the connection ended. */
  sent: number;
}

/**
 * POSTs `head`, then filler bytes up to `total`, chunked (no Content-Length),
 * as fast as the server takes them; resolves with the answer once the
 * connection is over.
 */
function chunked(
  url: string,
  headers: Record<string, string>,
  head: string | Buffer,
  total: number,
  tail: string | Buffer = '',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    const filler = Buffer.alloc(64 * 1024, 0x61);
    const first = Buffer.from(head);
    const last = Buffer.from(tail);
    let sent = 0;
    let answer: { status: number; text: string } | null = null;
    const finish = () => {
      if (!answer) return reject(new Error(`the connection ended without an answer after ${sent} bytes`));
      let body: unknown = answer.text;
      try {
        body = JSON.parse(answer.text);
      } catch {
        // not JSON: kept as text
      }
      resolve({ status: answer.status, body, sent });
    };
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (text += s));
      res.on('end', () => (answer = { status: res.statusCode ?? 0, text }));
    });
    // Writing into a connection the server has ended fails; the answer read before is what counts.
    req.on('error', () => undefined);
    req.on('close', () => setTimeout(finish, 20));
    const write = (chunk: Buffer): boolean => {
      sent += chunk.length;
      return req.write(chunk);
    };
    const pump = () => {
      while (!req.destroyed && !req.writableEnded) {
        if (sent === 0) {
          if (!write(first)) return void req.once('drain', pump);
          continue;
        }
        const left = total - last.length - sent;
        if (left <= 0) return void req.end(last, () => (sent += last.length));
        if (!write(left < filler.length ? filler.subarray(0, left) : filler)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

/** Every file under BOTTEGA_HOME (but the database) with its size. */
async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.name.startsWith('bottega.db')) continue;
      if (e.isDirectory()) await walk(p);
      else out.push(`${relative(root, p)}:${(await stat(p)).size}`);
    }
  };
  await walk(root);
  return out.sort();
}

const tooLarge = { error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('limit'), requestId: expect.any(String) } };

describe('request bodies on a listening server', () => {
  let ctx: TestContext;
  let server: RunningServer;
  let owner: TestUser;
  let project: ProjectRow;
  let task: TaskRow;
  const url = (path: string) => `${server.url}${path}`;
  const rows = async () => ({
    users: (await ctx.deps.db.selectFrom('users').select('id').execute()).length,
    tasks: (await ctx.deps.db.selectFrom('tasks').select('id').execute()).length,
    deliveries: (await ctx.deps.db.selectFrom('webhook_deliveries').select('delivery_id').execute()).length,
  });

  beforeAll(async () => {
    ctx = await createTestContext({ webhookSecret: SECRET, maxUploadBytes: MiB });
    owner = await ctx.user({ username: 'owner' });
    project = await ctx.project({ members: [owner] });
    const worktree = join(ctx.home, 'worktrees', 'task');
    await mkdir(worktree, { recursive: true });
    task = await ctx.task(project, owner, { workspace_status: 'ready', worktree_path: worktree });
    server = await startServer(ctx.deps, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  async function expectRefusedUnread(answer: Answer, before: { files: string[]; rows: Awaited<ReturnType<typeof rows>> }) {
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual(tooLarge);
    expect(answer.sent).toBeLessThan(FLOOD);
    expect(await files(ctx.home)).toEqual(before.files);
    expect(await rows()).toEqual(before.rows);
    // The server is well afterwards.
    expect((await fetch(url('/api/health'))).status).toBe(200);
  }
  const state = async () => ({ files: await files(ctx.home), rows: await rows() });

  it('refuses an over-limit chunked JSON body with 413, creating nothing', async () => {
    const before = await state();
    const answer = await chunked(
      url(`/api/projects/${project.id}/tasks`),
      { authorization: owner.auth, 'content-type': 'application/json' },
      '{"title":"Flood","description":"',
      FLOOD,
      '"}',
    );
    await expectRefusedUnread(answer, before);
  });

  it('refuses an over-limit chunked anonymous login with 413, before anyone is looked up', async () => {
    const before = await state();
    const answer = await chunked(
      url('/api/auth/login'),
      { 'content-type': 'application/json' },
      '{"username":"owner","password":"',
      FLOOD,
      '"}',
    );
    await expectRefusedUnread(answer, before);
  });

  it('refuses over-limit chunked uploads of input files and tmp files with 413, writing no file', async () => {
    const boundary = 'bottega-test-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    for (const path of [`/api/tasks/${task.id}/files`, `/api/tasks/${task.id}/tmp-files`]) {
      const before = await state();
      const answer = await chunked(
        url(path),
        { authorization: owner.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
        head,
        FLOOD,
        tail,
      );
      await expectRefusedUnread(answer, before);
    }
  });

  it('refuses an over-limit chunked webhook delivery with 413, recording no delivery', async () => {
    const before = await state();
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': 'flood-1',
      'x-hub-signature-256': signBody(SECRET, 'anything'),
    };
    const answer = await chunked(url('/api/webhooks/github'), headers, '{"action":"created","comment":{"body":"', FLOOD, '"}}');
    await expectRefusedUnread(answer, before);
  });

  it('refuses bodies that need a login or a signature before reading them', async () => {
    const anonymous = await chunked(
      url(`/api/projects/${project.id}/tasks`),
      { 'content-type': 'application/json' },
      '{"title":"',
      FLOOD,
      '"}',
    );
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(anonymous.sent).toBeLessThan(FLOOD);
    const unsigned = await chunked(
      url('/api/webhooks/github'),
      { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'flood-2' },
      '{"zen":"',
      FLOOD,
      '"}',
    );
    expect(unsigned).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    expect(unsigned.sent).toBeLessThan(FLOOD);
  });

  it('refuses a declared Content-Length over the limit at once', async () => {
    const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = request(
        url('/api/auth/login'),
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(64 * MiB) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (s: string) => (text += s));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
        },
      );
      req.on('error', reject);
      // Only the headers and a little of the promised body are sent: the answer must not wait for the rest.
      req.write(Buffer.alloc(1024, 0x61));
    });
    expect(answer).toEqual({ status: 413, body: tooLarge });
  });

  it('accepts chunked bodies under their limits whole', async () => {
    const login = await chunked(
      url('/api/auth/login'),
      { 'content-type': 'application/json' },
      JSON.stringify({ username: 'owner', password: TEST_PASSWORD }),
      0,
    );
    expect(login.status).toBe(200);
    const boundary = 'bottega-test-boundary';
    const content = 'b'.repeat(MiB - 100);
    const upload = await chunked(
      url(`/api/tasks/${task.id}/files`),
      { authorization: owner.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="fits.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--\r\n`,
      0,
    );
    expect(upload).toMatchObject({ status: 201, body: { files: [{ name: 'fits.txt', size: MiB - 100 }] } });
  });
});
