// The caller's Codex connection (docs/behaviour/provider-codex.md#connecting): an API key, a pasted auth.json of a
// ChatGPT sign-in, or the in-app device-code sign-in (`codex login
// --device-auth` under a terminal: the UI shows the URL and code and polls),
// plus an optional base URL for gateways. Secrets go in; only status comes out.
import { ConnectOpenAIBody, type ConnectionStatusDto, type ProviderName } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { claudeStatus } from '../../harness/providers/claude/credentials';
import { codexProvider } from '../../harness/providers/codex/provider';
import {
  codexStatus,
  deleteCodexCredentials,
  parseAuthJson,
  readCodexCredentials,
  saveCodexAuthJson,
  saveCodexCredentials,
} from '../../harness/providers/codex/credentials';
import { opencodeStatus } from '../../harness/providers/opencode/credentials';
import { seedAgentSettings } from '../agent-settings/store';

/** Whether the user connected `provider`, by which method, and through which base URL. */
export async function connectionStatus(home: string, userId: number, provider: ProviderName): Promise<ConnectionStatusDto> {
  if (provider === 'anthropic') return claudeStatus(home, userId);
  if (provider === 'openai') return codexStatus(home, userId);
  if (provider === 'opencode') return opencodeStatus(home, userId);
  return { connected: false, method: null, baseUrl: null };
}

export function codexRoutes(deps: Deps): RouteDef[] {
  const home = deps.config.home;
  return [
    {
      method: 'PUT',
      path: '/api/providers/openai',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, ConnectOpenAIBody);
        const userId = c.get('user').id;
        const existing = await readCodexCredentials(home, userId);
        const baseUrl = body.baseUrl === undefined ? (existing?.baseUrl ?? null) : body.baseUrl;
        if (body.apiKey !== undefined) {
          await saveCodexCredentials(home, userId, { method: 'api-key', apiKey: body.apiKey, baseUrl });
        } else if (body.authJson !== undefined) {
          try {
            parseAuthJson(body.authJson);
          } catch (err) {
            throw new AppError('VALIDATION_FAILED', (err as Error).message);
          }
          await saveCodexAuthJson(home, userId, body.authJson);
          await saveCodexCredentials(home, userId, { method: 'chatgpt', baseUrl });
        } else if (existing) {
          await saveCodexCredentials(home, userId, { ...existing, baseUrl });
        } else {
          throw new AppError('VALIDATION_FAILED', 'give an API key or an auth.json (or sign in with a device code) first');
        }
        await seedAgentSettings(deps, userId, 'openai');
        return c.json(await codexStatus(home, userId));
      },
    },
    {
      method: 'DELETE',
      path: '/api/providers/openai',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        await codexProvider(deps.providers).deviceLogin.cancel(userId);
        await deleteCodexCredentials(home, userId);
        return c.json(await codexStatus(home, userId));
      },
    },
    {
      method: 'POST',
      path: '/api/providers/openai/device-login/start',
      access: access.user,
      handler: async (c) => c.json(await codexProvider(deps.providers).deviceLogin.start(c.get('user').id)),
    },
    {
      method: 'GET',
      path: '/api/providers/openai/device-login',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        const state = codexProvider(deps.providers).deviceLogin.status(userId);
        // Seeding happens on the poll that first sees the sign-in complete.
        if (state.status === 'connected') await seedAgentSettings(deps, userId, 'openai');
        return c.json(state);
      },
    },
    {
      method: 'POST',
      path: '/api/providers/openai/device-login/cancel',
      access: access.user,
      handler: async (c) => {
        await codexProvider(deps.providers).deviceLogin.cancel(c.get('user').id);
        return c.json(codexProvider(deps.providers).deviceLogin.status(c.get('user').id));
      },
    },
  ];
}
