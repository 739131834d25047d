// The Codex provider (name `openai`): per-user environments (own CODEX_HOME)
// from the stored credentials, one fresh `codex exec` per turn through the
// SDK, and a map of live turns by thread id for abortTurn.
import { dirname } from 'node:path';
import type { Logger } from '../../../logger';
import type { Sandbox } from '../../../sandbox/sandbox';
import {
  CredentialsMissingError,
  ProviderError,
  type AgentEnvironment,
  type LlmProvider,
  type ProviderCapabilities,
  type ResumeOptions,
  type TurnHandle,
  type TurnOptions,
} from '../../contract';
import { buildCodexEnvironment, readCodexCredentials } from './credentials';
import { codexEndpoints, resolveCodexExecutable } from './options';
import { codexTitleGenerator } from './title';
import { CodexTurn } from './turn';
import { DeviceLoginFlows } from './device-login';
import type { ProviderRegistry } from '../../registry';

export interface CodexProviderDeps {
  /** The instance home ($BOTTEGA_HOME): per-user files live below `users/`. */
  home: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  logger: Logger;
  /** How long the model may stay silent before Codex fails the request. */
  stallTimeoutMs: number;
  /** The Codex binary; default: the SDK's platform package. */
  executablePath?: string;
  /** Where every `codex exec` starts (docs/behaviour/sandbox.md#confinement). */
  sandbox: Sandbox;
  /** Program run for the in-app sign-in instead of `codex login --device-auth` (tests). */
  deviceLoginCommand?: readonly [string, ...string[]];
}

/** The Codex provider with the services only it has. */
export interface CodexProvider extends LlmProvider {
  /** In-app Codex device-code sign-ins in progress, one per user. */
  readonly deviceLogin: DeviceLoginFlows;
}

function isCodexProvider(provider: LlmProvider): provider is CodexProvider {
  return (provider as Partial<CodexProvider>).deviceLogin instanceof DeviceLoginFlows;
}

/** The registered Codex provider and its own services (a stand-in registered under its name has none). */
export function codexProvider(providers: ProviderRegistry): CodexProvider {
  const provider = providers.get('openai');
  if (!isCodexProvider(provider))
    throw new ProviderError('openai', 'fatal', 'invalid_request', 'the Codex provider of this server offers no in-app sign-in');
  return provider;
}

/** What Codex can do through `codex exec`: no mid-turn questions, no thinking deltas, whole items only. */
export const CODEX_CAPABILITIES: Readonly<ProviderCapabilities> = Object.freeze({
  supportsAskUserQuestion: false,
  supportsThinkingDelta: false,
  supportsContextUsageBreakdown: false,
  supportsMcpServers: false,
  supportsImages: false,
});

export function createCodexProvider(deps: CodexProviderDeps): CodexProvider {
  const deviceLogin = new DeviceLoginFlows({
    home: deps.home,
    logger: deps.logger.child({ component: 'codex-device-login' }),
    ...(deps.deviceLoginCommand ? { command: deps.deviceLoginCommand } : {}),
  });
  let executable: string | null = null;
  const live = new Map<string, TurnHandle>();
  const cleanups = new Set<Promise<void>>();

  async function environmentFor(userId: number): Promise<AgentEnvironment> {
    const credentials = await readCodexCredentials(deps.home, userId);
    if (!credentials) throw new CredentialsMissingError('openai');
    const env = await buildCodexEnvironment(deps.home, userId, credentials);
    if (!env) throw new CredentialsMissingError('openai');
    return env;
  }

  function turn(options: TurnOptions, resumeId: string | null): TurnHandle {
    executable ??= resolveCodexExecutable(deps.executablePath);
    const logger = deps.logger.child({ model: options.model, resume: resumeId });
    return new CodexTurn(
      {
        logger,
        home: deps.home,
        nodeId: deps.nodeId,
        executablePath: executable,
        streamIdleMs: deps.stallTimeoutMs,
        track: (sessionId, handle) => {
          if (handle) live.set(sessionId, handle);
          else if (live.get(sessionId)) live.delete(sessionId);
        },
        confine: (turnOptions) =>
          deps.sandbox.prepare({
            provider: 'openai',
            confinement: turnOptions.confinement,
            // users/{id}/openai: CODEX_HOME (sessions, a ChatGPT sign-in), the CLI's home, this user's credential.
            userDirs: turnOptions.env.CODEX_HOME ? [dirname(turnOptions.env.CODEX_HOME)] : [],
            endpoints: codexEndpoints(turnOptions.env),
            cwd: turnOptions.cwd,
            env: turnOptions.env,
          }),
        cleanupLater: (work) => {
          const p = work.finally(() => cleanups.delete(p));
          cleanups.add(p);
        },
      },
      options,
      resumeId,
    );
  }

  return {
    name: 'openai',
    capabilities: CODEX_CAPABILITIES,
    titles: codexTitleGenerator(deps.home),
    environmentFor,
    startTurn: (options: TurnOptions) => turn(options, null),
    sendTurnMessage: (options: ResumeOptions) => turn(options, options.resumeSessionId),
    // Bottega's transcript store is the record (docs/behaviour/harness.md#transcript); Codex's session files are private scratch.
    loadTranscript: () => Promise.resolve([]),
    abortTurn: async (sessionId: string) => {
      await live.get(sessionId)?.abort();
    },
    shutdown: async () => {
      await Promise.all([...live.values()].map((h) => h.abort()));
      while (cleanups.size > 0) await Promise.all([...cleanups]);
      await deviceLogin.closeAll();
    },
    deviceLogin,
  };
}
