// The CLI environment is built from scratch with exactly one credential, and
// the package's public entry point resolves by name through the workspace.
import { describe, expect, it } from 'vitest';
import { claudeEnv, directive, scriptedBrain, startFakeAnthropic } from '@bottega/testkit';

describe('claudeEnv', () => {
  it('isolates HOME and the config dir, disables extra traffic and retries, and sends the api key', () => {
    const env = claudeEnv({ baseUrl: 'http://127.0.0.1:1', home: '/h' });
    expect(env).toEqual({
      PATH: process.env.PATH,
      HOME: '/h',
      CLAUDE_CONFIG_DIR: '/h/claude',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      ANTHROPIC_API_KEY: 'test-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      IS_SANDBOX: '1',
    });
  });

  it('sends only the OAuth token when one is given, and applies extras last', () => {
    const env = claudeEnv({ baseUrl: 'u', home: '/h', oauthToken: 'tok', extra: { CLAUDE_CODE_MAX_RETRIES: '2' } });
    expect(env).toMatchObject({ CLAUDE_CODE_OAUTH_TOKEN: 'tok', CLAUDE_CODE_MAX_RETRIES: '2' });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
  });
});

describe('@bottega/testkit', () => {
  it('exports the fake server, the brain and the directive builders', () => {
    expect([typeof startFakeAnthropic, typeof scriptedBrain, typeof directive.bash]).toEqual(['function', 'function', 'function']);
  });
});
