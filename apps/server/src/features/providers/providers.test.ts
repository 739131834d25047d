// Provider connections through the API: key + base URL, status without
// secrets, disconnect, and the in-app setup-token sign-in (a stand-in program
// plays `claude setup-token` under a real pseudo-terminal).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { claudeProvider } from '../../harness/providers/claude/provider';
import { createTestContext, type TestContext } from '../../testing/context';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => {
  await claudeProvider(ctx.deps.providers).setupToken.closeAll();
  await ctx.close();
});

const anthropic = async (res: Response) =>
  (
    (await res.json()) as { providers: { name: string; connected: boolean; method: string | null; baseUrl: string | null }[] }
  ).providers.find((p) => p.name === 'anthropic');

it('connects with an API key and a gateway URL, reports status without the secret, disconnects', async () => {
  const u = await ctx.user();
  expect(await anthropic(await ctx.request('GET', '/api/providers', { as: u }))).toMatchObject({ connected: false });
  const put = await ctx.request('PUT', '/api/providers/anthropic', {
    as: u,
    json: { apiKey: 'sk-ant-api-key-0123456789', baseUrl: 'https://gateway.example/anthropic' },
  });
  expect(await put.json()).toEqual({ connected: true, method: 'api-key', baseUrl: 'https://gateway.example/anthropic' });
  const listed = await ctx.request('GET', '/api/providers', { as: u });
  const text = await listed.clone().text();
  expect(text).not.toContain('sk-ant-api-key');
  expect(await anthropic(listed)).toMatchObject({ connected: true, method: 'api-key' });
  const other = await ctx.user();
  expect(await anthropic(await ctx.request('GET', '/api/providers', { as: other }))).toMatchObject({ connected: false });
  expect(
    (await ctx.request('PUT', '/api/providers/anthropic', { as: u, json: { apiKey: 'k'.repeat(20), oauthToken: 't'.repeat(20) } })).status,
  ).toBe(400);
  expect(
    (await ctx.request('PUT', '/api/providers/anthropic', { as: u, json: { apiKey: 'k'.repeat(20), baseUrl: 'file:///etc/passwd' } }))
      .status,
  ).toBe(400);
  expect(await (await ctx.request('DELETE', '/api/providers/anthropic', { as: u })).json()).toMatchObject({ connected: false });
});

it('runs the setup-token sign-in: URL, a wrong code, then the right one stores an OAuth token', async () => {
  const u = await ctx.user();
  const started = await ctx.request('POST', '/api/providers/anthropic/setup-token/start', { as: u });
  expect(await started.json()).toEqual({
    status: 'awaiting-code',
    url: 'https://claude.ai/oauth/authorize?code=true&state=test',
    notice: expect.stringContaining("Anthropic's terms"),
  });
  expect(await (await ctx.request('GET', '/api/providers/anthropic/setup-token', { as: u })).json()).toMatchObject({
    status: 'awaiting-code',
  });
  const wrong = await ctx.request('POST', '/api/providers/anthropic/setup-token/complete', { as: u, json: { code: 'bad-code' } });
  expect(wrong.status).toBeGreaterThanOrEqual(400);
  expect(wrong.status).toBeLessThan(500);
  await ctx.request('POST', '/api/providers/anthropic/setup-token/start', { as: u });
  const done = await ctx.request('POST', '/api/providers/anthropic/setup-token/complete', { as: u, json: { code: 'good-code' } });
  const body = await done.text();
  expect(JSON.parse(body)).toEqual({ status: 'connected' });
  expect(body).not.toContain('sk-ant-oat01');
  expect(await anthropic(await ctx.request('GET', '/api/providers', { as: u }))).toMatchObject({ connected: true, method: 'oauth-token' });
  await ctx.request('POST', '/api/providers/anthropic/setup-token/start', { as: u });
  expect(await (await ctx.request('POST', '/api/providers/anthropic/setup-token/cancel', { as: u })).json()).toEqual({ status: 'idle' });
});
