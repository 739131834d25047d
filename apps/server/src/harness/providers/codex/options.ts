// Turns Bottega's provider-neutral turn options into the Codex SDK's options:
// the explicit model, permission mode → sandbox + approval policy, effort →
// reasoning effort (only Codex's own values), the system prompt as developer
// (append) or base (replace) instructions, no sub-agents when disallowed, and
// the model provider: a custom Responses provider (HARNESSES.md: never the
// built-in one's WebSocket path) for API keys and gateways, the built-in one
// only for a ChatGPT sign-in without a base URL.
import { createRequire } from 'node:module';
import type { ApprovalMode, CodexOptions, ModelReasoningEffort, SandboxMode, ThreadOptions } from '@openai/codex-sdk';
import { EFFORT_LEVELS } from '@bottega/protocol';
import { ProviderError, type AgentEnvironment, type TurnOptions } from '../../contract';
import { CODEX_BASE_URL_VARIABLE, CODEX_KEY_VARIABLE } from './credentials';

export const CODEX_EFFORTS = EFFORT_LEVELS.openai ?? [];
/** The public OpenAI API, for an API key without a gateway. */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** How long Codex waits on a silent model stream before it fails the request. */
export const CODEX_STREAM_IDLE_MS = 300_000;

const fatal = (message: string) => new ProviderError('openai', 'fatal', 'invalid_request', message);

export function mapEffort(effort: string | null): ModelReasoningEffort | undefined {
  if (effort === null) return undefined;
  if (!CODEX_EFFORTS.includes(effort)) throw fatal(`effort "${effort}" is not one of Codex's levels (${CODEX_EFFORTS.join(', ')})`);
  return effort as ModelReasoningEffort;
}

export function mapPermissions(mode: TurnOptions['permissionMode']): { sandboxMode: SandboxMode; approvalPolicy: ApprovalMode } {
  switch (mode) {
    // Agents need git (the worktree's metadata lives outside it) and the network (push, gh).
    case 'bypass':
      return { sandboxMode: 'danger-full-access', approvalPolicy: 'never' };
    case 'plan':
      return { sandboxMode: 'read-only', approvalPolicy: 'never' };
  }
}

/** Where a ChatGPT sign-in sends model requests and refreshes its tokens. */
export const CHATGPT_ENDPOINTS = ['https://chatgpt.com', 'https://auth.openai.com'];

/** The model endpoints the user's Codex connection talks to (what its sandbox lets through). */
export function codexEndpoints(env: AgentEnvironment): string[] {
  const baseUrl = env[CODEX_BASE_URL_VARIABLE];
  if (baseUrl) return [baseUrl];
  return env[CODEX_KEY_VARIABLE] !== undefined ? [OPENAI_BASE_URL] : CHATGPT_ENDPOINTS;
}

type ConfigObject = NonNullable<CodexOptions['config']>;

function modelProviderConfig(env: AgentEnvironment, streamIdleMs: number): ConfigObject {
  const baseUrl = env[CODEX_BASE_URL_VARIABLE];
  const hasKey = env[CODEX_KEY_VARIABLE] !== undefined;
  if (!baseUrl && !hasKey) return {};
  const provider: ConfigObject = {
    name: 'bottega',
    base_url: baseUrl ?? OPENAI_BASE_URL,
    wire_api: 'responses',
    request_max_retries: 0,
    stream_max_retries: 0,
    stream_idle_timeout_ms: streamIdleMs,
  };
  if (hasKey) provider.env_key = CODEX_KEY_VARIABLE;
  else provider.requires_openai_auth = true;
  return { model_provider: 'bottega', model_providers: { bottega: provider } };
}

export interface CodexSdkOptions {
  codex: CodexOptions;
  thread: ThreadOptions;
}

export function buildCodexOptions(
  turn: TurnOptions,
  executablePath: string,
  streamIdleMs = CODEX_STREAM_IDLE_MS,
  extraEnv: Record<string, string> = {},
): CodexSdkOptions {
  if (turn.model.trim() === '') throw fatal('a model is required (it is never defaulted)');
  const effort = mapEffort(turn.effort);
  const { [CODEX_BASE_URL_VARIABLE]: _baseUrl, ...env } = turn.env;
  const config: ConfigObject = {
    ...modelProviderConfig(turn.env, streamIdleMs),
    analytics: { enabled: false },
    features: {
      plugins: false,
      unbounded_connection_retries: false,
      ...(turn.disallowedTools.includes('subagents') ? { multi_agent: false } : {}),
    },
    check_for_update_on_startup: false,
    // Commands see the run's whole environment (GH_TOKEN for the PR role included:
    // Codex would drop *TOKEN* names by default) except the model key.
    shell_environment_policy: { inherit: 'all', ignore_default_excludes: true, exclude: [CODEX_KEY_VARIABLE] },
  };
  if (turn.systemPrompt?.mode === 'append') config.developer_instructions = turn.systemPrompt.text;
  if (turn.systemPrompt?.mode === 'replace') config.base_instructions = turn.systemPrompt.text;
  return {
    codex: { codexPathOverride: executablePath, env: { ...env, ...extraEnv }, config },
    thread: {
      model: turn.model,
      workingDirectory: turn.cwd,
      skipGitRepoCheck: true,
      ...mapPermissions(turn.permissionMode),
      ...(effort ? { modelReasoningEffort: effort } : {}),
    },
  };
}

/** The Codex binary of the SDK's platform package; a clear error when it is missing. */
export function resolveCodexExecutable(override?: string): string {
  if (override !== undefined) return override;
  const require = createRequire(import.meta.url);
  const { platform, arch } = process;
  const pkg = `@openai/codex-${platform}-${arch}`;
  const triple =
    platform === 'linux'
      ? `${arch === 'x64' ? 'x86_64' : 'aarch64'}-unknown-linux-musl`
      : platform === 'darwin'
        ? `${arch === 'x64' ? 'x86_64' : 'aarch64'}-apple-darwin`
        : null;
  try {
    if (triple === null) throw new Error(`unsupported platform ${platform}`);
    return require.resolve(`${pkg}/vendor/${triple}/bin/codex`);
  } catch (err) {
    throw new ProviderError(
      'openai',
      'fatal',
      'process',
      `the Codex binary is missing (${pkg}; reinstall without --omit=optional): ${(err as Error).message}`,
    );
  }
}
