// When the first-login gate shows: only while no provider is connected, and
// never on the page where one connects.
import type { ProviderInfoDto } from '@bottega/protocol';
import { describe, expect, it } from 'vitest';
import { connectBody } from './claude-connect';
import { gateExempt } from './provider-gate';
import { hasConnectedProvider } from './providers';

const p = (over: Partial<ProviderInfoDto>): ProviderInfoDto => ({
  name: 'anthropic',
  available: true,
  capabilities: null,
  connected: false,
  method: null,
  baseUrl: null,
  simulated: false,
  ...over,
});

describe('provider gate', () => {
  it('counts only available, connected providers', () => {
    expect(hasConnectedProvider([p({}), p({ name: 'openai' })])).toBe(false);
    expect(hasConnectedProvider([p({ connected: true, available: false })])).toBe(false);
    expect(hasConnectedProvider([p({ connected: true })])).toBe(true);
  });
  it('stays away from Settings → Providers only', () => {
    expect(gateExempt('/settings')).toBe(true);
    expect(gateExempt('/settings/providers')).toBe(true);
    expect(gateExempt('/settings/models')).toBe(false);
    expect(gateExempt('/')).toBe(false);
    expect(gateExempt('/projects/1')).toBe(false);
  });
});

describe('connectBody', () => {
  it('sends the chosen secret and a null base URL when left blank', () => {
    expect(connectBody('apiKey', ' sk-test-123 ', '  ')).toEqual({ apiKey: 'sk-test-123', baseUrl: null });
    expect(connectBody('oauthToken', 'tok-12345678', ' http://127.0.0.1:9/ ')).toEqual({
      oauthToken: 'tok-12345678',
      baseUrl: 'http://127.0.0.1:9/',
    });
  });
});
