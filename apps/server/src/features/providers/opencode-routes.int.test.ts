// The OpenCode routes in-process with the real `opencode serve` behind them:
// connect (status only, never the key), provider list, the live models of
// the user's server, a key change replacing the running server, agent
// settings on OpenCode (no effort), disconnect.
import { startFakeChatCompletions, type FakeChatCompletions } from '@bottega/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpencodeProvider } from '../../harness/providers/opencode/provider';
import { createTestContext, type TestContext } from '../../testing/context';
import { isAlive } from '../../harness/providers/claude/provider.fixture';

let ctx: TestContext;
let fake: FakeChatCompletions;
beforeEach(async () => {
  ctx = await createTestContext();
  fake = await startFakeChatCompletions();
});
afterEach(async () => {
  await ctx.close();
  await fake.close();
});

const custom = (apiKey: string) => ({ custom: { baseUrl: fake.baseUrl, apiKey, models: ['fake-model', 'fake-large'] } });

describe('OpenCode provider routes', () => {
  it('connects, lists live models, restarts on a new key, accepts OpenCode roles without effort, disconnects', async () => {
    const user = await ctx.user();
    const put = await ctx.request('PUT', '/api/providers/opencode', { as: user, json: custom('sk-route-first') });
    expect(put.status).toBe(200);
    const status = await put.text();
    expect(JSON.parse(status)).toEqual({ connected: true, method: 'custom', baseUrl: fake.baseUrl, models: ['fake-model', 'fake-large'] });
    expect(status).not.toContain('sk-route-first');

    const list = (await (await ctx.request('GET', '/api/providers', { as: user })).json()) as {
      providers: { name: string; connected: boolean; available: boolean; capabilities: Record<string, boolean> | null }[];
    };
    const oc = list.providers.find((p) => p.name === 'opencode');
    expect(oc).toMatchObject({ available: true, connected: true, capabilities: { supportsAskUserQuestion: false } });
    expect(JSON.stringify(list)).not.toContain('sk-route-first');

    const models = (await (await ctx.request('GET', '/api/providers/opencode/models', { as: user })).json()) as {
      models: { id: string }[];
    };
    expect(models.models.map((m) => m.id)).toEqual(['custom/fake-large', 'custom/fake-model']);
    // The first provider connected seeds every role on the user's first listed model.
    const seeded = (await (await ctx.request('GET', '/api/agent-settings', { as: user })).json()) as { settings: Record<string, unknown> };
    expect(seeded.settings.review).toEqual({ provider: 'opencode', model: 'custom/fake-model', effort: null });

    const provider = ctx.deps.providers.get('opencode') as OpencodeProvider;
    const old = provider.pool.serverOf(user.row.id)?.pid ?? 0;
    expect(await isAlive(old)).toBe(true);
    expect((await ctx.request('PUT', '/api/providers/opencode', { as: user, json: custom('sk-route-second') })).status).toBe(200);
    expect(await isAlive(old)).toBe(false);

    const role = { provider: 'opencode', model: 'custom/fake-large', effort: null };
    const roles = ['planification', 'implementation', 'review', 'refinement', 'pr', 'yolo'];
    expect(
      (await ctx.request('PUT', '/api/agent-settings', { as: user, json: { settings: Object.fromEntries(roles.map((r) => [r, role])) } }))
        .status,
    ).toBe(200);
    const withEffort = await ctx.request('PUT', '/api/agent-settings', {
      as: user,
      json: { settings: Object.fromEntries(roles.map((r) => [r, { ...role, effort: 'high' }])) },
    });
    expect(withEffort.status).toBe(400);
    const bare = await ctx.request('PUT', '/api/agent-settings', {
      as: user,
      json: { settings: Object.fromEntries(roles.map((r) => [r, { ...role, model: 'fake-large' }])) },
    });
    expect(bare.status).toBe(400);

    const del = await ctx.request('DELETE', '/api/providers/opencode', { as: user });
    expect(await del.json()).toEqual({ connected: false, method: null, baseUrl: null, models: [] });
    expect(provider.pool.serverOf(user.row.id)).toBeNull();
    const gone = await ctx.request('GET', '/api/providers/opencode/models', { as: user });
    expect(gone.status).toBe(403);
  });

  it('refuses a body that is neither a Zen key nor a complete custom provider', async () => {
    const user = await ctx.user();
    for (const json of [
      {},
      { zenKey: 'short' },
      { custom: { baseUrl: 'ftp://x', apiKey: 'sk-long-enough', models: ['m'] } },
      { custom: { baseUrl: fake.baseUrl, apiKey: 'sk-long-enough', models: [] } },
      { zenKey: 'zen-key-123456', custom: {} },
    ]) {
      expect((await ctx.request('PUT', '/api/providers/opencode', { as: user, json })).status).toBe(400);
    }
  });
});
