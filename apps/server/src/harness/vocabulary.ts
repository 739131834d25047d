// Each provider's effort vocabulary (SPEC §7): what `effort` may be for it.
// Models are the provider's business (gateways rename them freely), but the
// effort knob is a closed set per provider, and absent where there is none.
import type { AgentType, ProviderName, RoleModel } from '@bottega/protocol';
import { AppError } from '../errors';

export const EFFORT_LEVELS: Record<ProviderName, readonly string[] | null> = {
  anthropic: ['low', 'medium', 'high', 'xhigh', 'max'],
  openai: ['minimal', 'low', 'medium', 'high'],
  opencode: null,
};

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
 * (SPEC §7 seeding). Written to their settings once, explicitly; never used
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
};
