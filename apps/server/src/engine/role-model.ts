// The model each role runs on for a user (docs/behaviour/providers.md), read strictly at run
// start: a missing or invalid entry fails loud with a message that says what
// to fix; nothing is ever defaulted. The settings are written by
// features/agent-settings.
import { agentTypes, RoleModel, type AgentType } from '@bottega/protocol';
import type { Deps } from '../deps';
import { AppError } from '../errors';

export type AgentSettings = Record<AgentType, RoleModel>;

/** The user's settings, or null when none were ever stored. Invalid or partial settings throw. */
export async function readAgentSettings(deps: Pick<Deps, 'db'>, userId: number): Promise<AgentSettings | null> {
  const rows = await deps.db.selectFrom('user_agent_settings').selectAll().where('user_id', '=', userId).execute();
  if (rows.length === 0) return null;
  const out: Partial<AgentSettings> = {};
  for (const row of rows) {
    const parsed = RoleModel.safeParse({ provider: row.provider, model: row.model, effort: row.effort });
    if (!parsed.success)
      throw new AppError('CONFLICT', `the stored model for ${row.agent_type} is invalid; set it again in Settings → Agent models`);
    out[row.agent_type] = parsed.data;
  }
  const missing = agentTypes.filter((t) => !out[t]);
  if (missing.length > 0) throw new AppError('CONFLICT', `no model is set for ${missing.join(', ')}; set them in Settings → Agent models`);
  return out as AgentSettings;
}

/** The model a role runs on for this user, read at run start (fails loud when unset). */
export async function resolveRoleModel(deps: Pick<Deps, 'db'>, userId: number, role: AgentType): Promise<RoleModel> {
  const settings = await readAgentSettings(deps, userId);
  if (!settings) throw new AppError('PROVIDER_CREDENTIALS_MISSING', 'connect a provider in Settings → Providers before starting an agent');
  return settings[role];
}
