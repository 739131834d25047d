// One user's Claude Code credentials (an API key or a setup-token OAuth token,
// plus an optional gateway base URL) and the agent environment built from
// them FROM SCRATCH: nothing of the server's own environment or home leaks in.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConnectAnthropicBody, type ClaudeConnectionResponse } from '@bottega/protocol';
import type { AgentEnvironment } from '../../contract';
import { ensurePrivateDir, ensureProviderDir, providerDir, readSecretJson, writeSecretJson } from '../../credential-store';

/** The provider directory name below `users/{id}/`. */
export const CLAUDE_DIR = 'anthropic';

/** Retries the CLI makes per model request before it reports the error (its default is 10). */
export const CLAUDE_MAX_RETRIES = 2;

/** The stored shape is exactly what the API accepts (`ConnectAnthropicBody`). */
export const ClaudeCredentials = ConnectAnthropicBody;
export type ClaudeCredentials = z.infer<typeof ClaudeCredentials>;

/** Whether the user connected, how, and through which base URL: the API's shape (packages/protocol). */
export type ClaudeStatus = ClaudeConnectionResponse;

export interface ClaudePaths {
  /** `users/{id}/anthropic` */
  dir: string;
  credentialsFile: string;
  /** The CLI's CLAUDE_CONFIG_DIR (sessions, settings, MCP configuration). */
  configDir: string;
  /** The agent's HOME, so nothing of the server user's home is visible. */
  homeDir: string;
}

export function claudePaths(home: string, userId: number): ClaudePaths {
  const dir = providerDir(home, userId, CLAUDE_DIR);
  return {
    dir,
    credentialsFile: join(dir, 'credentials.json'),
    configDir: join(dir, 'config'),
    homeDir: join(dir, 'home'),
  };
}

/** Validates and stores a user's credentials (0600 in 0700 directories). */
export async function saveClaudeCredentials(home: string, userId: number, credentials: ClaudeCredentials): Promise<void> {
  const parsed = ClaudeCredentials.parse(credentials);
  await ensureProviderDir(home, userId, CLAUDE_DIR);
  await writeSecretJson(claudePaths(home, userId).credentialsFile, parsed);
}

/** The stored credentials, or null when the user has not connected Claude Code. */
export async function readClaudeCredentials(home: string, userId: number): Promise<ClaudeCredentials | null> {
  return readSecretJson(claudePaths(home, userId).credentialsFile, ClaudeCredentials);
}

/** Forgets the credentials; the CLI's sessions under the config directory stay resumable. */
export async function deleteClaudeCredentials(home: string, userId: number): Promise<void> {
  await rm(claudePaths(home, userId).credentialsFile, { force: true });
}

/** What the settings UI may show: never the secret itself. */
export async function claudeStatus(home: string, userId: number): Promise<ClaudeStatus> {
  const c = await readClaudeCredentials(home, userId);
  if (!c) return { connected: false, method: null, baseUrl: null };
  return { connected: true, method: c.apiKey !== undefined ? 'api-key' : 'oauth-token', baseUrl: c.baseUrl ?? null };
}

export interface HostFacts {
  /** The server's environment: only PATH, LANG and TMPDIR are taken from it. */
  env: NodeJS.ProcessEnv;
  /** Whether the server runs as root (the CLI then needs IS_SANDBOX=1 to bypass permissions). */
  isRoot: boolean;
}

export function currentHost(): HostFacts {
  return { env: process.env, isRoot: typeof process.getuid === 'function' && process.getuid() === 0 };
}

/**
 * The credential-free part of the environment: PATH, the per-user HOME and
 * CLAUDE_CONFIG_DIR (both created 0700), LANG, TMPDIR, and the switches that
 * keep the CLI hermetic. Used for agent turns and for `claude setup-token`.
 */
export async function claudeBaseEnvironment(
  home: string,
  userId: number,
  host: HostFacts = currentHost(),
): Promise<Record<string, string>> {
  const paths = claudePaths(home, userId);
  await ensureProviderDir(home, userId, CLAUDE_DIR);
  await ensurePrivateDir(paths.configDir);
  await ensurePrivateDir(paths.homeDir);
  const env: Record<string, string> = {
    PATH: host.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: paths.homeDir,
    LANG: host.env.LANG ?? 'C.UTF-8',
    CLAUDE_CONFIG_DIR: paths.configDir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  if (host.env.TMPDIR) env.TMPDIR = host.env.TMPDIR;
  if (host.isRoot) env.IS_SANDBOX = '1';
  return env;
}

/** The whole agent environment for one user's turn, with exactly one credential variable. */
export async function buildClaudeEnvironment(
  home: string,
  userId: number,
  credentials: ClaudeCredentials,
  host: HostFacts = currentHost(),
): Promise<AgentEnvironment> {
  const c = ClaudeCredentials.parse(credentials);
  const env = await claudeBaseEnvironment(home, userId, host);
  env.CLAUDE_CODE_MAX_RETRIES = String(CLAUDE_MAX_RETRIES);
  if (c.apiKey !== undefined) env.ANTHROPIC_API_KEY = c.apiKey;
  else if (c.oauthToken !== undefined) env.CLAUDE_CODE_OAUTH_TOKEN = c.oauthToken;
  if (c.baseUrl) env.ANTHROPIC_BASE_URL = c.baseUrl;
  return Object.freeze(env);
}
