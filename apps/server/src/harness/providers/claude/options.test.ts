// Tests for the TurnOptions → SDK Options translation: explicit model and
// permission mode, effort vocabulary, system prompt, disallowed tools, and
// the Claude Code binary resolution.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TurnOptions } from '../../contract';
import { buildSdkOptions, mapDisallowedTools, mapEffort, mapSystemPrompt, resolveClaudeExecutable, type SdkOptionsInput } from './options';

const turn: TurnOptions = {
  cwd: '/srv/app',
  confinement: { mounts: [{ path: '/srv/app', access: 'rw' }], hosts: [] },
  model: 'claude-sonnet-4-5',
  effort: null,
  systemPrompt: null,
  permissionMode: 'bypass',
  disallowedTools: [],
  env: Object.freeze({ PATH: '/bin', ANTHROPIC_API_KEY: 'k' }),
  signal: new AbortController().signal,
  prompt: 'hi',
};

function input(overrides: Partial<TurnOptions> = {}, extra: Partial<SdkOptionsInput> = {}): SdkOptionsInput {
  return {
    turn: { ...turn, ...overrides },
    resume: null,
    executablePath: '/opt/claude',
    abortController: new AbortController(),
    mcpServers: {},
    spawn: () => {
      throw new Error('not used');
    },
    gate: { onWaiting: () => undefined },
    ...extra,
  };
}

describe('buildSdkOptions', () => {
  it('passes model, cwd, env exactly, and an explicit bypass mode', () => {
    const o = buildSdkOptions(input());
    expect(o).toMatchObject({
      model: 'claude-sonnet-4-5',
      cwd: '/srv/app',
      env: { PATH: '/bin', ANTHROPIC_API_KEY: 'k' },
      permissionMode: 'bypassPermissions',
      allowDangerouslySkipPermissions: true,
      settingSources: [],
      pathToClaudeCodeExecutable: '/opt/claude',
      systemPrompt: { type: 'preset', preset: 'claude_code' },
      disallowedTools: [],
      mcpServersDelivery: 'initialize',
      includePartialMessages: true,
    });
    expect(Object.keys(o.env ?? {}).sort()).toEqual(['ANTHROPIC_API_KEY', 'PATH']);
    expect(o).not.toHaveProperty('effort');
    expect(o).not.toHaveProperty('resume');
    expect(typeof o.canUseTool).toBe('function');
  });

  it('maps plan mode without the dangerous flag, and resume fields', () => {
    const o = buildSdkOptions(input({ permissionMode: 'plan', effort: 'max' }, { resume: 'sess-1', resumeSessionAt: 'uuid-1' }));
    expect(o.permissionMode).toBe('plan');
    expect(o).not.toHaveProperty('allowDangerouslySkipPermissions');
    expect(o).toMatchObject({ effort: 'max', resume: 'sess-1', resumeSessionAt: 'uuid-1' });
  });

  it('never defaults the model', () => {
    expect(() => buildSdkOptions(input({ model: ' ' }))).toThrow(/model is required/);
  });
});

describe('vocabularies', () => {
  it('maps efforts and refuses unknown ones', () => {
    expect(mapEffort(null)).toBeUndefined();
    expect(['low', 'medium', 'high', 'xhigh', 'max'].map((e) => mapEffort(e))).toEqual(['low', 'medium', 'high', 'xhigh', 'max']);
    expect(() => mapEffort('minimal')).toThrow(/not one of Claude Code's levels/);
  });

  it('maps disallowed tools to both sub-agent names and AskUserQuestion', () => {
    expect(mapDisallowedTools(['subagents'])).toEqual(['Task', 'Agent']);
    expect(mapDisallowedTools(['ask-user', 'subagents', 'ask-user'])).toEqual(['AskUserQuestion', 'Task', 'Agent']);
  });

  it('appends to or replaces the Claude Code system prompt', () => {
    expect(mapSystemPrompt({ mode: 'append', text: 'Be brief.' })).toEqual({ type: 'preset', preset: 'claude_code', append: 'Be brief.' });
    expect(mapSystemPrompt({ mode: 'replace', text: 'You are a bot.' })).toBe('You are a bot.');
  });
});

describe('resolveClaudeExecutable', () => {
  it('finds the binary installed with the SDK', () => {
    expect(resolveClaudeExecutable()).toMatch(/claude-agent-sdk-linux-x64\/claude$/);
  });

  it('accepts an executable override and refuses a missing one with a clear error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bottega-exe-'));
    try {
      const exe = join(dir, 'claude');
      await writeFile(exe, '#!/bin/sh\n');
      await chmod(exe, 0o755);
      expect(resolveClaudeExecutable(exe)).toBe(exe);
      expect(() => resolveClaudeExecutable(join(dir, 'missing'))).toThrow(/does not exist or is not executable/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
