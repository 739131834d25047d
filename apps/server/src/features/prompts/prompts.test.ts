// Prompt settings over HTTP, in-process: users read, admins save and revert,
// and the store's 404 / 400 / 409 answers reach the client with their codes.
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../app/app';
import type { AppEnv } from '../../http/types';
import { findPrompt } from '../../prompts/registry';
import type { PromptDetail, PromptSummary } from '../../prompts/store';
import { createTestContext, type TestContext, type TestUser } from '../../testing/context';
import { promptRoutes } from './routes';

let ctx: TestContext;
let app: Hono<AppEnv>;
let admin: TestUser;
let user: TestUser;
beforeEach(async () => {
  ctx = await createTestContext();
  app = createApp(ctx.deps, promptRoutes(ctx.deps));
  admin = await ctx.user({ isAdmin: true });
  user = await ctx.user();
});
afterEach(async () => ctx.close());

function call(method: string, path: string, as: TestUser | null, json?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (as) headers.authorization = as.auth;
  if (json !== undefined) headers['content-type'] = 'application/json';
  return Promise.resolve(app.request(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }));
}

async function prompt(res: Response): Promise<PromptDetail> {
  return ((await res.json()) as { prompt: PromptDetail }).prompt;
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('reading prompts', () => {
  it('lists and reads prompts for any logged-in user, and nobody else', async () => {
    expect((await call('GET', '/api/prompts', null)).status).toBe(401);
    const list = await call('GET', '/api/prompts', user);
    expect(list.status).toBe(200);
    const { prompts } = (await list.json()) as { prompts: PromptSummary[] };
    expect(prompts.map((p) => p.name)).toContain('plan-template');
    expect(prompts.every((p) => !p.customized)).toBe(true);

    const res = await call('GET', '/api/prompts/review', user);
    expect(res.status).toBe(200);
    expect(await prompt(res)).toMatchObject({
      name: 'review',
      customized: false,
      mtime: null,
      content: findPrompt('review')?.defaultContent,
    });
  });

  it('answers 404 for a prompt that is not in the registry', async () => {
    expect((await call('GET', '/api/prompts/nope', user)).status).toBe(404);
    expect((await call('GET', '/api/prompts/..%2Fsecrets', user)).status).toBe(404);
  });
});

describe('saving and reverting', () => {
  it('is for administrators only', async () => {
    const put = await call('PUT', '/api/prompts/review', user, { content: 'mine', expectedMtime: null });
    expect(put.status).toBe(403);
    expect((await call('DELETE', '/api/prompts/review', user)).status).toBe(403);
    expect((await call('PUT', '/api/prompts/review', null, { content: 'mine', expectedMtime: null })).status).toBe(401);
    expect((await prompt(await call('GET', '/api/prompts/review', user))).customized).toBe(false);
  });

  it('saves with optimistic concurrency: the returned mtime works, a stale one is 409', async () => {
    const first = await prompt(await call('PUT', '/api/prompts/review', admin, { content: 'v1 {{taskId}}', expectedMtime: null }));
    expect(first).toMatchObject({ customized: true, content: 'v1 {{taskId}}' });
    const read = await prompt(await call('GET', '/api/prompts/review', user));
    expect(read.mtime).toBe(first.mtime);

    const second = await call('PUT', '/api/prompts/review', admin, { content: 'v2', expectedMtime: read.mtime });
    expect(second.status).toBe(200);
    const stale = await call('PUT', '/api/prompts/review', admin, { content: 'v3', expectedMtime: read.mtime });
    expect(stale.status).toBe(409);
    expect(await errorCode(stale)).toBe('CONFLICT');
    expect((await prompt(await call('GET', '/api/prompts/review', user))).content).toBe('v2');
  });

  it('rejects unknown variables, bad bodies and unknown names', async () => {
    const unknownVar = await call('PUT', '/api/prompts/implementation', admin, { content: 'use {{feedback}}', expectedMtime: null });
    expect(unknownVar.status).toBe(400);
    expect(await errorCode(unknownVar)).toBe('VALIDATION_FAILED');
    expect((await call('PUT', '/api/prompts/review', admin, { content: '   ', expectedMtime: null })).status).toBe(400);
    expect((await call('PUT', '/api/prompts/review', admin, { content: 'x'.repeat(200_001), expectedMtime: null })).status).toBe(400);
    expect((await call('PUT', '/api/prompts/review', admin, { content: 'x' })).status).toBe(400);
    expect((await call('PUT', '/api/prompts/review', admin, { content: 'x', expectedMtime: null, extra: 1 })).status).toBe(400);
    expect((await call('PUT', '/api/prompts/nope', admin, { content: 'x', expectedMtime: null })).status).toBe(404);
    expect((await call('DELETE', '/api/prompts/nope', admin)).status).toBe(404);
  });

  it('saves the plan template without checking variables, and reverts it', async () => {
    const saved = await call('PUT', '/api/prompts/plan-template', admin, { content: '# {{whatever}}', expectedMtime: null });
    expect(saved.status).toBe(200);
    const list = (await (await call('GET', '/api/prompts', user)).json()) as { prompts: PromptSummary[] };
    expect(list.prompts.find((p) => p.name === 'plan-template')?.customized).toBe(true);

    const reverted = await call('DELETE', '/api/prompts/plan-template', admin);
    expect(reverted.status).toBe(200);
    expect(await prompt(reverted)).toMatchObject({ customized: false, mtime: null, content: findPrompt('plan-template')?.defaultContent });
    expect((await call('DELETE', '/api/prompts/plan-template', admin)).status).toBe(200);
  });
});
