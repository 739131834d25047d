// The environment that routes gh and git to the fake.
import { describe, expect, it } from 'vitest';
import { ghEnv, gitRemoteUrl } from './env';

describe('ghEnv', () => {
  it('points gh at github.localhost through the fake as lower-case http_proxy', () => {
    const env = ghEnv({ url: 'http://127.0.0.1:4321', defaultToken: 'gh-test-token' }, { HOME: '/tmp/h' });
    expect(env).toMatchObject({
      GH_HOST: 'github.localhost',
      GH_TOKEN: 'gh-test-token',
      http_proxy: 'http://127.0.0.1:4321',
      GH_PROMPT_DISABLED: '1',
      GH_NO_UPDATE_NOTIFIER: '1',
      HOME: '/tmp/h',
    });
    expect(env.HTTP_PROXY).toBeUndefined();
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('lets extra override the token', () => {
    expect(ghEnv({ url: 'http://x', defaultToken: 'a' }, { GH_TOKEN: 'b' }).GH_TOKEN).toBe('b');
  });

  it('builds the remote URL git pushes to', () => {
    expect(gitRemoteUrl('acme', 'widgets')).toBe('http://github.localhost/acme/widgets.git');
  });
});
