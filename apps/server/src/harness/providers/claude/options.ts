// Turns Bottega's provider-neutral turn options into the Claude Agent SDK's
// Options: explicit model and permission mode, no filesystem settings, the
// environment exactly as built for the user, the CLI binary resolved up front.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import type { EffortLevel, McpServerConfig, Options, SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import { ProviderError, type DisallowableTool, type SystemPrompt, type TurnOptions } from '../../contract';
import { createToolGate, type ToolGateEvents } from './tool-gate';

export const CLAUDE_EFFORTS: readonly EffortLevel[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/** The sub-agent tool has two names across CLI versions; both are denied. */
export const SUBAGENT_TOOLS = ['Task', 'Agent'] as const;

const fatal = (message: string) => new ProviderError('anthropic', 'fatal', 'invalid_request', message);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // not there, or not executable: not a candidate
    return false;
  }
}

/**
 * The Claude Code binary: `override` when given, else the platform package the
 * SDK installs as an optional dependency. Throws a clear error when missing.
 */
export function resolveClaudeExecutable(override?: string): string {
  if (override !== undefined) {
    if (!isExecutable(override))
      throw new ProviderError(
        'anthropic',
        'fatal',
        'process',
        `the Claude Code executable ${override} does not exist or is not executable`,
      );
    return override;
  }
  const require = createRequire(import.meta.url);
  const { platform, arch } = process;
  const base = '@anthropic-ai/claude-agent-sdk';
  const names = platform === 'linux' ? [`${base}-linux-${arch}`, `${base}-linux-${arch}-musl`] : [`${base}-${platform}-${arch}`];
  for (const pkg of names) {
    try {
      const path = require.resolve(`${pkg}/claude${platform === 'win32' ? '.exe' : ''}`);
      if (isExecutable(path)) return path;
    } catch {
      // try the next candidate
    }
  }
  throw new ProviderError(
    'anthropic',
    'fatal',
    'process',
    `the Claude Code binary is missing: ${names[0]} was not installed (reinstall without --omit=optional, so the lockfile's optional dependency is present)`,
  );
}

export function mapEffort(effort: string | null): EffortLevel | undefined {
  if (effort === null) return undefined;
  const level = CLAUDE_EFFORTS.find((e) => e === effort);
  if (!level) throw fatal(`effort "${effort}" is not one of Claude Code's levels (${CLAUDE_EFFORTS.join(', ')})`);
  return level;
}

export function mapDisallowedTools(tools: readonly DisallowableTool[]): string[] {
  const out = new Set<string>();
  for (const t of tools) {
    switch (t) {
      case 'subagents':
        for (const name of SUBAGENT_TOOLS) out.add(name);
        break;
      case 'ask-user':
        out.add('AskUserQuestion');
        break;
    }
  }
  return [...out];
}

export function mapSystemPrompt(prompt: SystemPrompt | null): Options['systemPrompt'] {
  if (prompt === null) return { type: 'preset', preset: 'claude_code' };
  return prompt.mode === 'append' ? { type: 'preset', preset: 'claude_code', append: prompt.text } : prompt.text;
}

export interface SdkOptionsInput {
  turn: TurnOptions;
  /** The session to continue, or null for a new one. */
  resume: string | null;
  /** Resume only up to this transcript entry (the tool_result re-drive). */
  resumeSessionAt?: string;
  executablePath: string;
  abortController: AbortController;
  mcpServers: Record<string, McpServerConfig>;
  spawn: (options: SpawnOptions) => SpawnedProcess;
  gate: ToolGateEvents;
}

export function buildSdkOptions(input: SdkOptionsInput): Options {
  const { turn } = input;
  if (turn.model.trim() === '') throw fatal('a model is required (it is never defaulted)');
  const effort = mapEffort(turn.effort);
  const options: Options = {
    pathToClaudeCodeExecutable: input.executablePath,
    spawnClaudeCodeProcess: input.spawn,
    cwd: turn.cwd,
    env: { ...turn.env },
    model: turn.model,
    ...(effort ? { effort } : {}),
    permissionMode: turn.permissionMode === 'bypass' ? 'bypassPermissions' : 'plan',
    ...(turn.permissionMode === 'bypass' ? { allowDangerouslySkipPermissions: true } : {}),
    systemPrompt: mapSystemPrompt(turn.systemPrompt),
    disallowedTools: mapDisallowedTools(turn.disallowedTools),
    settingSources: [],
    mcpServers: input.mcpServers,
    mcpServersDelivery: 'initialize',
    includePartialMessages: true,
    abortController: input.abortController,
    canUseTool: createToolGate(turn, input.gate),
  };
  if (input.resume !== null) options.resume = input.resume;
  if (input.resumeSessionAt !== undefined) options.resumeSessionAt = input.resumeSessionAt;
  return options;
}
