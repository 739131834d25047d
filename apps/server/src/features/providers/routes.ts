// The caller's own provider connections (docs/behaviour/providers.md#connections): which providers this
// server offers and whether the user connected each; connect/disconnect Claude
// Code with an API key or an OAuth token (plus an optional gateway base URL),
// or through the in-app `claude setup-token` sign-in run under a terminal.
// Secrets go in; only their status ever comes out.
import { ConnectAnthropicBody, providerNames, SetupTokenCodeBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { seedAgentSettings, useSimulatedSettings } from '../agent-settings/store';
import { isSimulated, leaveSimulatedModel, useSimulatedModel } from '../../harness/providers/claude/simulated';
import { readJson } from '../../http/validate';
import { claudeStatus, deleteClaudeCredentials, saveClaudeCredentials } from '../../harness/providers/claude/credentials';
import { claudeProvider } from '../../harness/providers/claude/provider';
import { codexRoutes, connectionStatus } from './codex-routes';
import { opencodeRoutes } from './opencode-routes';

/** Shown with the sign-in link: the user decides, knowing the vendor's terms. */
export const SUBSCRIPTION_TERMS_NOTICE =
  "Signing in with a Claude subscription lets Bottega run Claude Code on your behalf. Anthropic's terms may not allow using a consumer subscription outside Anthropic's own apps; an API key avoids the question. The choice is yours.";

export function providerRoutes(deps: Deps): RouteDef[] {
  const home = deps.config.home;
  return [
    {
      method: 'GET',
      path: '/api/providers',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        const providers = await Promise.all(
          providerNames.map(async (name) => {
            const available = deps.providers.has(name);
            const provider = available ? deps.providers.get(name) : null;
            const status = available ? await connectionStatus(home, userId, name) : { connected: false, method: null, baseUrl: null };
            const simulated = name === 'anthropic' && (await isSimulated(home, userId));
            return { name, available, capabilities: provider?.capabilities ?? null, ...status, simulated };
          }),
        );
        return c.json({ providers });
      },
    },
    {
      method: 'PUT',
      path: '/api/providers/anthropic',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, ConnectAnthropicBody);
        const userId = c.get('user').id;
        await saveClaudeCredentials(home, userId, body);
        await leaveSimulatedModel(home, userId);
        await seedAgentSettings(deps, userId, 'anthropic');
        return c.json(await claudeStatus(home, userId));
      },
    },
    {
      method: 'DELETE',
      path: '/api/providers/anthropic',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        await deleteClaudeCredentials(home, userId);
        await leaveSimulatedModel(home, userId);
        return c.json(await claudeStatus(home, userId));
      },
    },
    {
      method: 'POST',
      path: '/api/providers/anthropic/simulated',
      access: access.user,
      handler: async (c) => {
        // The offline demo: no real model, every answer scripted, and labelled so.
        const userId = c.get('user').id;
        await useSimulatedModel(home, userId);
        await useSimulatedSettings(deps, userId);
        return c.json({ ...(await claudeStatus(home, userId)), simulated: true });
      },
    },
    {
      method: 'POST',
      path: '/api/providers/anthropic/setup-token/start',
      access: access.user,
      handler: async (c) =>
        c.json({ ...(await claudeProvider(deps.providers).setupToken.start(c.get('user').id)), notice: SUBSCRIPTION_TERMS_NOTICE }),
    },
    {
      method: 'POST',
      path: '/api/providers/anthropic/setup-token/complete',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, SetupTokenCodeBody);
        const done = await claudeProvider(deps.providers).setupToken.complete(c.get('user').id, body.code);
        await leaveSimulatedModel(home, c.get('user').id);
        await seedAgentSettings(deps, c.get('user').id, 'anthropic');
        return c.json(done);
      },
    },
    {
      method: 'POST',
      path: '/api/providers/anthropic/setup-token/cancel',
      access: access.user,
      handler: async (c) => {
        await claudeProvider(deps.providers).setupToken.cancel(c.get('user').id);
        return c.json(claudeProvider(deps.providers).setupToken.status(c.get('user').id));
      },
    },
    {
      method: 'GET',
      path: '/api/providers/anthropic/setup-token',
      access: access.user,
      handler: (c) => c.json(claudeProvider(deps.providers).setupToken.status(c.get('user').id)),
    },
    ...codexRoutes(deps),
    ...opencodeRoutes(deps),
  ];
}
