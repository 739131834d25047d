// The model picker's rules: only connected, available providers; switching
// provider clears the model and keeps only an effort the new provider knows;
// every role that cannot be saved says why.
import type { ProviderInfoDto } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { initialSettings, roleProblems, selectableProviders, switchProvider } from './vocabulary';

const provider = (name: ProviderInfoDto['name'], over: Partial<ProviderInfoDto> = {}): ProviderInfoDto => ({
  name,
  available: true,
  capabilities: null,
  connected: false,
  method: null,
  baseUrl: null,
  simulated: false,
  ...over,
});

describe('selectableProviders', () => {
  it('offers only providers that are both available and connected', () => {
    const list = [
      provider('anthropic', { connected: true }),
      provider('openai', { connected: false }),
      provider('opencode', { available: false, connected: true }),
    ];
    expect(selectableProviders(list)).toEqual(['anthropic']);
  });
  it('offers nothing when nothing is connected', () => {
    expect(selectableProviders([provider('anthropic'), provider('openai')])).toEqual([]);
  });
});

describe('switchProvider', () => {
  it('keeps the setting when the provider does not change', () => {
    const s = { provider: 'anthropic' as const, model: 'claude-opus-4-5', effort: 'high' };
    expect(switchProvider(s, 'anthropic')).toBe(s);
  });
  it('clears the model and keeps an effort the new provider also knows', () => {
    expect(switchProvider({ provider: 'anthropic', model: 'claude-opus-4-5', effort: 'high' }, 'openai')).toEqual({
      provider: 'openai',
      model: '',
      effort: 'high',
    });
  });
  it('drops an effort the new provider does not know, and any effort for a provider without one', () => {
    expect(switchProvider({ provider: 'anthropic', model: 'm', effort: 'max' }, 'openai')).toEqual({
      provider: 'openai',
      model: '',
      effort: null,
    });
    expect(switchProvider({ provider: 'anthropic', model: 'm', effort: 'low' }, 'opencode')).toEqual({
      provider: 'opencode',
      model: '',
      effort: null,
    });
  });
});

describe('roleProblems', () => {
  it('names a disconnected provider, a blank model and a foreign effort', () => {
    const settings = initialSettings(null, ['anthropic']);
    settings.planification = { provider: 'openai', model: 'gpt', effort: null };
    settings.implementation = { provider: 'anthropic', model: 'claude-sonnet-4-5', effort: 'minimal' };
    settings.review = { provider: 'anthropic', model: 'claude-opus-4-5', effort: 'high' };
    const problems = roleProblems(settings, ['anthropic']);
    expect(problems.planification).toMatch(/openai is not connected/);
    expect(problems.implementation).toMatch(/effort minimal/);
    expect(problems.review).toBeUndefined();
    expect(problems.refinement).toBe('choose a model');
  });
  it('starts from blanks on the first connected provider when nothing is stored', () => {
    const s = initialSettings(null, ['openai', 'anthropic']);
    expect(s.yolo).toEqual({ provider: 'openai', model: '', effort: null });
  });
});
