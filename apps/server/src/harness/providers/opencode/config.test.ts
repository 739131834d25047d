import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { opencodeConfig, opencodeServerEnvironment, prepareOpencodeDirs } from './config';
import { opencodePaths, opencodeStatus, readOpencodeCredentials, saveOpencodeCredentials } from './credentials';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-opencode-config-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const custom = { custom: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-custom-0123', models: ['m-one', 'm-two'] } };

describe('OpenCode configuration', () => {
  it('configures a custom provider as the only one, with small_model on it and every permission allowed', () => {
    const c = opencodeConfig(custom);
    expect(c).toMatchObject({
      enabled_providers: ['custom'],
      small_model: 'custom/m-one',
      tools: { question: false },
      provider: {
        custom: {
          npm: '@ai-sdk/openai-compatible',
          options: { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-custom-0123' },
          models: { 'm-one': { name: 'm-one' }, 'm-two': { name: 'm-two' } },
        },
      },
    });
    expect((c.permission as Record<string, string>).bash).toBe('allow');
    expect((c.permission as Record<string, string>).question).toBe('deny');
  });

  it('configures Zen with the key and nothing else', () => {
    expect(opencodeConfig({ zenKey: 'zen-key-0123456' })).toMatchObject({
      enabled_providers: ['opencode'],
      provider: { opencode: { options: { apiKey: 'zen-key-0123456' } } },
    });
  });

  it('builds the server environment from scratch, isolated per user', () => {
    const env = opencodeServerEnvironment(home, 3, custom, { PATH: '/bin', LANG: 'C' });
    const p = opencodePaths(home, 3);
    expect(env.HOME).toBe(p.homeDir);
    expect(env.XDG_CONFIG_HOME).toBe(p.configHome);
    expect(env.XDG_DATA_HOME).toBe(p.dataHome);
    for (const v of ['MODELS_FETCH', 'AUTOUPDATE', 'LSP_DOWNLOAD', 'DEFAULT_PLUGINS', 'SHARE', 'CLAUDE_CODE'])
      expect(env[`OPENCODE_DISABLE_${v}`]).toBe('1');
    expect(JSON.parse(env.OPENCODE_CONFIG_CONTENT ?? '{}')).toEqual(opencodeConfig(custom));
    expect(Object.keys(env).some((k) => /ANTHROPIC|OPENAI_API_KEY/.test(k))).toBe(false);
  });

  it('pre-seeds the config directory so OpenCode installs nothing, and keeps it private', async () => {
    await prepareOpencodeDirs(home, 4);
    const p = opencodePaths(home, 4);
    expect(JSON.parse(await readFile(join(p.configDir, 'package.json'), 'utf8'))).toEqual({ dependencies: { '@opencode-ai/plugin': '*' } });
    expect(JSON.parse(await readFile(join(p.configDir, 'package-lock.json'), 'utf8')).packages[''].dependencies).toEqual({
      '@opencode-ai/plugin': '*',
    });
    expect((await stat(join(p.configDir, 'node_modules'))).isDirectory()).toBe(true);
    expect(await readFile(join(p.configDir, 'plugins', 'bottega-turn-env.js'), 'utf8')).toContain("'shell.env'");
    expect((await stat(p.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(p.turnEnvDir)).mode & 0o777).toBe(0o700);
  });

  it('stores credentials 0600 and reports status without the secret', async () => {
    await saveOpencodeCredentials(home, 5, custom);
    expect((await stat(opencodePaths(home, 5).credentialsFile)).mode & 0o777).toBe(0o600);
    expect(await readOpencodeCredentials(home, 5)).toEqual(custom);
    const status = await opencodeStatus(home, 5);
    expect(status).toEqual({ connected: true, method: 'custom', baseUrl: 'http://127.0.0.1:9/v1', models: ['m-one', 'm-two'] });
    expect(JSON.stringify(status)).not.toContain('sk-custom');
  });
});
