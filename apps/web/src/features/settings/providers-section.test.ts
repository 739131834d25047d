// The Claude card's connection facts: the simulated model shows no endpoint,
// a real connection shows its gateway or Anthropic's own.
import { describe, expect, it } from 'vitest';
import type { ProviderInfoDto } from '@bottega/protocol';
import { claudeConnection } from './providers-section';

const claude = (over: Partial<Omit<ProviderInfoDto, 'capabilities'>>): ProviderInfoDto => ({
  capabilities: null,
  name: 'anthropic',
  available: true,
  connected: true,
  method: 'api-key',
  baseUrl: null,
  simulated: false,
  ...over,
});

describe('the Claude card', () => {
  it('names the simulated model and shows no base URL for it', () => {
    expect(claudeConnection(claude({ simulated: true, method: null }))).toEqual({ via: 'simulated model (offline demo)', baseUrl: null });
  });

  it("shows a gateway's URL, or Anthropic's own when none is set", () => {
    expect(claudeConnection(claude({ baseUrl: 'https://gw.example' }))).toEqual({ via: 'API key', baseUrl: 'https://gw.example' });
    expect(claudeConnection(claude({ method: 'oauth-token' }))).toEqual({ via: 'OAuth token', baseUrl: 'Anthropic (default)' });
  });
});
