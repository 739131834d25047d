// What the model picker may offer. The server owns validation (it answers 400
// naming the allowed values); the effort vocabulary is the protocol's, shared
// with the server, so the form only offers valid choices; providers are
// limited to the connected ones.
import { agentTypes, EFFORT_LEVELS, type AgentType, type ProviderName, type RoleModel, type ProviderInfoDto } from '@bottega/protocol';

export { EFFORT_LEVELS };

/**
 * Model ids offered as suggestions. Models stay free text: gateways rename
 * them and OpenCode's come from its live catalog.
 */
export const SUGGESTED_MODELS: Record<ProviderName, readonly string[]> = {
  anthropic: ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
  openai: ['gpt-5.1-codex', 'gpt-5.1-codex-mini', 'gpt-5.1'],
  opencode: [],
};

export { ROLE_LABELS } from '../../lib/roles';

export type RoleSettings = Record<AgentType, RoleModel>;

/** The providers a role may be set to: available on this server and connected by the user. */
export function selectableProviders(providers: readonly ProviderInfoDto[]): ProviderName[] {
  return providers.filter((p) => p.available && p.connected).map((p) => p.name);
}

/** A role moved to another provider: the model starts blank and the effort resets to what the new provider allows. */
export function switchProvider(current: RoleModel, provider: ProviderName): RoleModel {
  if (current.provider === provider) return current;
  const levels = EFFORT_LEVELS[provider];
  return { provider, model: '', effort: levels && current.effort && levels.includes(current.effort) ? current.effort : null };
}

/** Starting values: the stored settings, or blanks on the first connected provider when none (or invalid ones) are stored. */
export function initialSettings(stored: RoleSettings | null, connected: readonly ProviderName[]): RoleSettings {
  if (stored) return stored;
  const provider = connected[0] ?? 'anthropic';
  return Object.fromEntries(agentTypes.map((t) => [t, { provider, model: '', effort: null }])) as RoleSettings;
}

/** Roles that cannot be saved as they are, each with a sentence saying why. */
export function roleProblems(settings: RoleSettings, connected: readonly ProviderName[]): Partial<Record<AgentType, string>> {
  const problems: Partial<Record<AgentType, string>> = {};
  for (const role of agentTypes) {
    const s = settings[role];
    const levels = EFFORT_LEVELS[s.provider];
    if (!connected.includes(s.provider)) problems[role] = `${s.provider} is not connected; pick a connected provider`;
    else if (s.model.trim() === '') problems[role] = 'choose a model';
    else if (s.effort !== null && !levels?.includes(s.effort)) problems[role] = `effort ${s.effort} is not offered by ${s.provider}`;
  }
  return problems;
}
