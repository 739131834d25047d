// The caller's OpenCode connection (docs/behaviour/provider-opencode.md#connecting): an OpenCode Zen key or a custom
// OpenAI-compatible provider (base URL, key, models). Saving or removing it
// replaces the user's running OpenCode server (the old one has exited when
// the answer comes). Models come from the user's live server. Secrets go in;
// only status ever comes out.
import { agentTypes, ConnectOpencodeBody, type RoleModel } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import type { LlmProvider } from '../../harness/contract';
import {
  deleteOpencodeCredentials,
  opencodeStatus,
  readOpencodeCredentials,
  saveOpencodeCredentials,
} from '../../harness/providers/opencode/credentials';
import type { OpencodeProvider } from '../../harness/providers/opencode/provider';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { seedAgentSettings } from '../agent-settings/store';

function isOpencode(p: LlmProvider): p is OpencodeProvider {
  return p.name === 'opencode' && 'models' in p && 'invalidate' in p;
}

function opencodeOf(deps: Pick<Deps, 'providers'>): OpencodeProvider {
  const p = deps.providers.get('opencode');
  if (!isOpencode(p)) throw new AppError('INTERNAL', 'the opencode provider is not the OpenCode provider');
  return p;
}

export function opencodeRoutes(deps: Deps): RouteDef[] {
  const home = deps.config.home;
  return [
    {
      method: 'PUT',
      path: '/api/providers/opencode',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, ConnectOpencodeBody);
        const userId = c.get('user').id;
        const provider = opencodeOf(deps);
        await saveOpencodeCredentials(home, userId, body);
        // The running server has the old key: it is gone before this answers.
        await provider.invalidate(userId);
        // Seeding takes the first model of the user's own live catalog (never a built-in id).
        const first = 'custom' in body ? `custom/${body.custom.models[0] ?? ''}` : ((await provider.models(userId))[0]?.id ?? null);
        if (first) {
          const role: RoleModel = { provider: 'opencode', model: first, effort: null };
          await seedAgentSettings(
            deps,
            userId,
            'opencode',
            Object.fromEntries(agentTypes.map((t) => [t, role])) as Record<(typeof agentTypes)[number], RoleModel>,
          );
        }
        return c.json(await opencodeStatus(home, userId));
      },
    },
    {
      method: 'DELETE',
      path: '/api/providers/opencode',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        await deleteOpencodeCredentials(home, userId);
        await opencodeOf(deps).invalidate(userId);
        return c.json(await opencodeStatus(home, userId));
      },
    },
    {
      method: 'GET',
      path: '/api/providers/opencode/models',
      access: access.user,
      handler: async (c) => {
        const userId = c.get('user').id;
        if (!(await readOpencodeCredentials(home, userId)))
          throw new AppError('PROVIDER_CREDENTIALS_MISSING', 'connect OpenCode in Settings → Providers first');
        return c.json({ models: await opencodeOf(deps).models(userId) });
      },
    },
  ];
}
