// The caller's agent model settings: one provider/model/effort per role.
import { AgentSettingsBody } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { access, type RouteDef } from '../../http/routes';
import { readJson } from '../../http/validate';
import { readAgentSettings, saveAgentSettings } from './store';

export function agentSettingsRoutes(deps: Deps): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/api/agent-settings',
      access: access.user,
      handler: async (c) => c.json({ settings: await readAgentSettings(deps, c.get('user').id) }),
    },
    {
      method: 'PUT',
      path: '/api/agent-settings',
      access: access.user,
      body: 'json',
      handler: async (c) => {
        const body = await readJson(c, AgentSettingsBody);
        return c.json({ settings: await saveAgentSettings(deps, c.get('user').id, body.settings) });
      },
    },
  ];
}
