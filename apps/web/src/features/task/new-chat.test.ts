// The model a new chat starts from: the implementation role's when its
// provider is connected, else the first connected provider's first suggestion.
import { describe, expect, it } from 'vitest';
import type { AgentSettingsDto, RoleModel } from '@bottega/protocol';
import { agentTypes } from '@bottega/protocol';
import { initialChatModel } from './new-chat';

const settings = (implementation: RoleModel): AgentSettingsDto =>
  Object.fromEntries(
    agentTypes.map((t) => [t, t === 'implementation' ? implementation : { provider: 'openai', model: 'x', effort: null }]),
  ) as AgentSettingsDto;

describe('initialChatModel', () => {
  it("starts from the implementation role's model when its provider is connected", () => {
    const impl: RoleModel = { provider: 'anthropic', model: 'claude-opus-4-5', effort: 'high' };
    expect(initialChatModel(settings(impl), ['anthropic', 'openai'])).toEqual(impl);
  });

  it('falls back to the first connected provider, and to nothing when none is connected', () => {
    const impl: RoleModel = { provider: 'anthropic', model: 'claude-opus-4-5', effort: null };
    expect(initialChatModel(settings(impl), ['openai'])).toEqual({ provider: 'openai', model: 'gpt-5.1-codex', effort: null });
    expect(initialChatModel(null, ['opencode'])).toEqual({ provider: 'opencode', model: '', effort: null });
    expect(initialChatModel(null, [])).toBeNull();
  });
});
