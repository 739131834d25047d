// Tests for the Claude credentials: validation, storage, status without the
// secret, and the from-scratch environment (no server ANTHROPIC_*/CLAUDE_* leak).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildClaudeEnvironment,
  CLAUDE_MAX_RETRIES,
  ClaudeCredentials,
  claudePaths,
  claudeStatus,
  deleteClaudeCredentials,
  readClaudeCredentials,
  saveClaudeCredentials,
} from './credentials';

let home = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'bottega-claude-cred-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const apiKey = 'sk-ant-api03-user-one-key';
const oauthToken = 'sk-ant-oat01-user-one-token';

describe('ClaudeCredentials', () => {
  it('accepts exactly one of apiKey and oauthToken', () => {
    expect(ClaudeCredentials.safeParse({ apiKey }).success).toBe(true);
    expect(ClaudeCredentials.safeParse({ oauthToken, baseUrl: null }).success).toBe(true);
    expect(ClaudeCredentials.safeParse({}).success).toBe(false);
    expect(ClaudeCredentials.safeParse({ apiKey, oauthToken }).success).toBe(false);
  });

  it('accepts only http(s) base URLs and clean secrets', () => {
    expect(ClaudeCredentials.safeParse({ apiKey, baseUrl: 'https://gw.example/anthropic' }).success).toBe(true);
    expect(ClaudeCredentials.safeParse({ apiKey, baseUrl: 'http://127.0.0.1:8080' }).success).toBe(true);
    expect(ClaudeCredentials.safeParse({ apiKey, baseUrl: 'file:///etc/passwd' }).success).toBe(false);
    expect(ClaudeCredentials.safeParse({ apiKey, baseUrl: 'not a url' }).success).toBe(false);
    expect(ClaudeCredentials.safeParse({ apiKey: 'sk-ant with space' }).success).toBe(false);
    expect(ClaudeCredentials.safeParse({ apiKey: 'sk-ant-x\nInjected: 1' }).success).toBe(false);
    expect(ClaudeCredentials.safeParse({ apiKey, extra: 1 }).success).toBe(false);
  });
});

describe('storage and status', () => {
  it('saves, reads, reports status without the secret, and deletes', async () => {
    expect(await claudeStatus(home, 3)).toEqual({ connected: false, method: null, baseUrl: null });
    await saveClaudeCredentials(home, 3, { apiKey, baseUrl: 'https://gw.example' });
    expect((await stat(claudePaths(home, 3).credentialsFile)).mode & 0o777).toBe(0o600);
    expect(await readClaudeCredentials(home, 3)).toEqual({ apiKey, baseUrl: 'https://gw.example' });
    const status = await claudeStatus(home, 3);
    expect(status).toEqual({ connected: true, method: 'api-key', baseUrl: 'https://gw.example' });
    expect(JSON.stringify(status)).not.toContain(apiKey);
    await saveClaudeCredentials(home, 3, { oauthToken });
    expect(await claudeStatus(home, 3)).toEqual({ connected: true, method: 'oauth-token', baseUrl: null });
    await deleteClaudeCredentials(home, 3);
    expect(await readClaudeCredentials(home, 3)).toBeNull();
  });

  it('refuses to store invalid credentials', async () => {
    await expect(saveClaudeCredentials(home, 3, { apiKey, oauthToken })).rejects.toThrow(/exactly one/);
  });
});

describe('buildClaudeEnvironment', () => {
  const serverEnv = {
    PATH: '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TMPDIR: '/var/tmp',
    HOME: '/root',
    ANTHROPIC_API_KEY: 'sk-server-global-key',
    ANTHROPIC_BASE_URL: 'https://server-global.example',
    CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-server-global',
    CLAUDE_CONFIG_DIR: '/root/.claude',
    AWS_SECRET_ACCESS_KEY: 'aws',
  };

  it('builds exactly the documented variables for an API key, as root', async () => {
    const env = await buildClaudeEnvironment(home, 5, { apiKey, baseUrl: 'http://127.0.0.1:9999' }, { env: serverEnv, isRoot: true });
    const paths = claudePaths(home, 5);
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: paths.homeDir,
      LANG: 'en_US.UTF-8',
      TMPDIR: '/var/tmp',
      CLAUDE_CONFIG_DIR: paths.configDir,
      ANTHROPIC_API_KEY: apiKey,
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_MAX_RETRIES: String(CLAUDE_MAX_RETRIES),
      IS_SANDBOX: '1',
    });
    expect((await stat(paths.configDir)).mode & 0o777).toBe(0o700);
    expect((await stat(paths.homeDir)).mode & 0o777).toBe(0o700);
  });

  it('uses the OAuth variable alone for a token, and no IS_SANDBOX when not root', async () => {
    const env = await buildClaudeEnvironment(home, 5, { oauthToken }, { env: { PATH: '/bin' }, isRoot: false });
    expect(env.CLAUDE_CODE_OAUTH_TOKEN).toBe(oauthToken);
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_BASE_URL).toBeUndefined();
    expect(env.IS_SANDBOX).toBeUndefined();
    expect(env.TMPDIR).toBeUndefined();
  });

  it('never carries the server process ANTHROPIC_* / CLAUDE_* variables', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, serverEnv);
    try {
      const env = await buildClaudeEnvironment(home, 6, { oauthToken });
      const text = JSON.stringify(env);
      expect(text).not.toContain('sk-server-global-key');
      expect(text).not.toContain('server-global');
      expect(text).not.toContain('/root/.claude');
      expect(env.HOME).toBe(claudePaths(home, 6).homeDir);
      expect(Object.keys(env).filter((k) => k.startsWith('ANTHROPIC_'))).toEqual([]);
      expect(Object.isFrozen(env)).toBe(true);
    } finally {
      for (const k of Object.keys(serverEnv)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it("keeps users apart: user A's key never appears in user B's environment", async () => {
    const a = await buildClaudeEnvironment(home, 1, { apiKey: 'sk-ant-user-a-secret' });
    const b = await buildClaudeEnvironment(home, 2, { apiKey: 'sk-ant-user-b-secret' });
    expect(JSON.stringify(b)).not.toContain('user-a');
    expect(a.CLAUDE_CONFIG_DIR).not.toBe(b.CLAUDE_CONFIG_DIR);
    expect(a.HOME).not.toBe(b.HOME);
  });
});
