// Per-user agent model settings (docs/behaviour/agents.md#model-settings): for each of the six roles, the
// provider, model and effort, validated and saved here; read strictly by the
// engine at run start (engine/role-model.ts).
import { agentTypes, type RoleModel, type ProviderName } from '@bottega/protocol';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { readAgentSettings, type AgentSettings } from '../../engine/role-model';
import { SEED_ROLE_MODELS, validateEffort } from '../../harness/vocabulary';
import { SIMULATED_MODEL } from '../../harness/providers/claude/simulated';
import { parseModel } from '../../harness/providers/opencode/config';
import { iso } from '../../time';
import { inTransaction } from '../../db/transaction';

export { readAgentSettings, type AgentSettings };
type StoreDeps = Pick<Deps, 'db' | 'now' | 'providers'>;

function validate(deps: Pick<Deps, 'providers'>, settings: AgentSettings): void {
  for (const role of agentTypes) {
    const s = settings[role];
    if (!deps.providers.has(s.provider))
      throw new AppError('VALIDATION_FAILED', `${role}: provider ${s.provider} is not available on this server`);
    if (s.provider === 'opencode' && !parseModel(s.model))
      throw new AppError('VALIDATION_FAILED', `${role}: OpenCode models are named provider/model, as its live catalog lists them`);
    try {
      validateEffort(s.provider, s.effort);
    } catch (err) {
      throw new AppError('VALIDATION_FAILED', `${role}: ${(err as Error).message}`);
    }
  }
}

export async function saveAgentSettings(deps: StoreDeps, userId: number, settings: AgentSettings): Promise<AgentSettings> {
  validate(deps, settings);
  const now = iso(deps.now());
  await inTransaction(deps.db, async (trx) => {
    await trx.deleteFrom('user_agent_settings').where('user_id', '=', userId).execute();
    await trx
      .insertInto('user_agent_settings')
      .values(
        agentTypes.map((t) => ({
          user_id: userId,
          agent_type: t,
          provider: settings[t].provider,
          model: settings[t].model,
          effort: settings[t].effort,
          updated_at: now,
        })),
      )
      .execute();
  });
  return settings;
}

/**
 * Seeds the user's settings from the first provider they connect; existing
 * settings are left alone — except the simulated model's, which give way to
 * real ones as soon as a real provider is connected.
 */
export async function seedAgentSettings(
  deps: StoreDeps,
  userId: number,
  provider: ProviderName,
  seed: AgentSettings | undefined = SEED_ROLE_MODELS[provider],
): Promise<boolean> {
  const existing = await deps.db.selectFrom('user_agent_settings').select('model').where('user_id', '=', userId).execute();
  const onlySimulated = existing.length > 0 && existing.every((r) => r.model === SIMULATED_MODEL);
  if ((existing.length > 0 && !onlySimulated) || !seed) return false;
  await saveAgentSettings(deps, userId, seed);
  return true;
}

/** Every role on the simulated model (the offline demo), labelled as such. */
export async function useSimulatedSettings(deps: StoreDeps, userId: number): Promise<void> {
  const simulated: RoleModel = { provider: 'anthropic', model: SIMULATED_MODEL, effort: null };
  await saveAgentSettings(deps, userId, Object.fromEntries(agentTypes.map((t) => [t, simulated])) as AgentSettings);
}
