// Effort validation against each provider's vocabulary (docs/behaviour/providers.md#models-and-effort; the lists
// live in the protocol, shared with the web app's model picker). Models are the
// provider's business (gateways rename them freely), but the effort knob is a
// closed set per provider, and absent where there is none.
import { EFFORT_LEVELS, type AgentType, type ProviderName, type RoleModel } from '@bottega/protocol';
import { AppError } from '../errors';

export { EFFORT_LEVELS };

/** Checks an effort against the provider's vocabulary; throws a 400 naming the allowed values. */
export function validateEffort(provider: ProviderName, effort: string | null | undefined): string | null {
  const allowed = EFFORT_LEVELS[provider];
  if (effort === null || effort === undefined) return null;
  if (!allowed) throw new AppError('VALIDATION_FAILED', `${provider} has no effort setting; leave effort empty`);
  if (!allowed.includes(effort)) throw new AppError('VALIDATION_FAILED', `effort for ${provider} must be one of ${allowed.join(', ')}`);
  return effort;
}

/**
 * What a user's six roles are set to when they connect their first provider
 * (docs/behaviour/agents.md#model-settings). Written to their settings once, explicitly; never used
 * as a fallback at run time.
 */
export const SEED_ROLE_MODELS: Partial<Record<ProviderName, Record<AgentType, RoleModel>>> = {
  anthropic: {
    planification: { provider: 'anthropic', model: 'claude-opus-4-5', effort: 'high' },
    implementation: { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'medium' },
    review: { provider: 'anthropic', model: 'claude-opus-4-5', effort: 'high' },
    refinement: { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'medium' },
    pr: { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'low' },
    yolo: { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'medium' },
  },
  openai: {
    planification: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'high' },
    implementation: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium' },
    review: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'high' },
    refinement: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium' },
    pr: { provider: 'openai', model: 'gpt-5.1-codex-mini', effort: 'low' },
    yolo: { provider: 'openai', model: 'gpt-5.1-codex', effort: 'medium' },
  },
};
