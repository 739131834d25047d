// Codex connections through the API: API key + base URL, a pasted auth.json
// (validated, stored 0600 in the user's CODEX_HOME), status without secrets,
// the device-code sign-in (a stand-in plays `codex login --device-auth`),
// seeding of the agent settings, and disconnect.
import { readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { codexPaths } from '../../harness/providers/codex/credentials';
import { codexProvider } from '../../harness/providers/codex/provider';
import { createTestContext, type TestContext } from '../../testing/context';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => {
  await codexProvider(ctx.deps.providers).deviceLogin.closeAll();
  await ctx.close();
});

type Listed = {
  name: string;
  available: boolean;
  connected: boolean;
  method: string | null;
  baseUrl: string | null;
  capabilities: Record<string, boolean> | null;
};
const openai = async (res: Response) => ((await res.json()) as { providers: Listed[] }).providers.find((p) => p.name === 'openai');
const AUTH_JSON = JSON.stringify({
  OPENAI_API_KEY: null,
  tokens: { id_token: 'eyJ.id.secret', access_token: 'eyJ.access.secret', refresh_token: 'rt_secret', account_id: 'acc' },
  last_refresh: '2026-11-01T00:00:00Z',
});

it('connects with an API key and a base URL, reports status and capabilities without the secret, seeds Codex models, disconnects', async () => {
  const u = await ctx.user();
  expect(await openai(await ctx.request('GET', '/api/providers', { as: u }))).toMatchObject({ available: true, connected: false });
  const put = await ctx.request('PUT', '/api/providers/openai', {
    as: u,
    json: { apiKey: 'sk-openai-secret-0123', baseUrl: 'https://gateway.example/v1' },
  });
  expect(await put.json()).toEqual({ connected: true, method: 'api-key', baseUrl: 'https://gateway.example/v1' });
  const listed = await ctx.request('GET', '/api/providers', { as: u });
  expect(await listed.clone().text()).not.toContain('sk-openai-secret');
  expect(await openai(listed)).toMatchObject({
    connected: true,
    method: 'api-key',
    capabilities: { supportsAskUserQuestion: false, supportsThinkingDelta: false },
  });
  const settings = (await (await ctx.request('GET', '/api/agent-settings', { as: u })).json()) as {
    settings: Record<string, { provider: string }> | null;
  };
  expect(settings.settings?.implementation?.provider).toBe('openai');
  const other = await ctx.user();
  expect(await openai(await ctx.request('GET', '/api/providers', { as: other }))).toMatchObject({ connected: false });
  expect(await (await ctx.request('DELETE', '/api/providers/openai', { as: u })).json()).toEqual({
    connected: false,
    method: null,
    baseUrl: null,
  });
});

it('stores a pasted auth.json privately, keeps the base URL on a later change, and refuses what is not one', async () => {
  const u = await ctx.user();
  expect((await ctx.request('PUT', '/api/providers/openai', { as: u, json: { authJson: '{"tokens": {}}' } })).status).toBe(400);
  expect((await ctx.request('PUT', '/api/providers/openai', { as: u, json: { authJson: 'not json' } })).status).toBe(400);
  expect(
    (await ctx.request('PUT', '/api/providers/openai', { as: u, json: { apiKey: 'sk-openai-secret-0123', authJson: AUTH_JSON } })).status,
  ).toBe(400);
  expect((await ctx.request('PUT', '/api/providers/openai', { as: u, json: { baseUrl: 'https://gw.example/v1' } })).status).toBe(400);
  const put = await ctx.request('PUT', '/api/providers/openai', { as: u, json: { authJson: AUTH_JSON } });
  expect(await put.json()).toEqual({ connected: true, method: 'chatgpt', baseUrl: null });
  const file = codexPaths(ctx.deps.config.home, u.row.id).authFile;
  expect((await stat(file)).mode & 0o777).toBe(0o600);
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ tokens: { refresh_token: 'rt_secret' } });
  const moved = await ctx.request('PUT', '/api/providers/openai', { as: u, json: { baseUrl: 'https://gw.example/v1' } });
  expect(await moved.json()).toEqual({ connected: true, method: 'chatgpt', baseUrl: 'https://gw.example/v1' });
  expect(await (await ctx.request('GET', '/api/providers', { as: u })).text()).not.toContain('secret');
});

it('runs the device-code sign-in: URL and code, then connected on a later poll', async () => {
  const u = await ctx.user();
  const started = await ctx.request('POST', '/api/providers/openai/device-login/start', { as: u });
  expect(await started.json()).toEqual({ status: 'awaiting-approval', url: 'https://auth.openai.com/codex/device', code: 'Q7RT-M2XK9' });
  let state: { status: string } = { status: 'starting' };
  for (let i = 0; i < 100 && state.status !== 'connected'; i++) {
    await new Promise((r) => setTimeout(r, 30));
    state = (await (await ctx.request('GET', '/api/providers/openai/device-login', { as: u })).json()) as { status: string };
  }
  expect(state).toEqual({ status: 'connected' });
  expect(await openai(await ctx.request('GET', '/api/providers', { as: u }))).toMatchObject({ connected: true, method: 'chatgpt' });
  expect(await (await ctx.request('POST', '/api/providers/openai/device-login/cancel', { as: u })).json()).toEqual({ status: 'connected' });
});
