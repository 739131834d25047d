// The OpenCode provider (name `opencode`): one long-lived `opencode serve` per
// user (the pool), per-user environments built from the stored credentials,
// turns over the server's HTTP API and events, and the live model catalog.
import { createHash } from 'node:crypto';
import type { Logger } from '../../../logger';
import type { Confinement } from '../../../sandbox/confinement';
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
import { liveModels, type OpencodeModel } from './catalog';
import { opencodeServerEnvironment, prepareOpencodeDirs, USER_VAR } from './config';
import { opencodePaths, readOpencodeCredentials } from './credentials';
import { OpencodeServerPool, type ServerScope } from './pool';
import { OpencodeServerProcess, resolveOpencodeBinary } from './server-process';
import { opencodeTitleGenerator } from './title';
import { OpencodeTurn } from './turn';

export interface OpencodeProviderDeps {
  /** The instance home ($BOTTEGA_HOME): per-user files live below `users/`. */
  home: string;
  /** The node starting agent processes: their marker names it (see agent-process.ts). */
  nodeId?: string;
  logger: Logger;
  stallTimeoutMs: number;
  /** Most OpenCode servers running at once (default 8). */
  maxServers?: number;
  /** A user's server with no turn for this long is stopped (default 10 minutes). */
  idleMs?: number;
  /** How long an aborted session may take to stop before its server is stopped (default 5 s). */
  abortGraceMs?: number;
  /** The OpenCode binary; default: the `opencode-linux-x64` package's. */
  binary?: () => string;
  /** Where every `opencode serve` starts (docs/behaviour/sandbox.md#confinement). */
  sandbox: Sandbox;
}

/** OpenCode Zen's endpoint, for a Zen key. */
export const ZEN_URL = 'https://opencode.ai';

/** The catalog server (model lists) sees no task at all. */
const NO_TASK: Confinement = { mounts: [], hosts: [] };

export const OPENCODE_CAPABILITIES: Readonly<ProviderCapabilities> = Object.freeze({
  // The question tool is disabled: nobody can answer it mid-turn through the server API we use.
  supportsAskUserQuestion: false,
  supportsThinkingDelta: true,
  supportsContextUsageBreakdown: false,
  supportsMcpServers: false,
  supportsImages: false,
});

export interface OpencodeProvider extends LlmProvider {
  /** The models the user's live server offers (starts it if needed). */
  models(userId: number): Promise<OpencodeModel[]>;
  /** Stops the user's server (their credentials changed or were removed); resolves once it exited. */
  invalidate(userId: number): Promise<void>;
  readonly pool: OpencodeServerPool;
}

export function createOpencodeProvider(deps: OpencodeProviderDeps): OpencodeProvider {
  let binary: string | null = null;
  const pool = new OpencodeServerPool({
    logger: deps.logger,
    cap: deps.maxServers ?? 8,
    idleMs: deps.idleMs ?? 10 * 60_000,
  });
  const live = new Map<string, TurnHandle>();
  /** Users whose directories were prepared by this process (once is enough; idempotent anyway). */
  const prepared = new Map<number, Promise<void>>();

  /**
   * The server of one user for one task: it runs in a sandbox that shows it
   * that task's worktree and archive, the user's own OpenCode folder, and
   * reaches the user's model endpoint (docs/behaviour/sandbox.md#confinement).
   */
  function scopeFor(userId: number, confinement: Confinement): ServerScope {
    return {
      key: createHash('sha256').update(JSON.stringify(confinement)).digest('hex').slice(0, 16),
      start: async (env, cwd) => {
        const credentials = await readOpencodeCredentials(deps.home, userId);
        if (!credentials) throw new CredentialsMissingError('opencode');
        return OpencodeServerProcess.start({
          binary: (binary ??= (deps.binary ?? resolveOpencodeBinary)()),
          env: { ...env },
          cwd,
          instanceHome: deps.home,
          nodeId: deps.nodeId,
          logger: deps.logger.child({ userId }),
          confine: (port) =>
            deps.sandbox.prepare({
              provider: 'opencode',
              confinement,
              userDirs: [opencodePaths(deps.home, userId).dir],
              endpoints: ['zenKey' in credentials ? ZEN_URL : credentials.custom.baseUrl],
              cwd,
              env,
              publish: [port],
            }),
        });
      },
    };
  }

  /** The server environment for the user's current credentials (without the user marker). */
  async function serverEnv(userId: number): Promise<Record<string, string>> {
    const credentials = await readOpencodeCredentials(deps.home, userId);
    if (!credentials) throw new CredentialsMissingError('opencode');
    let ready = prepared.get(userId);
    if (!ready) {
      ready = prepareOpencodeDirs(deps.home, userId);
      prepared.set(userId, ready);
      // A failed preparation is tried again next time; the await below hands its error to the caller.
      ready.catch(() => prepared.delete(userId));
    }
    await ready;
    return opencodeServerEnvironment(deps.home, userId, credentials);
  }

  async function environmentFor(userId: number): Promise<AgentEnvironment> {
    return Object.freeze({ ...(await serverEnv(userId)), [USER_VAR]: String(userId) });
  }

  function userOf(env: AgentEnvironment): number {
    const id = Number(env[USER_VAR]);
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new ProviderError('opencode', 'fatal', 'invalid_request', 'the turn environment was not built by the OpenCode provider');
    return id;
  }

  function turn(options: TurnOptions, resumeId: string | null): TurnHandle {
    const userId = userOf(options.env);
    const paths = opencodePaths(deps.home, userId);
    return new OpencodeTurn(
      {
        logger: deps.logger.child({ userId, model: options.model, resume: resumeId }),
        lease: async () => {
          // Re-read: changed credentials replace the server before this turn runs.
          const base = await serverEnv(userId);
          const extraEnv: Record<string, string> = {};
          for (const [k, v] of Object.entries(options.env)) if (k !== USER_VAR && base[k] !== v) extraEnv[k] = v;
          const lease = await pool.acquire(userId, scopeFor(userId, options.confinement), base, paths.homeDir);
          // The turn's variables reach the server's commands inside its sandbox: its proxy replaces theirs.
          const sandbox = lease.server.sandbox;
          return { lease, extraEnv: sandbox ? sandbox.confineEnv(extraEnv) : extraEnv };
        },
        turnEnvDir: paths.turnEnvDir,
        stallTimeoutMs: deps.stallTimeoutMs,
        abortGraceMs: deps.abortGraceMs ?? 5000,
        killServer: () => pool.invalidate(userId),
        track: (sessionId, handle) => {
          if (handle) live.set(sessionId, handle);
          else live.delete(sessionId);
        },
      },
      options,
      resumeId,
    );
  }

  return {
    name: 'opencode',
    capabilities: OPENCODE_CAPABILITIES,
    titles: opencodeTitleGenerator(deps.home),
    pool,
    environmentFor,
    startTurn: (options) => turn(options, null),
    sendTurnMessage: (options: ResumeOptions) => turn(options, options.resumeSessionId),
    // Bottega's own transcript store is the record of every conversation (docs/behaviour/harness.md#transcript).
    loadTranscript: () => Promise.resolve([]),
    abortTurn: async (sessionId) => {
      await live.get(sessionId)?.abort();
    },
    models: async (userId) => {
      const lease = await pool.acquire(
        userId,
        scopeFor(userId, NO_TASK),
        await serverEnv(userId),
        opencodePaths(deps.home, userId).homeDir,
      );
      try {
        return await liveModels(lease.server, opencodePaths(deps.home, userId).homeDir);
      } finally {
        lease.release();
      }
    },
    invalidate: (userId) => pool.invalidate(userId),
    shutdown: async () => {
      await Promise.all([...live.values()].map((h) => h.abort()));
      await pool.shutdown();
    },
  };
}
