// The Claude Code provider (name `anthropic`): per-user environments from the
// stored credentials, one fresh CLI process per turn (through the Agent SDK),
// and a small map of live turns by session id for abortTurn.
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
  type TurnShape,
} from '../../contract';
import { buildClaudeEnvironment, readClaudeCredentials } from './credentials';
import { readClaudeMcpServers } from './mcp-config';
import { resolveClaudeExecutable } from './options';
import { claudeTitleGenerator } from './title';
import { ClaudeTurn, type TurnDeps } from './turn';
import { ClaudeWarmStart } from './warm-start';
import { isSimulated, SimulatedModel } from './simulated';
import { SetupTokenFlows } from './setup-token';
import type { ProviderRegistry } from '../../registry';

export interface ClaudeProviderDeps {
  /** The instance home ($BOTTEGA_HOME): per-user files live below `users/`. */
  home: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  logger: Logger;
  /** How long the model may stay silent (no tool running) before the turn is stopped. */
  stallTimeoutMs: number;
  /** The Claude Code binary; default: the SDK's platform package. */
  executablePath?: string;
  /** Program run for the in-app sign-in instead of `claude setup-token` (tests). */
  setupTokenCommand?: readonly [string, ...string[]];
  /** Where every CLI process starts (docs/behaviour/sandbox.md#confinement). */
  sandbox: Sandbox;
}

/** Anthropic's API, where no base URL is configured. */
export const ANTHROPIC_API_URL = 'https://api.anthropic.com';

export const CLAUDE_CAPABILITIES: Readonly<ProviderCapabilities> = Object.freeze({
  supportsAskUserQuestion: true,
  supportsThinkingDelta: true,
  supportsContextUsageBreakdown: false,
  supportsMcpServers: true,
  supportsImages: true,
});

/** The Claude provider with the services only it has. */
export interface ClaudeProvider extends LlmProvider {
  /** In-app `claude setup-token` sign-ins in progress, one per user. */
  readonly setupToken: SetupTokenFlows;
}

function isClaudeProvider(provider: LlmProvider): provider is ClaudeProvider {
  return (provider as Partial<ClaudeProvider>).setupToken instanceof SetupTokenFlows;
}

/** The registered Claude provider and its own services (a stand-in registered under its name has none). */
export function claudeProvider(providers: ProviderRegistry): ClaudeProvider {
  const provider = providers.get('anthropic');
  if (!isClaudeProvider(provider))
    throw new ProviderError('anthropic', 'fatal', 'invalid_request', 'the Claude provider of this server offers no in-app sign-in');
  return provider;
}

export function createClaudeProvider(deps: ClaudeProviderDeps): ClaudeProvider {
  /** The offline demo's model, for users who opted into it (started on first use). */
  const simulator = new SimulatedModel();
  const setupToken = new SetupTokenFlows({
    home: deps.home,
    logger: deps.logger.child({ component: 'claude-setup-token' }),
    ...(deps.setupTokenCommand ? { command: deps.setupTokenCommand } : {}),
  });
  let executable: string | null = null;
  const live = new Map<string, TurnHandle>();
  /** Leftover-process sweeps of finished turns, awaited at shutdown. */
  const cleanups = new Set<Promise<void>>();
  /** Which user an environment was built for, so a re-run can pick up new credentials. */
  const owners = new WeakMap<AgentEnvironment, number>();

  async function environmentFor(userId: number): Promise<AgentEnvironment> {
    let credentials = await readClaudeCredentials(deps.home, userId);
    if (!credentials) throw new CredentialsMissingError('anthropic');
    if (await isSimulated(deps.home, userId)) credentials = { ...credentials, baseUrl: await simulator.url() };
    const env = await buildClaudeEnvironment(deps.home, userId, credentials);
    owners.set(env, userId);
    return env;
  }

  function turnDeps(logger: Logger): TurnDeps {
    executable ??= resolveClaudeExecutable(deps.executablePath);
    return {
      logger,
      home: deps.home,
      nodeId: deps.nodeId,
      stallTimeoutMs: deps.stallTimeoutMs,
      executablePath: executable,
      confine: (env, turnOptions) =>
        deps.sandbox.prepare({
          provider: 'anthropic',
          confinement: turnOptions.confinement,
          // users/{id}/anthropic: the CLI's home, configuration, sessions and this user's credential.
          userDirs: env.CLAUDE_CONFIG_DIR ? [dirname(env.CLAUDE_CONFIG_DIR)] : [],
          endpoints: [env.ANTHROPIC_BASE_URL ?? ANTHROPIC_API_URL],
          cwd: turnOptions.cwd,
          env,
        }),
      mcpServers: (env) => (env.CLAUDE_CONFIG_DIR ? readClaudeMcpServers(env.CLAUDE_CONFIG_DIR) : Promise.resolve({})),
      refreshEnv: async (env) => {
        const userId = owners.get(env);
        return userId === undefined ? env : environmentFor(userId);
      },
      track: (sessionId, handle) => {
        if (handle) live.set(sessionId, handle);
        else live.delete(sessionId);
      },
      cleanupLater: (work) => {
        const p = work
          .catch((err: unknown) => logger.error({ err }, 'cleaning up after Claude Code failed'))
          .finally(() => cleanups.delete(p));
        cleanups.add(p);
      },
    };
  }

  function turn(options: TurnOptions, resumeId: string | null): TurnHandle {
    return new ClaudeTurn(turnDeps(deps.logger.child({ model: options.model, resume: resumeId })), options, resumeId);
  }

  /** Warm processes not yet used or discarded, ended at shutdown. */
  const warm = new Set<ClaudeWarmStart>();

  return {
    name: 'anthropic',
    capabilities: CLAUDE_CAPABILITIES,
    titles: claudeTitleGenerator(environmentFor),
    environmentFor,
    startTurn: (options: TurnOptions) => turn(options, null),
    prepareTurn: (shape: TurnShape) => {
      const started = new ClaudeWarmStart(turnDeps(deps.logger.child({ model: shape.model, warm: true })), shape);
      warm.add(started);
      started.settled.finally(() => warm.delete(started)).catch(() => undefined);
      return started;
    },
    sendTurnMessage: (options: ResumeOptions) => turn(options, options.resumeSessionId),
    // Bottega's own transcript store is the record of every conversation
    // (docs/behaviour/harness.md#transcript); the CLI's session files are private scratch, never read back.
    loadTranscript: () => Promise.resolve([]),
    abortTurn: async (sessionId: string) => {
      await live.get(sessionId)?.abort();
    },
    shutdown: async () => {
      await Promise.all([...warm].map((w) => w.discard()));
      await Promise.all([...live.values()].map((h) => h.abort()));
      while (cleanups.size > 0) await Promise.all([...cleanups]);
      await setupToken.closeAll();
      await simulator.close();
    },
    setupToken,
  };
}
