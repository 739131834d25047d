// Codex's options from Bottega's turn options: permissions, effort, system
// prompt, sub-agents, and the model provider chosen from the credentials.
import { describe, expect, it } from 'vitest';
import type { TurnOptions } from '../../contract';
import { buildCodexOptions, mapEffort, mapPermissions } from './options';

function turn(extra: Partial<TurnOptions> = {}): TurnOptions {
  return {
    cwd: '/work/repo',
    confinement: { mounts: [{ path: '/work/repo', access: 'rw' }], hosts: [] },
    model: 'gpt-5.1-codex',
    effort: null,
    systemPrompt: null,
    permissionMode: 'bypass',
    disallowedTools: [],
    env: { PATH: '/usr/bin', OPENAI_API_KEY: 'sk-test-key', BOTTEGA_CODEX_BASE_URL: 'http://127.0.0.1:9/v1' },
    signal: new AbortController().signal,
    prompt: 'hi',
    ...extra,
  };
}

describe('buildCodexOptions', () => {
  it('routes an API key through a custom Responses provider at the base URL, never passing the URL entry on', () => {
    const o = buildCodexOptions(turn({ systemPrompt: { mode: 'append', text: 'extra' }, disallowedTools: ['subagents'] }), '/bin/codex');
    expect(o.codex.env).toEqual({ PATH: '/usr/bin', OPENAI_API_KEY: 'sk-test-key' });
    expect(o.codex.config).toMatchObject({
      model_provider: 'bottega',
      model_providers: {
        bottega: { base_url: 'http://127.0.0.1:9/v1', wire_api: 'responses', env_key: 'OPENAI_API_KEY', request_max_retries: 0 },
      },
      analytics: { enabled: false },
      features: { plugins: false, unbounded_connection_retries: false, multi_agent: false },
      developer_instructions: 'extra',
    });
    expect(o.thread).toEqual({
      model: 'gpt-5.1-codex',
      workingDirectory: '/work/repo',
      skipGitRepoCheck: true,
      sandboxMode: 'danger-full-access',
      approvalPolicy: 'never',
    });
  });

  it('uses the public API for a key without base URL, the sign-in for a gateway without key, the built-in provider otherwise', () => {
    const key = buildCodexOptions(turn({ env: { OPENAI_API_KEY: 'sk-test-key' } }), '/bin/codex').codex.config;
    expect(key).toMatchObject({ model_providers: { bottega: { base_url: 'https://api.openai.com/v1' } } });
    const gateway = buildCodexOptions(turn({ env: { BOTTEGA_CODEX_BASE_URL: 'https://gw.example/v1' } }), '/bin/codex').codex.config;
    expect(gateway).toMatchObject({ model_providers: { bottega: { base_url: 'https://gw.example/v1', requires_openai_auth: true } } });
    const signIn = buildCodexOptions(turn({ env: {}, systemPrompt: { mode: 'replace', text: 'only this' } }), '/bin/codex').codex.config;
    expect(signIn?.model_provider).toBeUndefined();
    expect(signIn?.base_instructions).toBe('only this');
  });

  it('never defaults the model', () => {
    expect(() => buildCodexOptions(turn({ model: ' ' }), '/bin/codex')).toThrow(/model is required/);
  });
});

describe('mapEffort / mapPermissions', () => {
  it("accepts only Codex's own effort levels", () => {
    expect(mapEffort(null)).toBeUndefined();
    expect(mapEffort('minimal')).toBe('minimal');
    expect(() => mapEffort('xhigh')).toThrow(/not one of Codex's levels/);
  });
  it('plans read-only and never asks for approval', () => {
    expect(mapPermissions('plan')).toEqual({ sandboxMode: 'read-only', approvalPolicy: 'never' });
  });
});
