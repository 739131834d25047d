// The Claude Code provider (name `anthropic`): per-user environments from the
// stored credentials, one fresh CLI process per turn (through the Agent SDK),
// and a small map of live turns by session id for abortTurn.
import { dirname } from 'node:path';
import type { Logger } from '../../../logger';
import type { Sandbox } from '../../../sandbox/sandbox';
import { CredentialsMissingError, type AgentEnvironment, type LlmProvider, type ProviderCapabilities, type ResumeOptions, type TurnHandle, type TurnOptions } from '../../contract';
import { buildClaudeEnvironment, readClaudeCredentials } from './credentials';
import { readClaudeMcpServers } from './mcp-config';
import { resolveClaudeExecutable } from './options';
import { claudeTitleGenerator } from './title';
import { ClaudeTurn } from './turn';
import { isSimulated, type SimulatedModel } from './simulated';

export interface ClaudeProviderDeps {
  /** The instance home ($BOTTEGA_HOME): per-user files live below `users/`. */
  home: string;
  logger: Logger;
  /** How long the model may stay silent (no tool running) before the turn is stopped. */
  stallTimeoutMs: number;
  /** The Claude Code binary; default: the SDK's platform package. */
  executablePath?: string;
  /** The offline demo's model, for users who opted into it. */
  simulator?: SimulatedModel;
  /** Where every CLI process starts (SPEC §12). */
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

export function createClaudeProvider(deps: ClaudeProviderDeps): LlmProvider {
  let executable: string | null = null;
  const live = new Map<string, TurnHandle>();
  /** Leftover-process sweeps of finished turns, awaited at shutdown. */
  const cleanups = new Set<Promise<void>>();
  /** Which user an environment was built for, so a re-run can pick up new credentials. */
  const owners = new WeakMap<AgentEnvironment, number>();

  async function environmentFor(userId: number): Promise<AgentEnvironment> {
    let credentials = await readClaudeCredentials(deps.home, userId);
    if (!credentials) throw new CredentialsMissingError('anthropic');
    if (deps.simulator && (await isSimulated(deps.home, userId))) credentials = { ...credentials, baseUrl: await deps.simulator.url() };
    const env = await buildClaudeEnvironment(deps.home, userId, credentials);
    owners.set(env, userId);
    return env;
  }

  function turn(options: TurnOptions, resumeId: string | null): TurnHandle {
    executable ??= resolveClaudeExecutable(deps.executablePath);
    const logger = deps.logger.child({ model: options.model, resume: resumeId });
    return new ClaudeTurn(
      {
        logger,
        home: deps.home,
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
          const p = work.catch((err: unknown) => logger.error({ err }, 'cleaning up after Claude Code failed')).finally(() => cleanups.delete(p));
          cleanups.add(p);
        },
      },
      options,
      resumeId,
    );
  }

  return {
    name: 'anthropic',
    capabilities: CLAUDE_CAPABILITIES,
    titles: claudeTitleGenerator(environmentFor),
    environmentFor,
    startTurn: (options: TurnOptions) => turn(options, null),
    sendTurnMessage: (options: ResumeOptions) => turn(options, options.resumeSessionId),
    // Bottega's own transcript store is the record of every conversation
    // (SPEC §5); the CLI's session files are private scratch, never read back.
    loadTranscript: () => Promise.resolve([]),
    abortTurn: async (sessionId: string) => {
      await live.get(sessionId)?.abort();
    },
    shutdown: async () => {
      await Promise.all([...live.values()].map((h) => h.abort()));
      while (cleanups.size > 0) await Promise.all([...cleanups]);
    },
  };
}
